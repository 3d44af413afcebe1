/**
 * Auto-pipelining over a pool: commands issued in the same tick share one
 * lease and one write; blocking commands get a lease of their own.
 *
 * @module
 */
import { eitherSignal } from "../_abort.ts";
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import { isBlockingCall } from "../commands/mod.ts";
import {
  backoffDelay,
  blockingAllowance,
  type CommandOptions,
  commandTooLarge,
  type CommandTraceContext,
  type Connection,
  estimateSize,
  isRetryable,
  RESOLVABLE,
  resolveRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
  sleep,
  type TraceTarget,
  tracing,
} from "../connection/mod.ts";
import { traceCommand, traceTick } from "./_trace.ts";
import { AuthReplyError, ConnectionError, OverflowError, TimeoutError } from "../errors.ts";
import type { AcquireOptions, Lease } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { Batch, Job, type JobOwner, withAttempts } from "./_job.ts";
import { commandName } from "./commands/mod.ts";

/**
 * Where a dispatcher gets connections: a pool (or anything lending leases).
 *
 * @example
 * ```ts ignore
 * const source: LeaseSource = new BlockingConnectionPool({ maxConnections: 4 });
 * ```
 */
export interface LeaseSource {
  /** Lends a connection until the lease is released. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  /** Lends an idle connection at once, or `undefined` when that would need a wait. */
  tryAcquire?(): Lease | undefined;
  /** Where the connections go, for messages. */
  readonly address?: string;
  /** The fields of tracing contexts: server, database, pool name. */
  traceTarget?(): TraceTarget;
}

/**
 * Retry settings and bounds of a dispatcher.
 *
 * @example
 * ```ts ignore
 * const retry: DispatchRetry = { retryOnTimeout: false, retryOnError: [], retry: { attempts: 2 } };
 * ```
 */
export interface DispatchRetry extends RetryDecision {
  /** Backoff policy. */
  retry?: RetryPolicy;
  /** Called with every failure before the retry decision (Sentinel marks its pool stale here). */
  onError?: (error: Error, connection: Connection | undefined) => void;
  /**
   * A command's whole deadline (lease wait, connect, retries, reply) in ms,
   * unless the command gives its own `timeout`; `null`: none. @default null
   */
  timeout?: number | null;
  /** Commands queued, retrying or waiting for replies in this dispatcher before new ones fail. @default Infinity */
  maxQueuedCommands?: number;
  /** Their estimated bytes before new ones fail. @default Infinity */
  maxQueuedBytes?: number;
  /** Time and timers for the deadlines. @default the system clock */
  clock?: Clock;
}

const NO_OPTIONS: CommandOptions = Object.freeze({});

