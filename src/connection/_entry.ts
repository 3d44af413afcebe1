/** A command on its way through a connection, and the helpers that move it. */
import { ReplyError } from "../errors.ts";
import {
  encodeCommand,
  encodeCommandChunks,
  type EncodeScratch,
  type RedisArgument,
  type Reply,
} from "../protocol/mod.ts";
import {
  ABORTABLE,
  type CommandOptions,
  CommandRequest,
  type ReplySink,
  SETTLED,
} from "./command_request.ts";

/** The pub/sub frames confirming a SUBSCRIBE-family command, named as their command in lower case. */
const SUBSCRIPTION_KINDS = [
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
];

const PUBSUB_KINDS = new Set(["message", "pmessage", "smessage", ...SUBSCRIPTION_KINDS]);

/** The commands a subscriber sends whose confirmations arrive as pub/sub frames. */
const SUBSCRIPTION_COMMANDS = new Set(SUBSCRIPTION_KINDS.map((kind) => kind.toUpperCase()));

/** What a connection queues per command: the request itself. */
export type Entry = CommandRequest;

export function noop(): void {}

/**
 * A settled promise's outcome as a thenable: resolving a promise with it
 * rejects that promise, so a pending command keeps one resolving function
 * (the resolve) instead of two. Failures only: it costs a microtask.
 */
export function rejection(error: unknown): PromiseLike<never> {
  return { then: (_, reject) => reject?.(error) as never };
}

/**
 * Makes a promise without a closure per call: `new Promise(RESOLVABLE.executor)`,
 * then `RESOLVABLE.take()` is its resolve function (the executor runs synchronously).
 */
export const RESOLVABLE = {
  last: undefined as ((value: unknown) => void) | undefined,
  executor(resolve: (value: never) => void): void {
    RESOLVABLE.last = resolve as (value: unknown) => void;
  },
  take(): (value: unknown) => void {
    const resolve = RESOLVABLE.last!;
    RESOLVABLE.last = undefined;
    return resolve;
  },
};

/** `command()`'s entry: a promise's resolve, and nothing else. */
export class PromiseEntry extends CommandRequest {
  #resolve: (reply: unknown) => void;
  /** The caller's promise. */
  readonly promise: Promise<Reply>;
  constructor(args: RedisArgument[], options: CommandOptions) {
    super(args, options);
    this.promise = new Promise<Reply>(RESOLVABLE.executor);
    this.#resolve = RESOLVABLE.take();
  }
  resolve(reply: Reply): void {
    this.#resolve(reply);
  }
  reject(error: Error): void {
    this.#resolve(rejection(error));
  }
}

/** An entry of `batch(commands)`: its reply goes to the batch's sink at its index. */
export class IndexedEntry extends CommandRequest {
  readonly #sink: ReplySink;
  readonly #index: number;
  constructor(args: RedisArgument[], options: CommandOptions, sink: ReplySink, index: number) {
    super(args, options);
    this.#sink = sink;
    this.#index = index;
  }
  resolve(reply: Reply): void {
    this.#sink.resolve(reply, this.#index);
  }
  reject(error: Error): void {
    this.#sink.reject(error, this.#index);
  }
}

/** The abort listeners of entries sent with a signal (few): not a field of every entry. */
const ABORT_LISTENERS = new WeakMap<Entry, () => void>();

/** Calls `listener` when the signal of the entry's options aborts, until the entry settles. */
export function onAbort(entry: Entry, signal: AbortSignal, listener: () => void): void {
  ABORT_LISTENERS.set(entry, listener);
  entry.state |= ABORTABLE;
  signal.addEventListener("abort", listener, { once: true });
}

export function settle(entry: Entry, error: Error | undefined, reply?: Reply): void {
  if ((entry.state & SETTLED) !== 0) return;
  entry.state |= SETTLED;
  if ((entry.state & ABORTABLE) !== 0) {
    const listener = ABORT_LISTENERS.get(entry);
    ABORT_LISTENERS.delete(entry);
    if (listener !== undefined) entry.options.signal?.removeEventListener("abort", listener);
  }
  if (error === undefined) entry.resolve(reply ?? null);
  else entry.reject(error);
}

/**
 * The one sink of a `batch()`: replies land at their index, error replies
 * in place; any other failure rejects the batch. One promise per batch, not
 * two per command.
 */
export class BatchReplies implements ReplySink {
  readonly promise: Promise<Reply[]>;
  #replies: Reply[];
  #remaining: number;
  /** Resolves the promise: with the replies, or with a failure's rejection(). */
  #done: (outcome: unknown) => void;

  constructor(count: number) {
    this.#replies = new Array(count);
    this.#remaining = count;
    this.promise = new Promise<Reply[]>(RESOLVABLE.executor);
    this.#done = RESOLVABLE.take();
  }

  resolve(reply: Reply, index: number): void {
    this.#replies[index] = reply;
    if (--this.#remaining === 0) this.#done(this.#replies);
  }

  reject(error: Error, index: number): void {
    if (error instanceof ReplyError) return this.resolve(error, index);
    // The first failure settles the batch; the promise ignores later ones.
    this.#remaining = -1;
    this.#done(rejection(error));
  }
}

export function isPubSubArray(reply: Reply): boolean {
  if (!Array.isArray(reply) || reply.length < 3) return false;
  const kind = reply[0];
  return PUBSUB_KINDS.has(
    typeof kind === "string" ? kind : new TextDecoder().decode(kind as Uint8Array),
  );
}

/**
 * Encodes a flush's commands into chunks (big arguments apart, the first big
 * string in `scratch`). A command with a bad argument (found here, off the
 * caller's stack) fails alone with the encoder's TypeError; the others still
 * leave.
 */
export function encodeEntries(batch: Entry[], scratch: EncodeScratch): [Entry[], Uint8Array[]] {
  try {
    return [batch, encodeCommandChunks(batch.map((entry) => entry.args), scratch)];
  } catch {
    const valid = batch.filter((entry) => {
      try {
        encodeCommand(entry.args);
        return true;
      } catch (error) {
        settle(entry, error as Error);
        return false;
      }
    });
    return [valid, encodeCommandChunks(valid.map((entry) => entry.args), scratch)];
  }
}

/** About how many bytes a command takes on the wire, without encoding it. */
export function estimateSize(args: RedisArgument[]): number {
  let size = 16;
  for (const arg of args) {
    size += 16 + (typeof arg === "string" || arg instanceof Uint8Array ? arg.length : 24);
  }
  return size;
}

/** Whether a command is one of the SUBSCRIBE family (confirmed by frames, not a reply). */
export function isSubscriptionCommand(args: readonly RedisArgument[]): boolean {
  const name = args[0];
  return typeof name === "string" && SUBSCRIPTION_COMMANDS.has(name.toUpperCase());
}
