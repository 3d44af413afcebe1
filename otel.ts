/**
 * OpenTelemetry for redwire: the database client metrics of the
 * OpenTelemetry semantic conventions for a pool, and command durations and
 * client spans, from redwire's tracing channels. `@opentelemetry/api` is the
 * only dependency (a peer dependency on npm); the core package has none.
 *
 * @example Metrics and spans
 * ```ts
 * import { metrics, trace } from "@opentelemetry/api";
 * import { Redis } from "@redwire/redis";
 * import { instrumentCommands, instrumentPoolMetrics } from "@redwire/redis/otel";
 *
 * await using redis = new Redis({ maxConnections: 20 });
 * const meter = metrics.getMeter("my-service");
 * using poolMetrics = instrumentPoolMetrics(redis, { meter });
 * using commands = instrumentCommands({ meter, tracer: trace.getTracer("my-service") });
 * await redis.set("greeting", "hello");
 * ```
 *
 * @module
 */
import {
  type Attributes,
  type Histogram,
  type Meter,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from "@opentelemetry/api";
import {
  type CommandTraceContext,
  type ConnectionPool,
  type ConnectTraceContext,
  type PoolAcquireTraceContext,
  type PoolEvent,
  ReplyError,
  TRACING_CHANNELS,
} from "./mod.ts";
import { tracingChannel, type TracingHandlers } from "./src/transport/mod.ts";

/**
 * What the instrument functions return: `close()` (or `using`) stops reporting.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * import { instrumentCommands, type Instrumentation } from "@redwire/redis/otel";
 *
 * const instrumentation: Instrumentation = instrumentCommands({ meter: metrics.getMeter("app") });
 * instrumentation.close();
 * ```
 */
export interface Instrumentation extends Disposable {
  /** Unsubscribes from the channels and pool events; calling it twice is harmless. */
  close(): void;
}

/**
 * Options of {@linkcode instrumentPoolMetrics}.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * import type { PoolMetricsOptions } from "@redwire/redis/otel";
 *
 * const options: PoolMetricsOptions = { meter: metrics.getMeter("app") };
 * ```
 */
export interface PoolMetricsOptions {
  /** Where the metrics go. */
  meter: Meter;
}

/**
 * Options of {@linkcode instrumentCommands}.
 *
 * @example
 * ```ts
 * import { metrics, trace } from "@opentelemetry/api";
 * import type { CommandInstrumentationOptions } from "@redwire/redis/otel";
 *
 * const options: CommandInstrumentationOptions = {
 *   meter: metrics.getMeter("app"),
 *   tracer: trace.getTracer("app"),
 * };
 * ```
 */
export interface CommandInstrumentationOptions {
  /** Receives `db.client.operation.duration`. */
  meter?: Meter;
  /** When given, every command becomes a client span. */
  tracer?: Tracer;
}

/** Seconds, as the conventions' duration buckets advise. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const POOL_NAME = "db.client.connection.pool.name";

function seconds(from: number): number {
  return (performance.now() - from) / 1000;
}

function histogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, {
    description,
    unit: "s",
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
}

/** Subscribes handlers to one channel; returns the unsubscribe. */
function listen<C extends object>(name: string, handlers: TracingHandlers<C>): () => void {
  const channel = tracingChannel<C>(name);
  channel?.subscribe(handlers);
  return () => channel?.unsubscribe(handlers);
}

function instrumentation(stops: (() => void)[]): Instrumentation {
  const close = () => {
    for (const stop of stops.splice(0)) stop();
  };
  return { close, [Symbol.dispose]: close };
}

/**
 * Reports a pool's OpenTelemetry connection metrics: `db.client.connection.count`
 * (by `db.client.connection.state`: idle / used), `.max`, `.idle.max`,
 * `.idle.min`, `.pending_requests`, `.timeouts`, and the histograms
 * `.wait_time`, `.create_time` and `.use_time` (seconds), each with
 * `db.client.connection.pool.name` (the pool's `name`; give pools that reach
 * the same server and database a `poolName` each).
 *
 * @param target A pool, or a client whose `pool` to watch.
 * @param options The meter.
 * @returns The instrumentation; `close()` stops it.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * import { BlockingConnectionPool } from "@redwire/redis";
 * import { instrumentPoolMetrics } from "@redwire/redis/otel";
 *
 * await using pool = new BlockingConnectionPool({ maxConnections: 10 });
 * using instrumented = instrumentPoolMetrics(pool, { meter: metrics.getMeter("app") });
 * ```
 */
export function instrumentPoolMetrics(
  target: ConnectionPool | { readonly pool: ConnectionPool },
  options: PoolMetricsOptions,
): Instrumentation {
  const pool = "pool" in target ? target.pool : target;
  const meter = options.meter;
  const stops = [observePool(pool, meter)];
  const wait = histogram(
    meter,
    "db.client.connection.wait_time",
    "The time it took to obtain an open connection from the pool",
  );
  const started = new WeakMap<object, number>();
  stops.push(listen<PoolAcquireTraceContext>(TRACING_CHANNELS.poolAcquire, {
    start: (context) => {
      if (context.poolName === pool.name) started.set(context, performance.now());
    },
    asyncEnd: (context) => {
      const at = started.get(context);
      if (at !== undefined) wait.record(seconds(at), { [POOL_NAME]: pool.name });
    },
  }));
  const create = histogram(
    meter,
    "db.client.connection.create_time",
    "The time it took to create a new connection",
  );
  stops.push(listen<ConnectTraceContext>(TRACING_CHANNELS.connect, {
    start: (context) => {
      if (context.poolName === pool.name) started.set(context, performance.now());
    },
    asyncEnd: (context) => {
      const at = started.get(context);
      if (at !== undefined && context.error === undefined) {
        create.record(seconds(at), { [POOL_NAME]: pool.name });
      }
    },
  }));
  stops.push(observeUseTime(pool, meter));
  return instrumentation(stops);
}

/** The gauges and the timeout counter, read from `pool.stats()` at each collection. */
function observePool(pool: ConnectionPool, meter: Meter): () => void {
  const count = meter.createObservableUpDownCounter("db.client.connection.count", {
    description:
      "The number of connections that are currently in the state described by the state attribute",
    unit: "{connection}",
  });
  const max = meter.createObservableUpDownCounter("db.client.connection.max", {
    description: "The maximum number of open connections allowed",
    unit: "{connection}",
  });
  const idleMax = meter.createObservableUpDownCounter("db.client.connection.idle.max", {
    description: "The maximum number of idle open connections allowed",
    unit: "{connection}",
  });
  const idleMin = meter.createObservableUpDownCounter("db.client.connection.idle.min", {
    description: "The minimum number of idle open connections allowed",
    unit: "{connection}",
  });
  const pending = meter.createObservableUpDownCounter("db.client.connection.pending_requests", {
    description: "The number of current pending requests for an open connection",
    unit: "{request}",
  });
  const timeouts = meter.createObservableCounter("db.client.connection.timeouts", {
    description:
      "The number of connection timeouts that have occurred trying to obtain a connection from the pool",
    unit: "{timeout}",
  });
  const observables = [count, max, idleMax, idleMin, pending, timeouts];
  const callback = (result: {
    observe(observable: unknown, value: number, attributes?: Attributes): void;
  }) => {
    const stats = pool.stats();
    const name = { [POOL_NAME]: pool.name };
    result.observe(count, stats.idle, { ...name, "db.client.connection.state": "idle" });
    result.observe(count, stats.inUse, { ...name, "db.client.connection.state": "used" });
    result.observe(max, stats.maxConnections, name);
    result.observe(idleMax, stats.maxIdle, name);
    result.observe(idleMin, stats.minIdle, name);
    result.observe(pending, stats.waiting, name);
    result.observe(timeouts, stats.timedOut, name);
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/** `use_time`: from each acquire to its release, by the pool's events. */
function observeUseTime(pool: ConnectionPool, meter: Meter): () => void {
  const use = histogram(
    meter,
    "db.client.connection.use_time",
    "The time between borrowing a connection and returning it to the pool",
  );
  const lent = new WeakMap<object, number>();
  const onAcquire = (event: PoolEvent<"acquire">) => {
    lent.set(event.detail.connection, performance.now());
  };
  const onRelease = (event: PoolEvent<"release">) => {
    const at = lent.get(event.detail.connection);
    if (at === undefined) return;
    lent.delete(event.detail.connection);
    use.record(seconds(at), { [POOL_NAME]: pool.name });
  };
  pool.addEventListener("acquire", onAcquire);
  pool.addEventListener("release", onRelease);
  return () => {
    pool.removeEventListener("acquire", onAcquire);
    pool.removeEventListener("release", onRelease);
  };
}

/** The conventions' attributes of one command (no values: `args` is sanitized). */
function commandAttributes(context: CommandTraceContext): Attributes {
  const attributes: Attributes = {
    "db.system.name": "redis",
    "db.operation.name": context.command,
    "db.namespace": String(context.database),
    "server.address": context.serverAddress,
  };
  if (context.serverPort !== undefined) attributes["server.port"] = context.serverPort;
  return attributes;
}

/** `error.type` and, for error replies, `db.response.status_code` (never the message). */
function errorAttributes(error: unknown): Attributes {
  if (error instanceof ReplyError) {
    return { "error.type": error.code, "db.response.status_code": error.code };
  }
  return { "error.type": error instanceof Error ? error.name : "_OTHER" };
}

/**
 * Reports `db.client.operation.duration` (seconds) for every command, and,
 * with a tracer, one client span per command named after it (`GET`), with
 * `db.system.name`, `db.operation.name`, `db.namespace`, `db.query.text`
 * (command and keys only), `server.address`, `server.port`,
 * `db.operation.batch.size`, and on failure `error.type` and
 * `db.response.status_code`. Error messages are left out: a server's error
 * may quote arguments.
 *
 * @param options The meter and, for spans, the tracer.
 * @returns The instrumentation; `close()` stops it.
 *
 * @example
 * ```ts
 * import { metrics, trace } from "@opentelemetry/api";
 * import { instrumentCommands } from "@redwire/redis/otel";
 *
 * using commands = instrumentCommands({
 *   meter: metrics.getMeter("app"),
 *   tracer: trace.getTracer("app"),
 * });
 * ```
 */
export function instrumentCommands(options: CommandInstrumentationOptions): Instrumentation {
  const { meter, tracer } = options;
  const duration = meter === undefined ? undefined : meter.createHistogram(
    "db.client.operation.duration",
    {
      description: "Duration of database client operations",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    },
  );
  const started = new WeakMap<object, { at: number; span: Span | undefined }>();
  return instrumentation([listen<CommandTraceContext>(TRACING_CHANNELS.command, {
    start: (context) => {
      const attributes = commandAttributes(context);
      const span = tracer?.startSpan(context.command, {
        kind: SpanKind.CLIENT,
        attributes: { ...attributes, "db.query.text": context.args.join(" ") },
      });
      started.set(context, { at: performance.now(), span });
    },
    asyncEnd: (context) => {
      const begun = started.get(context);
      if (begun === undefined) return;
      started.delete(context);
      const attributes = commandAttributes(context);
      if (context.error !== undefined) Object.assign(attributes, errorAttributes(context.error));
      duration?.record(seconds(begun.at), attributes);
      const span = begun.span;
      if (span === undefined) return;
      if (context.batchSize !== undefined) {
        span.setAttribute("db.operation.batch.size", context.batchSize);
      }
      if (context.error !== undefined) {
        span.setAttributes(errorAttributes(context.error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  })]);
}