/**
 * Sends commands over pooled connections: one lease and one write per tick's
 * burst, a dedicated lease for blocking commands, retries where allowed, one
 * deadline over each whole command, and a bound on everything it holds.
 *
 * @example
 * ```ts ignore
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
  #timeout: number | null;
  #clock: Clock;
  #maxCommands: number;
  #maxBytes: number;
  #queue: Job[] = [];
  #scheduled = false;
  /** The clock's reading for the current burst (NaN: none yet; see #now). */
  #burstNow = NaN;
  #commands = 0;
  #bytes = 0;
  #closed: Error | undefined;
  /** The refusal shared by every command refused until one settles (no error per command). */
  #overflow: OverflowError | undefined;
  #annotated = new WeakMap<Error, Map<number, Error>>();
  /** Leases held by blocking commands, which close() may have to cut. */
  #dedicated = new Set<Lease>();
  #owner: JobOwner = {
    fail: (job, error, connection) => this.#fail(job, error, connection),
    settled: (job) => {
      this.#commands--;
      this.#bytes -= job.size;
      this.#overflow = undefined;
    },
    epoch: 0,
  };

  /**
   * Makes a dispatcher over a pool.
   *
   * @param source The pool to lease connections from.
   * @param settings Retry decision and policy, deadline and bounds.
   */
  constructor(source: LeaseSource, settings: DispatchRetry) {
    this.#source = source;
    this.#settings = settings;
    this.#policy = resolveRetryPolicy(settings.retry);
    this.#timeout = settings.timeout ?? null;
    this.#clock = settings.clock ?? SYSTEM_CLOCK;
    this.#owner.epoch = this.#clock.now();
    this.#maxCommands = settings.maxQueuedCommands ?? Infinity;
    this.#maxBytes = settings.maxQueuedBytes ?? Infinity;
  }

  /** Commands queued, retrying or waiting for replies, and their estimated bytes. */
  get pending(): { commands: number; bytes: number } {
    return { commands: this.#commands, bytes: this.#bytes };
  }

  /**
   * Sends one command; it leaves with every other command of this tick.
   *
   * @param args The command and its arguments.
   * @param options A signal and a timeout over the whole command.
   * @param transform Shapes the reply before the promise resolves.
   * @returns The reply.
   */
  send<T = Reply>(
    args: RedisArgument[],
    options: CommandOptions = NO_OPTIONS,
    transform?: (reply: Reply) => T,
  ): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const size = estimateSize(args);
    const refusal = this.#refusal(size);
    if (refusal !== undefined) return Promise.reject(refusal);
    const blocking = isBlockingCall(args);
    const extra = blocking ? blockingAllowance(args) : 0;
    const timeout = options.timeout === undefined ? this.#timeout : options.timeout;
    const due = timeout === null || extra === Infinity
      ? -1
      : Math.ceil(this.#now(blocking) - this.#owner.epoch + timeout + extra);
    this.#commands++;
    this.#bytes += size;
    // Checked here too: traceCommand's callback would be a closure per command.
    if (!tracing().command?.hasSubscribers) {
      return this.#start(args, options, transform, size, extra, due);
    }
    return traceCommand(
      args,
      this.#target,
      (trace) => this.#start(args, options, transform, size, extra, due, trace),
    );
  }

  /** Makes the job and its promise (no closure: see RESOLVABLE) and queues it. */
  #start<T>(
    args: RedisArgument[],
    options: CommandOptions,
    transform: ((reply: Reply) => T) | undefined,
    size: number,
    extra: number,
    due: number,
    trace?: CommandTraceContext,
  ): Promise<T> {
    const promise = new Promise<T>(RESOLVABLE.executor);
    const job = new Job(
      RESOLVABLE.take(),
      args,
      options,
      transform,
      this.#owner,
      size,
      extra,
      due,
    );
    if (trace) job.trace = trace;
    // Only blocking commands have an allowance (see blockingAllowance).
    this.#enqueue(job, extra !== 0);
    return promise;
  }

  /**
   * The time a command starts its deadline from. A tick's burst shares one
   * reading of the clock (taken by its first command, forgotten when the
   * burst is flushed): a 100-command burst reads it once, not 100 times.
   */
  #now(blocking: boolean): number {
    if (blocking) return this.#clock.now();
    if (Number.isNaN(this.#burstNow)) this.#burstNow = this.#clock.now();
    return this.#burstNow;
  }

  /** The source's fields for tracing contexts, if it has them. */
  #target = (): TraceTarget | undefined => this.#source.traceTarget?.();

  #refusal(size: number): Error | undefined {
    if (size > this.#maxBytes) {
      return commandTooLarge(size, this.#maxBytes, "this client (maxQueuedBytes)");
    }
    if (this.#commands < this.#maxCommands && this.#bytes + size <= this.#maxBytes) return;
    const where = this.#source.address ?? "the server";
    return this.#overflow ??= new OverflowError(
      `Too many commands held by this client: ${this.#commands} commands, about ${this.#bytes} bytes ` +
        `(limits ${this.#maxCommands} / ${this.#maxBytes}) queued or waiting for replies from ${where}; ` +
        "the server may be slow or down: wait for replies, or raise maxQueuedCommands / maxQueuedBytes",
    );
  }

  #enqueue(job: Job, blocking: boolean): void {
    if (blocking) {
      this.#acquireFor([job], (jobs, lease) => void this.#runDedicated(jobs[0], lease));
      return;
    }
    this.#queue.push(job);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A retry may open a burst: the next command reads the clock again.
    this.#burstNow = NaN;
    queueMicrotask(this.#flush);
  }

  #flush = (): void => {
    this.#scheduled = false;
    this.#burstNow = NaN;
    const jobs = this.#queue;
    this.#queue = [];
    const lease = this.#source.tryAcquire?.();
    if (lease !== undefined) return this.#runBatch(jobs, lease, false);
    this.#acquireFor(jobs, (waiting, lease) => this.#runBatch(waiting, lease, true));
  };

  /**
   * Waits for a lease for `jobs`, failing each one whose deadline passes
   * first: one timer per wait, not per command, and none on the fast path.
   */
  #acquireFor(jobs: Job[], run: (jobs: Job[], lease: Lease) => void): void {
    let waiting = jobs;
    const clock = this.#clock;
    let timer: unknown;
    const controller = new AbortController();
    const arm = () => {
      let next = Infinity;
      for (const job of waiting) if (job.deadline < next) next = job.deadline;
      if (next !== Infinity) timer = clock.setTimeout(expire, Math.max(0, next - clock.now()));
    };
    const expire = () => {
      const now = clock.now();
      // Commands that expire together share one error (a burst can be 100k commands).
      const errors = new Map<string, TimeoutError>();
      waiting = waiting.filter((job) => {
        if (job.deadline > now) return !job.finished;
        const key = `${commandName(job.args)} ${job.attempt} ${job.asked.timeout}`;
        let error = errors.get(key);
        if (error === undefined) {
          errors.set(key, error = this.#expired(job, "waiting for a connection", job.lastError));
        }
        job.end(error);
        return false;
      });
      if (waiting.length === 0) controller.abort(new Error("no command is waiting"));
      else arm();
    };
    arm();
    const signal = jobs.length === 1 ? jobs[0].asked.signal : undefined;
    const combined = signal === undefined ? undefined : eitherSignal(signal, controller.signal);
    this.#source.acquire({ signal: combined?.signal ?? controller.signal }).then((lease) => {
      clock.clearTimeout(timer);
      combined?.dispose();
      if (waiting.length === 0) return lease.release();
      run(waiting, lease);
    }, (error) => {
      clock.clearTimeout(timer);
      combined?.dispose();
      for (const job of waiting) job.reject(error);
    });
  }

  #runBatch(jobs: Job[], lease: Lease, late: boolean): void {
    const connection = lease.connection;
    const batch = new Batch(jobs.length, lease);
    traceTick(jobs, batch, this.#target);
    const now = late ? this.#clock.now() : 0;
    for (const job of jobs) {
      job.batch = batch;
      job.sendWith(this.#optionsFor(job, late, now));
    }
    // One write, now: the tick's burst is complete.
    connection.batch(jobs);
  }

  /**
   * The options a job is sent with: after a wait or a retry, the reply may
   * only take what is left of the command's deadline. The fast path (first
   * try, no wait) passes the caller's options untouched.
   */
  #optionsFor(job: Job, late: boolean, now: number): CommandOptions {
    if ((!late && job.attempt === 0) || job.deadline === Infinity) return job.asked;
    const left = job.deadline - (now || this.#clock.now()) - job.extra;
    return { signal: job.asked.signal, timeout: Math.max(1, Math.round(left)) };
  }

  async #runDedicated(job: Job, lease: Lease): Promise<void> {
    this.#dedicated.add(lease);
    try {
      const options = this.#optionsFor(job, true, 0);
      job.resolve(await lease.connection.command(job.args, options));
    } catch (error) {
      this.#fail(job, error as Error, lease.connection);
    } finally {
      this.#dedicated.delete(lease);
      lease.release();
    }
  }

  #fail(job: Job, cause: Error, connection: Connection | undefined): void {
    if (job.finished) return;
    this.#settings.onError?.(cause, connection);
    const error = this.#explain(cause, connection);
    const retry = job.attempt < this.#policy.attempts && isRetryable(error, this.#settings) &&
      !job.asked.signal?.aborted && this.#closed === undefined;
    if (!retry) return job.end(this.#withAttempts(error, job.attempt + 1));
    if (this.#clock.now() >= job.deadline) return job.end(this.#expired(job, "retrying", error));
    const attempt = job.attempt++;
    job.lastError = error;
    const unsent = (error instanceof ConnectionError || error instanceof TimeoutError) &&
      !error.written;
    // A command that never left waits in the pool, whose one reconnect
    // backoff paces every caller; anything else backs off on its own.
    if (unsent) return this.#enqueue(job, isBlockingCall(job.args));
    const wait = Math.min(backoffDelay(attempt, this.#policy), job.deadline - this.#clock.now());
    sleep(wait, job.asked.signal).then(
      () => this.#closed ? job.end(this.#closed) : this.#enqueue(job, false),
      () => job.end(error),
    );
  }

  /** NOAUTH on a command means no password was configured: say which option. */
  #explain(error: Error, connection: Connection | undefined): Error {
    if (!(error instanceof AuthReplyError) || error.code !== "NOAUTH") return error;
    const where = connection?.address ?? this.#source.address ?? "the server";
    return new AuthReplyError(
      `NOAUTH ${where} requires authentication: set the password option (and username ` +
        "for an ACL user), or put the password in the URL",
      { cause: error },
    );
  }

  /**
   * withAttempts, made once per failure and count: a burst that fails
   * together (a refused connect) shares one error, not one per command.
   */
  #withAttempts(error: Error, attempts: number): Error {
    if (attempts <= 1) return error;
    let byCount = this.#annotated.get(error);
    if (byCount === undefined) this.#annotated.set(error, byCount = new Map());
    let annotated = byCount.get(attempts);
    if (annotated === undefined) byCount.set(attempts, annotated = withAttempts(error, attempts));
    return annotated;
  }

  #expired(job: Job, stage: string, last?: Error): TimeoutError {
    const timeout = job.asked.timeout === undefined ? this.#timeout : job.asked.timeout;
    const where = this.#source.address ?? "the server";
    const attempts = job.attempt + 1;
    const tried = attempts > 1 ? `, after ${attempts} attempts` : "";
    const why = last === undefined ? "" : `; last error: ${last.message}`;
    return new TimeoutError(
      `${
        commandName(job.args)
      } to ${where} did not complete within ${timeout} ms (still ${stage}${tried}${why}); ` +
        "it was not sent: check the server is up and reachable, or raise socketTimeout / the command's timeout",
      { cause: last, written: false },
    );
  }

  /**
   * Refuses new commands from now on; commands already sent still settle,
   * and those waiting to retry fail at once.
   *
   * @param error What later commands reject with.
   */
  close(error: Error): void {
    this.#closed ??= error;
  }

  /**
   * Destroys the connections held by blocking commands, which reject with
   * `written: true` (for `close({ timeout })` once the timeout passed).
   *
   * @param error Why; wrapped in each command's ConnectionError.
   */
  destroyDedicated(error: Error): void {
    for (const lease of this.#dedicated) lease.connection.destroy(error);
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
    if (this.#closed !== undefined) throw this.#closed;
    const lease = await this.#source.acquire(options);
    this.#dedicated.add(lease);
    try {
      return await fn(lease.connection);
    } catch (error) {
      this.#settings.onError?.(error as Error, lease.connection);
      throw error;
    } finally {
      this.#dedicated.delete(lease);
      lease.release();
    }
  }
}
