/**
 * The npm build's twin of `src/client/_trace.ts` for the `browser`,
 * `worker` and `edge-light` conditions, which have no tracing channels (see
 * scripts/twins/tracing_web.ts): a batch is sent untraced, and the command
 * context, which no publisher asks for here, names the command and hides
 * every argument. Without the command table the original sanitizes with.
 *
 * @module
 */

import type {
  BatchTraceContext,
  CommandTraceContext,
  TraceTarget,
} from "../connection/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/** A `redwire:command` context: the command name and a `"?"` for every argument. */
export function commandContext(
  args: readonly RedisArgument[],
  target: TraceTarget | undefined,
): CommandTraceContext {
  const first = args[0];
  const command =
    (first instanceof Uint8Array
      ? new TextDecoder().decode(first)
      : String(first))
      .toUpperCase();
  return {
    ...(target ?? { database: 0, serverAddress: "" }),
    command,
    args: [command, ...args.slice(1).map(() => "?")],
  };
}

/** Sends the batch: nothing to trace. */
export function traceBatch(
  _kind: BatchTraceContext["kind"],
  _commands: readonly RedisArgument[][],
  _target: (() => TraceTarget) | undefined,
  send: () => Promise<Reply[]>,
): Promise<Reply[]> {
  return send();
}
