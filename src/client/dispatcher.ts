/**
 * Auto-pipelining over a pool: commands issued in the same tick share one
 * lease and one write; blocking commands get a lease of their own.
 *
 * @module
 */
import { isBlockingCall } from "../commands/mod.ts";
import {
  backoffDelay,
  type BatchTraceContext,
  type CommandOptions,
  type CommandRequest,
  type CommandTraceContext,
  type Connection,
  isRetryable,
  resolveRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  sleep,
  traced,
  type TraceTarget,
  traceTarget,
  tracing,
} from "../connection/mod.ts";
import type { TracingChannel } from "../transport/mod.ts";
import { commandContext } from "./_trace.ts";
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
  /** The fields of tracing contexts: server, database, pool name. */
  traceTarget?(): TraceTarget;
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
  /** The `redwire:batch` context, when someone listens. */
  trace: BatchTraceContext | undefined = undefined;
  constructor(remaining: number, lease: Lease) {
    this.remaining = remaining;
    this.lease = lease;
  }
  settled(): void {
    if (--this.remaining !== 0) return;
    this.lease.release();
    if (this.trace === undefined) return;
    const channel = tracing().batch!;
    channel.asyncStart.publish(this.trace);
    channel.asyncEnd.publish(this.trace);
  }
}

/**
 * One command on its way: it is its own reply sink, so the hot path
 * allocates no closures per command.
 */
class Job implements CommandRequest {
  attempt = 0;
  /** The connection the last attempt ran on, for `onError`. */
  connection: Connection | undefined = undefined;
  batch: Batch | undefined = undefined;
  /** The `redwire:command` context, when someone listens. */
  trace: CommandTraceContext | undefined = undefined;
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
    if (this.transform === undefined) return this.done(reply);
    // A shaper that throws (a reply of an unexpected shape) must fail this
    // command, not the connection's read loop that delivered the reply.
    let shaped: unknown;
    try {
      shaped = this.transform(reply);
    } catch (error) {
      return this.giveUp(error as Error);
    }
    this.done(shaped);
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
    const channel = tracing().command;
    if (channel?.hasSubscribers) return this.#tracedSend(channel, args, options, transform);
    return new Promise<T>((resolve, reject) => {
      const done = resolve as (reply: unknown) => void;
      this.#enqueue(new Job(args, options, done, reject, transform, this.#fail));
    });
  }

  #tracedSend<T>(
    channel: TracingChannel<CommandTraceContext>,
    args: RedisArgument[],
    options: CommandOptions,
    transform: ((reply: Reply) => T) | undefined,
  ): Promise<T> {
    const context = commandContext(args, this.#source.traceTarget?.());
    return traced(channel, context, () =>
      new Promise<T>((resolve, reject) => {
        const done = resolve as (reply: unknown) => void;
        const job = new Job(args, options, done, reject, transform, this.#fail);
        job.trace = context;
        this.#enqueue(job);
      }));
  }

  #enqueue(job: Job): void {
    if (isBlockingCall(job.args)) {
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
    const channel = tracing().batch;
    if (jobs[0]!.trace !== undefined || channel?.hasSubscribers) {
      this.#traceBatch(jobs, batch, channel);
    }
    for (const job of jobs) {
      job.connection = connection;
      job.batch = batch;
    }
    // One write, now: the tick's burst is complete.
    connection.batch(jobs);
  }

  /** Gives the tick's command contexts their batch size, and opens its batch context. */
  #traceBatch(
    jobs: Job[],
    batch: Batch,
    channel: TracingChannel<BatchTraceContext> | undefined,
  ): void {
    if (jobs.length > 1) {
      for (const job of jobs) {
        if (job.trace) job.trace.batchSize = jobs.length;
      }
    }
    if (!channel?.hasSubscribers) return;
    const connection = batch.lease.connection;
    const target = this.#source.traceTarget?.() ??
      traceTarget(connection.address, connection.options);
    batch.trace = { ...target, kind: "auto", batchSize: jobs.length };
    channel.start.publish(batch.trace);
    channel.end.publish(batch.trace);
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
