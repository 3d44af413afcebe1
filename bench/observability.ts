/**
 * What watching costs: commands per second of the pooled client with no
 * subscriber on the tracing channels, with a plain subscriber, and with the
 * OpenTelemetry instrumentation (metrics and spans into the SDK, nothing
 * exported), measured in one run against one redis-server this script starts.
 * Modes take turns over several rounds and each figure is the median, so a
 * noisy neighbour hurts every mode alike.
 *
 * `BASELINE=/path/to/other/checkout/mod.ts` adds that checkout's `Redis` with
 * no subscriber (say, main before the channels), for "within noise of today";
 * `ROUNDS=9` takes more turns on a noisy machine.
 *
 * Run: `deno run -A bench/observability.ts` (or `deno task bench observability`)
 *
 * @module
 */
import diagnostics from "node:diagnostics_channel";
import process from "node:process";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { Redis, TRACING_CHANNELS } from "../mod.ts";
import { instrumentCommands, instrumentPoolMetrics } from "../otel.ts";
import { startRedis } from "../tests/support/mod.ts";

const IN_FLIGHT = 100;
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 5);

interface Client {
  get(key: string): Promise<unknown>;
  close(): Promise<void>;
}

interface Mode {
  name: string;
  client: Client;
  /** Turns the mode's subscribers on; returns what turns them off. */
  on(): () => void;
}

interface Figure {
  /** Commands per second of wall time. */
  opsPerSecond: number;
  /** This process's CPU time (user + system) per command, in µs: what the
   * client spends, far less sensitive than ops/s to other processes' load. */
  cpuMicros: number;
}

/** `IN_FLIGHT` concurrent GETs in a loop, for `ms`. */
async function measure(client: Client, ms: number): Promise<Figure> {
  const burst = () => Promise.all(Array.from({ length: IN_FLIGHT }, () => client.get("bench:k")));
  for (let i = 0; i < 20; i++) await burst(); // warm-up
  let ops = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    await burst();
    ops += IN_FLIGHT;
  }
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { opsPerSecond: (ops * 1000) / elapsed, cpuMicros: (used.user + used.system) / ops };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function subscribeAll(): () => void {
  const handlers = {
    start: () => {},
    end: () => {},
    asyncStart: () => {},
    asyncEnd: () => {},
    error: () => {},
  };
  const channels = Object.values(TRACING_CHANNELS).map((name) => diagnostics.tracingChannel(name));
  for (const channel of channels) channel.subscribe(handlers);
  return () => channels.forEach((channel) => channel.unsubscribe(handlers));
}

/** Runs the comparison and prints ops/s, each with its ratio to "no subscriber". */
export async function runObservabilityBench(durationMs = 1000): Promise<void> {
  const server = await startRedis();
  const url = `redis://${server.host}:${server.port}`;
  const redis = new Redis(url);
  const meter = new MeterProvider().getMeter("bench");
  const tracer = new BasicTracerProvider().getTracer("bench");
  const modes: Mode[] = [
    { name: "no subscriber", client: redis, on: () => () => {} },
    { name: "a subscriber on every channel", client: redis, on: subscribeAll },
    {
      name: "OpenTelemetry (pool metrics, durations, spans)",
      client: redis,
      on: () => {
        const pool = instrumentPoolMetrics(redis, { meter });
        const commands = instrumentCommands({ meter, tracer });
        return () => (pool.close(), commands.close());
      },
    },
  ];
  const baseline = Deno.env.get("BASELINE");
  if (baseline !== undefined) {
    const other = await import(baseline) as { Redis: new (url: string) => Client };
    modes.unshift({
      name: `baseline ${baseline}`,
      client: new other.Redis(url),
      on: () => () => {},
    });
  }
  try {
    await redis.set("bench:k", "x".repeat(64));
    const figures = new Map<string, Figure[]>(modes.map((m) => [m.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of modes) {
        const off = mode.on();
        try {
          figures.get(mode.name)!.push(await measure(mode.client, durationMs));
        } finally {
          off();
        }
      }
    }
    const reference = figures.get("no subscriber")!;
    const refOps = median(reference.map((f) => f.opsPerSecond));
    const refCpu = median(reference.map((f) => f.cpuMicros));
    console.log(`GET, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds of ${durationMs} ms`);
    for (const [name, values] of figures) {
      const ops = median(values.map((f) => f.opsPerSecond));
      const cpu = median(values.map((f) => f.cpuMicros));
      const all = values.map((f) => f.opsPerSecond);
      const spread = `${Math.round(Math.min(...all))}..${Math.round(Math.max(...all))}`;
      console.log(
        `${name.padEnd(48)} ${Math.round(ops).toLocaleString("en-US").padStart(10)} ops/s ` +
          `${(ops / refOps).toFixed(2)}x | ${cpu.toFixed(2).padStart(6)} µs CPU/command ` +
          `${(cpu / refCpu).toFixed(2)}x  (ops/s rounds ${spread})`,
      );
    }
  } finally {
    for (const mode of new Set(modes.map((m) => m.client))) await mode.close();
    await server.stop();
  }
}

if (import.meta.main) await runObservabilityBench();
