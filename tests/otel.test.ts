import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Redis } from "../src/client/mod.ts";
import { BlockingConnectionPool } from "../src/pool/mod.ts";
import { instrumentCommands, instrumentPoolMetrics } from "../otel.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { bounded, eventually, rejection } from "./support/wait.ts";

const HOST = "127.0.0.1";
const PASSWORD = "canary-Pw-otel-5d1e";
const VALUE = "canary-value-otel-77aa";

let server: RedisServer;
let run = 0;

before(async () => {
  server = await startRedis({ password: PASSWORD });
});

after(async () => {
  await server?.stop();
});

function key(name: string): string {
  return `otel-test:${++run}:${name}`;
}

/** The SDK's pull reader: `collect()` on demand, nothing exported. */
class InMemoryReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function meterWithReader(): { provider: MeterProvider; reader: InMemoryReader } {
  const reader = new InMemoryReader();
  const provider = new MeterProvider({ readers: [reader] });
  return { provider, reader };
}

async function collect(reader: InMemoryReader): Promise<ResourceMetrics> {
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  return resourceMetrics;
}

function points(metrics: ResourceMetrics, name: string): DataPoint<unknown>[] {
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) return metric.dataPoints as DataPoint<unknown>[];
    }
  }
  return [];
}

function value(metrics: ResourceMetrics, name: string, attributes: Record<string, string> = {}) {
  const found = points(metrics, name).filter((p) =>
    Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)
  );
  assert.equal(found.length, 1, `${name} ${JSON.stringify(attributes)}: ${found.length} points`);
  return found[0]!.value;
}

function histogramCount(metrics: ResourceMetrics, name: string): number {
  return points(metrics, name).reduce((sum, p) => sum + (p.value as Histogram).count, 0);
}

describe("instrumentPoolMetrics", () => {
  it("reports the counts and wait times of a known load", async () => {
    const { provider, reader } = meterWithReader();
    await using pool = new BlockingConnectionPool({
      host: HOST,
      port: server.port,
      password: PASSWORD,
      maxConnections: 2,
      poolName: "known-load",
    });
    using _metrics = instrumentPoolMetrics(pool, { meter: provider.getMeter("test") });
    const k = key("load");
    await Promise.all(Array.from({ length: 10 }, async () => {
      await using lease = await pool.acquire();
      await lease.connection.command(["INCR", k]);
    }));
    const metrics = await collect(reader);
    const name = { "db.client.connection.pool.name": "known-load" };
    assert.equal(histogramCount(metrics, "db.client.connection.wait_time"), 10);
    assert.equal(histogramCount(metrics, "db.client.connection.use_time"), 10);
    assert.equal(histogramCount(metrics, "db.client.connection.create_time"), 2);
    const waits = points(metrics, "db.client.connection.wait_time")[0]!;
    assert.equal(waits.attributes["db.client.connection.pool.name"], "known-load");
    // Eight acquirers queued behind the two connections: some waits are not zero.
    assert.ok((waits.value as Histogram).max! > 0);
    assert.equal(
      value(metrics, "db.client.connection.count", {
        ...name,
        "db.client.connection.state": "idle",
      }),
      2,
    );
    assert.equal(
      value(metrics, "db.client.connection.count", {
        ...name,
        "db.client.connection.state": "used",
      }),
      0,
    );
    assert.equal(value(metrics, "db.client.connection.max", name), 2);
    assert.equal(value(metrics, "db.client.connection.idle.max", name), 2);
    assert.equal(value(metrics, "db.client.connection.idle.min", name), 0);
    assert.equal(value(metrics, "db.client.connection.pending_requests", name), 0);
    assert.equal(value(metrics, "db.client.connection.timeouts", name), 0);
    await provider.shutdown();
  });

  it("reports pending requests and timeouts of a pool at its cap", async () => {
    const { provider, reader } = meterWithReader();
    await using redis = new Redis({
      host: HOST,
      port: server.port,
      password: PASSWORD,
      maxConnections: 1,
      timeout: 200,
    });
    using _metrics = instrumentPoolMetrics(redis, { meter: provider.getMeter("test") });
    const held = await redis.pool.acquire();
    const waiters = [redis.pool.acquire(), redis.pool.acquire()];
    const atCap = await collect(reader);
    const name = { "db.client.connection.pool.name": redis.pool.name };
    assert.equal(value(atCap, "db.client.connection.pending_requests", name), 2);
    assert.equal(
      value(atCap, "db.client.connection.count", { ...name, "db.client.connection.state": "used" }),
      1,
    );
    for (const waiter of waiters) await bounded(rejection(waiter));
    held.release();
    const later = await collect(reader);
    assert.equal(value(later, "db.client.connection.timeouts", name), 2);
    assert.equal(value(later, "db.client.connection.pending_requests", name), 0);
    assert.equal(histogramCount(later, "db.client.connection.wait_time"), 3);
    await provider.shutdown();
  });

  it("stops reporting after close()", async () => {
    const { provider, reader } = meterWithReader();
    await using pool = new BlockingConnectionPool({
      host: HOST,
      port: server.port,
      password: PASSWORD,
    });
    const instrumented = instrumentPoolMetrics(pool, { meter: provider.getMeter("test") });
    instrumented.close();
    instrumented.close();
    (await pool.acquire()).release();
    const metrics = await collect(reader);
    assert.equal(histogramCount(metrics, "db.client.connection.wait_time"), 0);
    assert.equal(points(metrics, "db.client.connection.count").length, 0);
    await provider.shutdown();
  });
});

