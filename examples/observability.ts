/**
 * `deno task example:observability`: a Deno.serve app whose handlers share one
 * pool, watched four ways: client events, `/stats` (pool.stats()), the
 * `redwire:command` tracing channel, and OpenTelemetry metrics printed by the
 * SDK's console exporter. Run as a task it serves, sends itself 200
 * concurrent requests, prints what it saw and stops. Set KEEP_SERVING=1 to
 * leave it running.
 */
import diagnostics from "node:diagnostics_channel";
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BlockingConnectionPool,
  type CommandTraceContext,
  Redis,
  TRACING_CHANNELS,
} from "@redwire/redis";
import { instrumentCommands, instrumentPoolMetrics } from "@redwire/redis/otel";
import { exampleServer } from "./_server.ts";

const server = await exampleServer();
const pool = BlockingConnectionPool.fromUrl(server.url, {
  maxConnections: 4,
  timeout: 2_000,
  poolName: "web",
});
const redis = new Redis({ pool });

// 1. Client events and status.
redis
  .on("connect", (address) => console.log(`event: connect ${address}`))
  .on("ready", () => console.log(`event: ready (status ${redis.status})`))
  .on("error", (error) => console.error(`event: error ${error.message}`));

// 2. OpenTelemetry: pool metrics and command durations, exported to the console.
const reader = new PeriodicExportingMetricReader({
  exporter: new ConsoleMetricExporter(),
  exportIntervalMillis: 60_000, // printed once, at the end, by shutdown()
});
const meterProvider = new MeterProvider({ readers: [reader] });
const meter = meterProvider.getMeter("observability-example");
const poolMetrics = instrumentPoolMetrics(redis, { meter });
const commandMetrics = instrumentCommands({ meter });

// 3. The raw tracing channel, as an APM tool sees it: count commands by name.
const counts = new Map<string, number>();
const countCommands = {
  start: (message: unknown) => {
    const { command } = message as CommandTraceContext;
    counts.set(command, (counts.get(command) ?? 0) + 1);
  },
};
diagnostics.channel(`tracing:${TRACING_CHANNELS.command}:start`).subscribe(countCommands.start);

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/stats") return Response.json({ status: redis.status, ...pool.stats() });
  if (url.pathname === "/hit") {
    const page = url.searchParams.get("page") ?? "home";
    const [hits] = await redis.pipeline().hincrby("hits", page, 1).expire("hits", 60).exec();
    return Response.json({ page, hits });
  }
  return new Response("try /hit?page=home or /stats\n", { status: 404 });
}

const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
const base = `http://127.0.0.1:${http.addr.port}`;
console.log(`listening on ${base} (status ${redis.status}, pool "${pool.name}")`);

try {
  if (Deno.env.get("KEEP_SERVING")) await http.finished;
  const pages = ["home", "about", "blog", "shop"];
  await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) => fetch(`${base}/hit?page=${pages[i % pages.length]}`).then((r) => r.json()),
    ),
  );
  console.log("200 requests answered; hits:", await redis.hgetall("hits"));
  console.log("/stats:", await (await fetch(`${base}/stats`)).json());
  console.log("commands seen on redwire:command:", Object.fromEntries(counts));
  console.log("OpenTelemetry metrics (console exporter):");
} finally {
  // Exports once more, then stops the reader's timer so the process can exit.
  await meterProvider.shutdown();
  diagnostics.channel(`tracing:${TRACING_CHANNELS.command}:start`)
    .unsubscribe(countCommands.start);
  poolMetrics.close();
  commandMetrics.close();
  await http.shutdown();
  await redis.close();
  await pool.close();
  await server.stop();
}
