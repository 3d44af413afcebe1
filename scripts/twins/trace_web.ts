/**
 * The npm build's twin of `src/client/_trace.ts` for the `browser`,
 * `worker` and `edge-light` conditions, which have no tracing channels (see
 * scripts/twins/tracing_web.ts): commands, ticks and batches are sent
 * untraced, without the command table the original sanitizes with.
 *
 * @module
 */

import type { BatchTraceContext, CommandTraceContext, TraceTarget } from "../connection/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import type { TracedTick } from "./_trace.ts";

/** Runs the command untraced. */
export function traceCommand<T>(
  _args: readonly RedisArgument[],
  _target: () => TraceTarget | undefined,
  run: (context: CommandTraceContext | undefined) => Promise<T>,
): Promise<T> {
  return run(undefined);
}

/** Nothing to open: no command carries a context here. */
export function traceTick(
  _jobs: readonly { readonly trace: CommandTraceContext | undefined }[],
  _tick: TracedTick,
  _target: () => TraceTarget | undefined,
): void {}

/** Nothing to close (never called: no tick has a context here). */
export function finishTick(_context: BatchTraceContext): void {}

/** Sends the batch untraced. */
export function traceBatch(
  _kind: BatchTraceContext["kind"],
  _commands: readonly RedisArgument[][],
  _target: (() => TraceTarget) | undefined,
  send: () => Promise<Reply[]>,
): Promise<Reply[]> {
  return send();
}
