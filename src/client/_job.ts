/**
 * Private: a command on its way through the dispatcher, and the batch that
 * shares one lease.
 *
 * @module
 */
import type {
  BatchTraceContext,
  CommandOptions,
  CommandRequest,
  CommandTraceContext,
  Connection,
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
  fail(job: Job, error: Error): void;
  settled(job: Job): void;
}

/**
 * One command on its way: it is its own reply sink, so the hot path
 * allocates no closures per command.
 */
export class Job implements CommandRequest {
  attempt = 0;
  /** The connection the last attempt ran on, for `onError`. */
  connection: Connection | undefined = undefined;
  batch: Batch | undefined = undefined;
  /** Set once the promise is settled: late outcomes are ignored. */
  finished = false;
  /** The failure that made the last retry, for the message if the deadline passes. */
  lastError: Error | undefined = undefined;
  /** The `redwire:command` context, when someone listens. */
  trace: CommandTraceContext | undefined = undefined;
  /** What the next attempt is sent with (what is left of the deadline, after a wait). */
  options: CommandOptions;
  constructor(
    readonly args: RedisArgument[],
    /** The caller's options. */
    readonly asked: CommandOptions,
    readonly done: (reply: unknown) => void,
    readonly giveUp: (error: Error) => void,
    readonly transform: ((reply: Reply) => unknown) | undefined,
    readonly owner: JobOwner,
    /** Estimated bytes, for the client-wide bound. */
    readonly size: number,
    /** When the whole command must have settled, in ms since the epoch (Infinity: never). */
    readonly deadline: number,
  ) {
    this.options = asked;
  }
  resolve(reply: Reply): void {
    this.batch?.settled();
    if (this.finished) return;
    this.finished = true;
    this.owner.settled(this);
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
    if (!this.finished) this.owner.fail(this, error);
  }
  /** Settles with an error, no retry. */
  end(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.owner.settled(this);
    this.giveUp(error);
  }
}

/** Says how many tries a retried command took, keeping the error's class. */
export function withAttempts(error: Error, attempts: number): Error {
  const message = `${error.message} (gave up after ${attempts} attempts)`;
  const kind: unknown = error.constructor;
  if (kind === ConnectionError) {
    return new ConnectionError(message, {
      cause: error,
      written: (error as ConnectionError).written,
    });
  }
  if (kind === TimeoutError) {
    return new TimeoutError(message, { cause: error, written: (error as TimeoutError).written });
  }
  return error;
}
