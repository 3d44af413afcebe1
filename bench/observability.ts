/**
 * What watching costs: commands of the pooled client with no subscriber on
 * the tracing channels, with a plain subscriber on every channel, and with
 * the OpenTelemetry instrumentation (pool metrics, durations and spans into
 * the SDK, nothing exported), in one run. Two sections:
 *
 * - against a redis-server this script starts: commands/s, and this
 *   process's CPU time per command;
 * - against an in-process fake server (a transport that answers at once):
 *   the client's own CPU cost per command, with no network or server in the
 *   figure, so it holds on a loaded machine.
 *
 * Modes take turns over several rounds (those without subscribers first,
 * before any subscriber ever came) and each figure is the median.
 * `BASELINE=/path/to/other/checkout/mod.ts` adds that checkout's `Redis` with
 * no subscriber (say, main before the channels), for "within noise of today";
 * `ROUNDS=9` takes more turns.
 *
 * Run: `deno run -A bench/observability.ts` (or `deno task bench observability`)
 *
 * @module
 */
import diagnostics from "node:diagnostics_channel";
import process from "node:process";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { Redis, type RedisOptions, TRACING_CHANNELS, type Transport } from "../mod.ts";
import { instrumentCommands, instrumentPoolMetrics } from "../otel.ts";
import { startRedis } from "../tests/support/mod.ts";

const IN_FLIGHT = 100;
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 5);

interface Client {
  get(key: string): Promise<unknown>;
  close(): Promise<void>;
}

type ClientClass = new (options: RedisOptions) => Client;

interface Figure {
  /** Commands per second of wall time. */
  opsPerSecond: number;
  /** This process's CPU time (user + system) per command, in ns. */
  cpuNanos: number;
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
  return {
    opsPerSecond: (ops * 1000) / elapsed,
    cpuNanos: ((used.user + used.system) * 1000) / ops,
  };
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A transport answering every command at once: `$1 x` to GET, `+OK` to the rest. */
function fakeServer(): Promise<Transport> {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return Promise.resolve({
    readable: {
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          if (queue.length > 0) yield queue.shift()!;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    write(bytes: Uint8Array): Promise<void> {
      queue.push(encoder.encode(answers(decoder.decode(bytes))));
      wake?.();
      return Promise.resolve();
    },
    close(): void {
      closed = true;
      wake?.();
    },
  });
}

/** One reply per RESP command array in `text`. */
function answers(text: string): string {
  let out = "";
  for (let at = 0; at < text.length;) {
    const end = text.indexOf("\r\n", at);
    const count = Number(text.slice(at + 1, end));
    at = end + 2;
    let name = "";
    for (let i = 0; i < count; i++) {
      const header = text.indexOf("\r\n", at);
      const length = Number(text.slice(at + 1, header));
      if (i === 0) name = text.slice(header + 2, header + 2 + length).toUpperCase();
      at = header + 2 + length + 2;
    }
    out += name === "GET" ? "$1\r\nx\r\n" : "+OK\r\n";
  }
  return out;
}

interface Mode {
  name: string;
  client: Client;
  /** Turns the mode's subscribers on; returns what turns them off. */
  on(): () => void;
}

async function modesFor(options: RedisOptions): Promise<Mode[]> {
  const redis = new Redis(options);
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
    const other = (await import(baseline)) as { Redis: ClientClass };
    const client = new other.Redis(options);
    modes.unshift({ name: `baseline ${baseline}`, client, on: () => () => {} });
  }
  return modes;
}

async function section(title: string, options: RedisOptions, durationMs: number): Promise<void> {
  const modes = await modesFor(options);
  // Modes without subscribers first, before anyone ever subscribed: a
  // channel that had subscribers changes shape when the last one leaves,
  // which a process that never subscribes does not pay for.
  const quiet = modes.filter((m) => m.name.startsWith("baseline") || m.name === "no subscriber");
  const watched = modes.filter((m) => !quiet.includes(m));
  try {
    const figures = new Map<string, Figure[]>(modes.map((m) => [m.name, []]));
    for (const group of [quiet, watched]) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of round % 2 === 0 ? group : [...group].reverse()) {
          const off = mode.on();
          try {
            figures.get(mode.name)!.push(await measure(mode.client, durationMs));
          } finally {
            off();
          }
        }
      }
    }
    print(title, durationMs, figures);
  } finally {
    for (const client of new Set(modes.map((m) => m.client))) await client.close();
  }
}

function print(title: string, durationMs: number, figures: Map<string, Figure[]>): void {
  const reference = figures.get("no subscriber")!;
  const refOps = median(reference.map((f) => f.opsPerSecond));
  const refCpu = median(reference.map((f) => f.cpuNanos));
  console.log(`\n${title}: GET, ${IN_FLIGHT} in flight, median of ${ROUNDS} x ${durationMs} ms`);
  for (const [name, values] of figures) {
    const ops = median(values.map((f) => f.opsPerSecond));
    const cpu = median(values.map((f) => f.cpuNanos));
    console.log(
      `${name.padEnd(48)} ${Math.round(ops).toLocaleString("en-US").padStart(10)} commands/s ` +
        `${(ops / refOps).toFixed(2)}x | ${
          Math.round(cpu).toString().padStart(6)
        } ns CPU/command ` +
        `${(cpu / refCpu).toFixed(2)}x`,
    );
  }
}

/** Runs both sections and prints each mode with its ratios to "no subscriber". */
export async function runObservabilityBench(durationMs = 800): Promise<void> {
  const server = await startRedis();
  try {
    await section("redis-server", { host: server.host, port: server.port }, durationMs);
  } finally {
    await server.stop();
  }
  await section("in-process fake server", { transport: fakeServer }, durationMs / 2);
}

if (import.meta.main) await runObservabilityBench();
