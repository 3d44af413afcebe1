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
  type ReplySink,
  resolveRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  sleep,
} from "../connection/mod.ts";
import type { AcquireOptions, Lease } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * Where a dispatcher gets connections: a pool (or anything lending leases).
 */
export interface LeaseSource {
  /** Lends a connection until the lease is released. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  /** Lends an idle connection at once, or `undefined` when that would need a wait. */
  tryAcquire?(): Lease | undefined;
}

/**
 * Retry settings of a dispatcher.
 */
export interface DispatchRetry extends RetryDecision {
  /** Backoff policy. */
  retry?: RetryPolicy;
  /** Called with every failure before the retry decision (Sentinel marks its pool stale here). */
  onError?: (error: Error, connection: Connection | undefined) => void;
}

/** One lease shared by a tick's commands; released when the last of them settles. */
class Batch {
  remaining: number;
  lease: Lease;
  constructor(remaining: number, lease: Lease) {
    this.remaining = remaining;
    this.lease = lease;
  }
  settled(): void {
    if (--this.remaining === 0) this.lease.release();
  }
}

/**
 * One command on its way: it is its own reply sink, so the hot path
 * allocates no closures per command.
 */
class Job implements ReplySink {
  attempt = 0;
  /** The connection the last attempt ran on, for `onError`. */
  connection: Connection | undefined = undefined;
  batch: Batch | undefined = undefined;
  constructor(
    readonly args: RedisArgument[],
    readonly options: CommandOptions,
    readonly done: (reply: unknown) => void,
    readonly giveUp: (error: Error) => void,
    readonly transform: ((reply: Reply) => unknown) | undefined,
    readonly onFailure: (job: Job, error: Error) => void,
  ) {}
  resolve(reply: Reply): void {
    this.batch?.settled();
    this.done(this.transform === undefined ? reply : this.transform(reply));
  }
  /** Fails the command, or retries it where the policy allows. */
  reject(error: Error): void {
    this.batch?.settled();
    this.batch = undefined;
    this.onFailure(this, error);
  }
}

const NO_OPTIONS: CommandOptions = Object.freeze({});

/**
 * Sends commands over pooled connections: one lease and one write per tick's
 * burst, a dedicated lease for blocking commands, retries where allowed.
 */
export class Dispatcher {
  #source: LeaseSource;
  #settings: DispatchRetry;
  #policy: Required<RetryPolicy>;
  #queue: Job[] = [];
  #scheduled = false;

  /**
   * Makes a dispatcher over a pool.
   *
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
      const done = resolve as (reply: unknown) => void;
      this.#enqueue(new Job(args, options, done, reject, transform, this.#fail));
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
    const lease = this.#source.tryAcquire?.();
    if (lease !== undefined) return this.#runBatch(jobs, lease);
    this.#source.acquire().then(
      (lease) => this.#runBatch(jobs, lease),
      (error) => jobs.forEach((job) => job.reject(error)),
    );
  };

  #runBatch(jobs: Job[], lease: Lease): void {
    const connection = lease.connection;
    const batch = new Batch(jobs.length, lease);
    for (const job of jobs) {
      job.connection = connection;
      job.batch = batch;
      connection.dispatch(job.args, job.options, job);
    }
    // The batch is complete: write it now rather than a tick later.
    connection.flush();
  }

  async #runDedicated(job: Job): Promise<void> {
    let lease: Lease | undefined;
    try {
      lease = await this.#source.acquire({ signal: job.options.signal });
      job.connection = lease.connection;
      job.resolve(await lease.connection.command(job.args, job.options));
    } catch (error) {
      job.reject(error as Error);
    } finally {
      lease?.release();
    }
  }

  #fail = (job: Job, error: Error): void => {
    this.#settings.onError?.(error, job.connection);
    if (
      job.attempt >= this.#policy.attempts || !isRetryable(error, this.#settings) ||
      job.options.signal?.aborted
    ) {
      job.giveUp(error);
      return;
    }
    const wait = backoffDelay(job.attempt++, this.#policy);
    sleep(wait, job.options.signal).then(() => this.#enqueue(job), () => job.giveUp(error));
  };

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
