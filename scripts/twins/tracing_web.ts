/**
 * The npm build's twin of `src/connection/tracing.ts` for the `browser`,
 * `worker` and `edge-light` conditions. The adapter table of these builds
 * looks up no `node:diagnostics_channel` (browsers and the Vercel Edge
 * Runtime have none), so no channel exists and nothing is ever published:
 * `tracing()` returns no channels, and every traced operation simply runs.
 * The channel names and `traceTarget` live in `trace_target.ts`, which
 * every build shares.
 *
 * @module
 */

import type { TraceTarget } from "./trace_target.ts";
import type { TracingChannel } from "../transport/mod.ts";
import type {
  Channels,
  ConnectTraceContext,
  PoolAcquireTraceContext,
  TracedPool,
} from "./tracing.ts";

const NO_CHANNELS: Channels = /* @__PURE__ */ Object.freeze({
  command: undefined,
  batch: undefined,
  connect: undefined,
  poolAcquire: undefined,
});

/** No channels: this runtime has no diagnostics channel. */
export function tracing(): Channels {
  return NO_CHANNELS;
}

/** The error as it is (no context holds one here). */
export function traceableError(error: unknown): unknown {
  return error;
}

/** Runs `fn` (there is no channel to trace on). */
export function traced<C extends object, T>(
  _channel: TracingChannel<C>,
  _context: C,
  fn: () => Promise<T>,
): Promise<T> {
  return fn();
}

/** Runs the acquire untraced. */
export function traceAcquire<T>(
  _pool: TracedPool,
  _signal: AbortSignal | undefined,
  borrow: (context: PoolAcquireTraceContext | undefined) => Promise<T>,
): Promise<T> {
  return borrow(undefined);
}

/** Nothing to publish. */
export function traceInstantAcquire(_pool: TracedPool): void {}

/** Runs the connect attempt untraced. */
export function traceConnect<C>(
  _target: () => TraceTarget,
  _attempt: number,
  _reconnect: boolean,
  open: (context: ConnectTraceContext | undefined) => Promise<C>,
): Promise<C> {
  return open(undefined);
}

/** Nothing to name (no connect context exists here). */
export function retarget(
  _context: ConnectTraceContext,
  _address: string,
): void {}
