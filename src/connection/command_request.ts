/**
 * What a connection is asked to send: a command, its options, and where its reply goes.
 *
 * @module
 */
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * Receives one command's outcome. The dispatcher's jobs are their own sinks,
 * so the hot path makes no promise and no closure per command.
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

/**
 * A command that is its own reply sink: what `Connection.batch(requests)`
 * takes, so a caller sending many commands makes no promise per command.
 */
export interface CommandRequest extends ReplySink {
  /** The command name followed by its arguments. */
  readonly args: RedisArgument[];
  /** A signal and a per-command timeout. */
  readonly options: CommandOptions;
}
