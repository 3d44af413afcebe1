/**
 * Where one command's outcome goes when no promise is wanted.
 *
 * @module
 */
import type { Reply } from "../protocol/mod.ts";

/**
 * Receives one command's outcome. The dispatcher's jobs are their own sinks,
 * so the hot path makes no promise and no closure per command.
 *
 * @example
 * ```ts
 * import type { ReplySink } from "./reply_sink.ts";
 *
 * const sink: ReplySink = { resolve: (reply) => console.log(reply), reject: console.error };
 * ```
 */
export interface ReplySink {
  /** Called with the reply. */
  resolve(reply: Reply): void;
  /** Called with a ReplyError, ConnectionError or TimeoutError. */
  reject(error: Error): void;
}