describe("instrumentCommands", () => {
  it("reports operation durations and client spans with the conventions' attributes", async () => {
    const { provider, reader } = meterWithReader();
    const exporter = new InMemorySpanExporter();
    const tracing = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    using _commands = instrumentCommands({
      meter: provider.getMeter("test"),
      tracer: tracing.getTracer("test"),
    });
    await using redis = new Redis({
      host: HOST,
      port: server.port,
      password: PASSWORD,
      db: 2,
      clientName: "otel-test",
    });
    const k = key("spans");
    await redis.set(k, VALUE);
    assert.equal(await redis.get(k), VALUE);
    await redis.pipeline().set(k, VALUE).get(k).exec();
    await rejection(redis.hget(k, "field"));
    await redis.sendCommand(["CONFIG", "SET", "masterauth", PASSWORD]);
    await eventually(() => exporter.getFinishedSpans().length === 6);
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(spans.map((s) => s.name), ["SET", "GET", "SET", "GET", "HGET", "CONFIG SET"]);
    const set = spans[0]!;
    assert.equal(set.kind, 2); // SpanKind.CLIENT
    assert.deepEqual(
      {
        system: set.attributes["db.system.name"],
        operation: set.attributes["db.operation.name"],
        namespace: set.attributes["db.namespace"],
        address: set.attributes["server.address"],
        port: set.attributes["server.port"],
      },
      { system: "redis", operation: "SET", namespace: "2", address: HOST, port: server.port },
    );
    assert.equal(typeof set.attributes["db.query.text"], "string");
    assert.equal(spans[2]!.attributes["db.operation.batch.size"], 2);
    const failed = spans[4]!;
    assert.equal(failed.status.code, 2); // SpanStatusCode.ERROR
    assert.equal(failed.attributes["error.type"], "WRONGTYPE");
    assert.equal(failed.attributes["db.response.status_code"], "WRONGTYPE");

    const metrics = await collect(reader);
    assert.equal(histogramCount(metrics, "db.client.operation.duration"), 6);
    const gets = points(metrics, "db.client.operation.duration").filter((p) =>
      p.attributes["db.operation.name"] === "GET"
    );
    assert.equal(gets.reduce((sum, p) => sum + (p.value as Histogram).count, 0), 2);

    const everything = JSON.stringify([
      spans.map((s) => ({
        name: s.name,
        attributes: s.attributes,
        status: s.status,
        events: s.events,
      })),
      metrics.scopeMetrics,
    ]);
    assert.equal(everything.split(PASSWORD).length - 1, 0, "password canary hits");
    assert.equal(everything.split(VALUE).length - 1, 0, "value canary hits");
    await provider.shutdown();
    await tracing.shutdown();
  });
});
