/**
 * What a connection is asked to send: a command, its options, and where its reply goes.
 *
 * @module
 */
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * Receives the outcomes of a `batch()`'s commands, each with its index: one
 * sink for the whole batch.
 *
 * @example
 * ```ts
 * import type { ReplySink } from "./command_request.ts";
 *
 * const sink: ReplySink = { resolve: (reply) => console.log(reply), reject: console.error };
 * ```
 */
export interface ReplySink {
  /**
   * Called with the reply, and the command's index in the `batch()` call that
   * sent it (0 for `command()`), so one sink can serve a whole batch.
   */
  resolve(reply: Reply, index: number): void;
  /** Called with a ReplyError, ConnectionError or TimeoutError, and the index. */
  reject(error: Error, index: number): void;
}

/**
 * Per-command options.
 *
 * @example
 * ```ts
 * import { Connection, type CommandOptions } from "@redwire/redis";
 *
 * await using conn = new Connection({ port: 6379 });
 * const options: CommandOptions = { signal: AbortSignal.timeout(500) };
 * await conn.command(["PING"], options);
 * ```
 */
export interface CommandOptions {
  /** Cancels the command: before the write it is dropped; after it the connection is destroyed. */
  signal?: AbortSignal;
  /** Overrides `socketTimeout` for this command, in ms; `null` waits forever. */
  timeout?: number | null;
}

/** `CommandRequest.state` bit: the command's bytes were handed to the transport. */
export const WRITTEN = 1;
/** `CommandRequest.state` bit: this send's outcome was delivered (later ones are dropped). */
export const SETTLED = 2;
/** `CommandRequest.state` bit: settled once written (a subscriber's SUBSCRIBE family). */
export const REPLYLESS = 4;
/** `CommandRequest.state` bit: an abort listener is on the signal of its options. */
export const ABORTABLE = 8;

/**
 * A command that is its own reply sink and carries the state of its send:
 * the one record a connection queues per command, so a caller sending many
 * commands (the client's dispatcher) makes no promise, closure or second
 * record per command. The fields below `options` belong to the connection
 * sending it, which resets them at every send (a retried command is sent
 * again, on another connection, once the first one has settled it).
 *
 * @example
 * ```ts ignore
 * class Logged extends CommandRequest {
 *   resolve(reply: Reply): void { console.log(reply); }
 *   reject(error: Error): void { console.error(error); }
 * }
 * connection.batch([new Logged(["PING"], {})]);
 * ```
 */
export abstract class CommandRequest {
  /** The command name followed by its arguments. */
  readonly args: RedisArgument[];
  /** A signal and a per-command timeout. */
  options: CommandOptions;
  /** Estimated encoded size in bytes, for the pending-bytes bounds (-1: not estimated yet). */
  size: number;
  /** WRITTEN | SETTLED | REPLYLESS | ABORTABLE bits of the current send. */
  state = 0;
  /** Extra wait allowed for a blocking command, in ms (Infinity: forever; -1: not computed yet). */
  extra: number;
  /**
   * When the reply is due, in ms since the connection's epoch (a small
   * integer, stored without a box); -1: never.
   */
  replyBy = -1;

  /**
   * @param args The command name followed by its arguments.
   * @param options A signal and a per-command timeout.
   * @param size The estimated encoded size, when the caller has it.
   * @param extra The blocking allowance (`blockingAllowance(args)`), when the caller has it.
   */
  constructor(args: RedisArgument[], options: CommandOptions, size = -1, extra = -1) {
    this.args = args;
    this.options = options;
    this.size = size;
    this.extra = extra;
  }

  /** Called with the reply. */
  abstract resolve(reply: Reply): void;
  /** Called with a ReplyError, ConnectionError or TimeoutError. */
  abstract reject(error: Error): void;
}
