/**
 * Private: a command on its way through the dispatcher, and the batch that
 * shares one lease.
 *
 * @module
 */
import {
  type BatchTraceContext,
  type CommandOptions,
  CommandRequest,
  type CommandTraceContext,
  type Connection,
  rejection,
} from "../connection/mod.ts";
import { ConnectionError, TimeoutError } from "../errors.ts";
import { finishTick } from "./_trace.ts";
import type { Lease } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/** One lease shared by a tick's commands; released when the last of them settles. */
export class Batch {
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
    if (this.trace !== undefined) finishTick(this.trace);
  }
}

/** What a dispatcher does when a job ends or fails (one object, shared by its jobs). */
export interface JobOwner {
  /** An attempt failed (on `connection`, when it got that far); ignored once the job is finished. */
  fail(job: Job, error: Error, connection: Connection | undefined): void;
  settled(job: Job): void;
  /** What its jobs' deadlines count from, in ms since the epoch. */
  epoch: number;
}

/**
 * What few jobs have (a trace context, a retry's count and cause, the
 * caller's options once an attempt is sent with others): one field for all.
 */
interface RareFields {
  trace?: CommandTraceContext;
  attempt?: number;
  lastError?: Error;
  asked?: CommandOptions;
}

/**
 * One command on its way: the caller's promise, and the record the
 * connection queues (it is its own reply sink), so the hot path allocates
 * one object and one resolving function per command, and no closure. Its
 * fields are few (100,000 commands queued on a stopped server are 100,000
 * of them): what only retries or traced commands need is in `#rare`, and
 * the resolving function, dropped once the promise is settled, tells
 * whether it is.
 */
export class Job extends CommandRequest {
  /** The batch of its current attempt, if it went out in one. */
  batch: Batch | undefined = undefined;
  #rare: RareFields | undefined = undefined;
  /** Resolves the caller's promise; `undefined` once it is settled. */
  #settle: ((outcome: unknown) => void) | undefined;
  constructor(
    /** Resolves the caller's promise (made with RESOLVABLE, without a closure). */
    settle: (outcome: unknown) => void,
    args: RedisArgument[],
    /** The caller's options (`asked`); `options` is what the next attempt is sent with. */
    asked: CommandOptions,
    readonly transform: ((reply: Reply) => unknown) | undefined,
    readonly owner: JobOwner,
    size: number,
    extra: number,
    /**
     * When the whole command must have settled, in ms since the owner's
     * epoch (a small integer, stored without a box); -1: never.
     */
    readonly due: number,
  ) {
    super(args, asked, size, extra);
    this.#settle = settle;
  }
  /** Attempts made before the current one. */
  get attempt(): number {
    return this.#rare?.attempt ?? 0;
  }
  set attempt(attempt: number) {
    (this.#rare ??= {}).attempt = attempt;
  }
  /** When the whole command must have settled, in ms since the epoch (Infinity: never). */
  get deadline(): number {
    return this.due < 0 ? Infinity : this.owner.epoch + this.due;
  }
  resolve(reply: Reply): void {
    this.batch?.settled();
    const settle = this.take();
    if (settle === undefined) return;
    // A shaper that throws (a reply of an unexpected shape) must fail this
    // command, not the connection's read loop that delivered the reply (a
    // resolving function never throws).
    try {
      settle(this.transform === undefined ? reply : this.transform(reply));
    } catch (error) {
      settle(rejection(error));
    }
  }
  /** Whether the caller's promise is settled: late outcomes are ignored. */
  get finished(): boolean {
    return this.#settle === undefined;
  }
  /** The caller's options. */
  get asked(): CommandOptions {
    return this.#rare?.asked ?? this.options;
  }
  /** Sends the next attempt with `options` (what is left of the deadline, after a wait). */
  sendWith(options: CommandOptions): void {
    if (options === this.options) return;
    if (this.#rare?.asked === undefined) (this.#rare ??= {}).asked = this.options;
    this.options = options;
  }
  /** The `redwire:command` context, when someone listens. */
  get trace(): CommandTraceContext | undefined {
    return this.#rare?.trace;
  }
  set trace(trace: CommandTraceContext | undefined) {
    (this.#rare ??= {}).trace = trace;
  }
  /** The failure that made the last retry, for the message if the deadline passes. */
  get lastError(): Error | undefined {
    return this.#rare?.lastError;
  }
  set lastError(error: Error | undefined) {
    (this.#rare ??= {}).lastError = error;
  }
  /** Fails the command, or retries it where the policy allows. */
  reject(error: Error): void {
    const batch = this.batch;
    this.batch = undefined;
    batch?.settled();
    this.owner.fail(this, error, batch?.lease.connection);
  }
  /** Settles with an error, no retry. */
  end(error: Error): void {
    this.take()?.(rejection(error));
  }
  /**
   * Marks the caller's promise settled and tells the owner; returns the
   * resolving function, or `undefined` when it was settled already. (Not a
   * `#method`: a private method puts a brand field on every instance.)
   */
  take(): ((outcome: unknown) => void) | undefined {
    const settle = this.#settle;
    if (settle === undefined) return;
    this.#settle = undefined;
    this.owner.settled(this);
    return settle;
  }
}

/** Says how many tries a retried command took, keeping the error's class. */
export function withAttempts(error: Error, attempts: number): Error {
  const kind = error.constructor as typeof ConnectionError;
  if (kind !== ConnectionError && kind !== TimeoutError) return error;
  // Both take (message, { cause, written }).
  return new kind(`${error.message} (gave up after ${attempts} attempts)`, {
    cause: error,
    written: (error as ConnectionError).written,
  });
}
