/**
 * The tracing channels redwire publishes on (`node:diagnostics_channel`),
 * their context objects, and the one helper every publisher uses. Field
 * names follow the OpenTelemetry database semantic conventions.
 *
 * @module
 */
import { PoolTimeoutError, ReplyError, toReplyError } from "../errors.ts";
import { type TracingChannel, tracingChannel } from "../transport/mod.ts";
import { type TraceTarget, traceTarget, TRACING_CHANNELS } from "./trace_target.ts";

/**
 * The context of `redwire:command`. `args` holds the command name and the
 * keys, every other argument replaced by `"?"`; values and credentials never
 * appear, and `result` stays `undefined` (replies are values).
 *
 * @example
 * ```ts
 * import type { CommandTraceContext } from "@redwire/redis";
 *
 * const seen: CommandTraceContext = {
 *   command: "SET", args: ["SET", "user:1", "?"], database: 0, serverAddress: "127.0.0.1",
 * };
 * ```
 */
export interface CommandTraceContext extends TraceTarget {
  /** The command name in upper case, with its subcommand: `"GET"`, `"CLIENT LIST"` (`db.operation.name`). */
  command: string;
  /** The sanitized arguments (`db.query.text` once joined). */
  args: string[];
  /** How many commands shared the write, when more than this one (`db.operation.batch.size`). */
  batchSize?: number;
  /** Set by the channel when the command failed. */
  error?: unknown;
}

/**
 * The context of `redwire:batch`: one write of several commands.
 *
 * @example
 * ```ts
 * import type { BatchTraceContext } from "@redwire/redis";
 *
 * const seen: BatchTraceContext = {
 *   kind: "pipeline", batchSize: 3, database: 0, serverAddress: "127.0.0.1",
 * };
 * ```
 */
export interface BatchTraceContext extends TraceTarget {
  /** `"auto"`: commands of one tick; `"pipeline"`; `"transaction"` (MULTI ... EXEC). */
  kind: "auto" | "pipeline" | "transaction";
  /** How many commands the write carries (MULTI and EXEC included). */
  batchSize: number;
  /** Set by the channel when the batch failed. */
  error?: unknown;
}

/**
 * The context of `redwire:connect`: connect and handshake of one connection.
 *
 * @example
 * ```ts
 * import type { ConnectTraceContext } from "@redwire/redis";
 *
 * const seen: ConnectTraceContext = {
 *   attempt: 1, reconnect: false, database: 0, serverAddress: "127.0.0.1",
 * };
 * ```
 */
export interface ConnectTraceContext extends TraceTarget {
  /** 1, then 2, 3 ... while attempts keep failing; back to 1 after a success. */
  attempt: number;
  /** Whether this replaces a connection that broke or an attempt that failed. */
  reconnect: boolean;
  /** Set by the channel when the attempt failed. */
  error?: unknown;
}

/**
 * The context of `redwire:pool:acquire`: one acquire, including any wait.
 *
 * @example
 * ```ts
 * import type { PoolAcquireTraceContext } from "@redwire/redis";
 *
 * const seen: PoolAcquireTraceContext = {
 *   waited: 0, timedOut: false, aborted: false, database: 0, serverAddress: "127.0.0.1",
 * };
 * ```
 */
export interface PoolAcquireTraceContext extends TraceTarget {
  /** Milliseconds spent queued for a free connection (0 when one was free). */
  waited: number;
  /** Whether the acquire gave up after the pool's `timeout`. */
  timedOut: boolean;
  /** Whether the acquirer's signal aborted the wait. */
  aborted: boolean;
  /** Set by the channel when the acquire failed. */
  error?: unknown;
}

/** redwire's four tracing channels, each `undefined` where the runtime has none. */
export interface Channels {
  command: TracingChannel<CommandTraceContext> | undefined;
  batch: TracingChannel<BatchTraceContext> | undefined;
  connect: TracingChannel<ConnectTraceContext> | undefined;
  poolAcquire: TracingChannel<PoolAcquireTraceContext> | undefined;
}

let channels: Channels | undefined;

/**
 * redwire's tracing channels, each `undefined` where the runtime has no
 * `node:diagnostics_channel`. Publishers check `hasSubscribers` first, so
 * nothing is built while no one listens.
 *
 * @returns The four channels.
 */
export function tracing(): Channels {
  return channels ??= {
    command: tracingChannel(TRACING_CHANNELS.command),
    batch: tracingChannel(TRACING_CHANNELS.batch),
    connect: tracingChannel(TRACING_CHANNELS.connect),
    poolAcquire: tracingChannel(TRACING_CHANNELS.poolAcquire),
  };
}

