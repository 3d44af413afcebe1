/**
 * Auto-pipelining over a pool: commands issued in the same tick share one
 * lease and one write; blocking commands get a lease of their own.
 *
 * @module
 */
import {
  backoffDelay,
  blockingTime,
  type CommandOptions,
  type Connection,
  isRetryable,
  resolveRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  sleep,
} from "../connection/mod.ts";
import type { AcquireOptions, Lease } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * Where a dispatcher gets connections: a pool (or anything lending leases).
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, type LeaseSource } from "@redwire/redis";
 *
 * const source: LeaseSource = new BlockingConnectionPool({ maxConnections: 4 });
 * ```
 */
export interface LeaseSource {
  /** Lends a connection until the lease is released. */
  acquire(options?: AcquireOptions): Promise<Lease>;
}

/**
 * Retry settings of a dispatcher.
 *
 * @example
 * ```ts
 * import type { DispatchRetry } from "@redwire/redis";
 *
 * const retry: DispatchRetry = { retryOnTimeout: false, retryOnError: [], retry: { attempts: 2 } };
 * ```
 */
export interface DispatchRetry extends RetryDecision {
  /** Backoff policy. */
  retry?: RetryPolicy;
  /** Called with every failure before the retry decision (Sentinel marks its pool stale here). */
  onError?: (error: Error, connection: Connection | undefined) => void;
}

interface Job {
  args: RedisArgument[];
  options: CommandOptions;
  resolve: (reply: Reply) => void;
  /** Rejects, or retries where allowed; made once per job. */
  fail: (error: Error) => void;
  reject: (error: Error) => void;
  attempt: number;
  /** The connection the last attempt ran on, for `onError`. */
  connection: Connection | undefined;
}

const NO_OPTIONS: CommandOptions = Object.freeze({});

/**
 * Sends commands over pooled connections: one lease and one write per tick's
 * burst, a dedicated lease for blocking commands, retries where allowed.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, Dispatcher } from "@redwire/redis";
 *
 * const pool = new BlockingConnectionPool({ maxConnections: 4 });
 * const dispatcher = new Dispatcher(pool, { retryOnTimeout: false, retryOnError: [] });
 * await dispatcher.send(["PING"]);
 * await pool.disconnect();
 * ```
 */
export class Dispatcher {
  #source: LeaseSource;
  #settings: DispatchRetry;
  #policy: Required<RetryPolicy>;
  #queue: Job[] = [];
  #scheduled = false;

  /**
   * @param source The pool to lease connections from.
   * @param settings Retry decision and policy.
   */
  constructor(source: LeaseSource, settings: DispatchRetry) {
    this.#source = source;
    this.#settings = settings;
    this.#policy = resolveRetryPolicy(settings.retry);
  }

  /**
   * Sends one command; it leaves with every other command of this tick.
   *
   * @param args The command and its arguments.
   * @param options A signal and a per-command timeout.
   * @param transform Shapes the reply before the promise resolves.
   * @returns The reply.
   */
  send<T = Reply>(
    args: RedisArgument[],
    options: CommandOptions = NO_OPTIONS,
    transform?: (reply: Reply) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        args,
        options,
        resolve: transform
          ? (reply: Reply) => resolve(transform(reply))
          : resolve as (reply: Reply) => void,
        fail: (error) => this.#fail(job, error),
        reject,
        attempt: 0,
        connection: undefined,
      };
      this.#enqueue(job);
    });
  }

  #enqueue(job: Job): void {
    if (blockingTime(job.args) !== undefined) {
      void this.#runDedicated(job);
      return;
    }
    this.#queue.push(job);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flush);
  }

  #flush = (): void => {
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    this.#source.acquire().then(
      (lease) => this.#runBatch(jobs, lease),
      (error) => jobs.forEach((job) => job.fail(error)),
    );
  };

  #runBatch(jobs: Job[], lease: Lease): void {
    const connection = lease.connection;
    const last = jobs.length - 1;
    for (let i = 0; i < last; i++) {
      const job = jobs[i]!;
      job.connection = connection;
      connection.dispatch(job.args, job.options, job.resolve, job.fail);
    }
    // Replies settle in FIFO order and a failure settles every pending
    // command at once, so the batch is over when its last command settles.
    const job = jobs[last]!;
    job.connection = connection;
    connection.dispatch(job.args, job.options, (reply) => {
      lease.release();
      job.resolve(reply);
    }, (error) => {
      lease.release();
      job.fail(error);
    });
  }

  async #runDedicated(job: Job): Promise<void> {
    let lease: Lease | undefined;
    try {
      lease = await this.#source.acquire({ signal: job.options.signal });
      job.connection = lease.connection;
      job.resolve(await lease.connection.command(job.args, job.options));
    } catch (error) {
      job.fail(error as Error);
    } finally {
      lease?.release();
    }
  }

  #fail(job: Job, error: Error): void {
    this.#settings.onError?.(error, job.connection);
    if (
      job.attempt >= this.#policy.attempts || !isRetryable(error, this.#settings) ||
      job.options.signal?.aborted
    ) {
      job.reject(error);
      return;
    }
    const wait = backoffDelay(job.attempt++, this.#policy);
    sleep(wait, job.options.signal).then(() => this.#enqueue(job), () => job.reject(error));
  }

  /**
   * Runs `fn` with a connection of its own (MULTI, WATCH, pipelines,
   * subscriptions); the lease is released when `fn` settles.
   *
   * @param fn Receives the connection.
   * @param options Passed to the pool's acquire.
   * @returns What `fn` returns.
   */
  async withConnection<T>(
    fn: (connection: Connection) => Promise<T>,
    options?: AcquireOptions,
  ): Promise<T> {
    const lease = await this.#source.acquire(options);
    try {
      return await fn(lease.connection);
    } catch (error) {
      this.#settings.onError?.(error as Error, lease.connection);
      throw error;
    } finally {
      lease.release();
    }
  }
}