/**
 * What a tracing context may hold of an error. A server's error reply can
 * quote the command's arguments ("unknown command 'X', with args beginning
 * with: ..."), that is values, so a `ReplyError` is replaced by one of the
 * same class and code without the server's text; redwire's own errors name
 * no values and pass as they are.
 *
 * @param error The error the caller gets.
 * @returns The error the context gets.
 */
export function traceableError(error: unknown): unknown {
  if (!(error instanceof ReplyError)) return error;
  return toReplyError(`${error.code} (the server's text is left out of tracing contexts)`);
}

/**
 * Runs `fn` inside the channel's start / end / asyncStart / asyncEnd events.
 * The channel's `context.result` is left `undefined` (a reply is a value, a
 * connection holds a password) and `context.error` holds
 * {@linkcode traceableError}'s copy; the caller gets the real outcome.
 *
 * @param channel A channel with subscribers.
 * @param context The context published with every event.
 * @param fn The traced work.
 * @returns What `fn` resolves with.
 */
export function traced<C extends object, T>(
  channel: TracingChannel<C>,
  context: C,
  fn: () => Promise<T>,
): Promise<T> {
  let value: T;
  let failure: unknown;
  return channel.tracePromise(() =>
    fn().then((result) => {
      value = result;
    }, (error) => {
      failure = error;
      throw traceableError(error);
    }), context).then(() => value, () => {
      throw failure;
    });
}

/** What acquire tracing needs of a pool: the fields of its contexts. */
export interface TracedPool {
  /** Server, database, pool name and client name of the pool's contexts. */
  traceTarget(): TraceTarget;
}

/**
 * Runs one acquire of a pool, traced on `redwire:pool:acquire` when someone
 * listens: the context records the wait, a timeout and an abort.
 *
 * @param pool The pool.
 * @param signal The acquirer's signal (an abort by it is recorded as such).
 * @param borrow Lends the connection, given the context to record the wait in
 *   (`undefined` untraced).
 * @returns What `borrow` resolves with.
 */
export function traceAcquire<T>(
  pool: TracedPool,
  signal: AbortSignal | undefined,
  borrow: (context: PoolAcquireTraceContext | undefined) => Promise<T>,
): Promise<T> {
  const channel = tracing().poolAcquire;
  if (!channel?.hasSubscribers) return borrow(undefined);
  const context = { ...pool.traceTarget(), waited: 0, timedOut: false, aborted: false };
  return traced(channel, context, () =>
    borrow(context).catch((error) => {
      context.timedOut = error instanceof PoolTimeoutError;
      context.aborted = signal?.aborted === true && error === signal.reason;
      throw error;
    }));
}

/**
 * Publishes an acquire that took no wait (an idle connection lent at once),
 * when someone listens: the four events in a row, as for a resolved promise.
 *
 * @param pool The pool.
 */
export function traceInstantAcquire(pool: TracedPool): void {
  const channel = tracing().poolAcquire;
  if (!channel?.hasSubscribers) return;
  const context = { ...pool.traceTarget(), waited: 0, timedOut: false, aborted: false };
  channel.start.publish(context);
  channel.end.publish(context);
  channel.asyncStart.publish(context);
  channel.asyncEnd.publish(context);
}

/**
 * Runs one connect attempt, traced on `redwire:connect` when someone listens.
 *
 * @param target The pool's fields for the context (asked only when traced).
 * @param attempt 1, then 2, 3 ... while attempts keep failing.
 * @param reconnect Whether this replaces a connection that broke or an attempt that failed.
 * @param open Makes and connects the connection, given the context
 *   (`undefined` untraced; see {@linkcode retarget}).
 * @returns What `open` resolves with.
 */
export function traceConnect<C>(
  target: () => TraceTarget,
  attempt: number,
  reconnect: boolean,
  open: (context: ConnectTraceContext | undefined) => Promise<C>,
): Promise<C> {
  const channel = tracing().connect;
  if (!channel?.hasSubscribers) return open(undefined);
  const context = { ...target(), attempt, reconnect };
  return traced(channel, context, () => open(context));
}

/**
 * Names in a connect context the server the connection went to, which a
 * factory (Sentinel) chooses.
 *
 * @param context The attempt's context.
 * @param address The connection's address.
 */
export function retarget(context: ConnectTraceContext, address: string): void {
  const where = traceTarget(address, {});
  context.serverAddress = where.serverAddress;
  if (where.serverPort === undefined) delete context.serverPort;
  else context.serverPort = where.serverPort;
}
