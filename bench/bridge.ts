/**
 * Bridge benchmark: throughput of 100 GETs in flight through the WebSocket
 * bridge, next to the same client on direct TCP, measured in one run against
 * one redis-server and one bridge this script starts (both on loopback, so
 * the figure is the bridge's own cost: framing, one more hop, two more
 * sockets).
 *
 * - one connection: a `Connection`, 100 GETs auto-pipelined per round;
 * - pooled client: a `Redis` with its default pool, 100 GETs per round;
 *
 * each on direct TCP, through the bridge with the runtime's WebSocket, and
 * through the bridge with the `ws` package's WebSocket (what Node 20 uses).
 *
 * Run: `deno run -A bench/bridge.ts`; it takes about 20 s and never fails on a time.
 *
 * @module
 */
import { WebSocket as WsWebSocket } from "npm:ws@8";
import { Connection, Redis, type TransportFactory, webSocketTransport } from "../mod.ts";
import { serveBridge } from "../bridge.ts";
import { startRedis } from "../tests/support/mod.ts";

const IN_FLIGHT = 100;
const ROUNDS = 3;
const TOKEN = crypto.randomUUID();

/** One way of sending GETs, measured as it is used. */
interface Subject {
  name: string;
  get(key: string): Promise<unknown>;
  close(): Promise<unknown>;
}

function connectionSubject(name: string, options: { port?: number; transport?: TransportFactory }) {
  const conn = new Connection({ host: "127.0.0.1", ...options });
  return {
    name,
    get: (key: string) => conn.command(["GET", key]),
    close: () => conn.close(),
  } satisfies Subject;
}

function redisSubject(name: string, options: { port?: number; transport?: TransportFactory }) {
  const redis = new Redis({ host: "127.0.0.1", ...options });
  return {
    name,
    get: (key: string) => redis.get(key),
    close: () => redis.close(),
  } satisfies Subject;
}

/** Ops per second of `IN_FLIGHT` GETs at a time, for `ms` after a warm-up. */
async function measure(subject: Subject, ms: number): Promise<number> {
  const round = () =>
    Promise.all(Array.from({ length: IN_FLIGHT }, () => subject.get("bench:key")));
  for (let i = 0; i < 50; i++) await round();
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await round();
    ops += IN_FLIGHT;
  }
  return (ops * 1000) / (performance.now() - start);
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(12);
}

/**
 * Starts a redis-server and a bridge, measures GET throughput over direct
 * TCP and over the bridge with both WebSocket clients (best of three rounds
 * each, interleaved), and prints ops/s and the bridge-to-TCP ratios.
 *
 * @param durationMs How long each measurement runs.
 * @returns Resolves once everything it started is stopped.
 *
 * @example
 * ```ts
 * import { runBridgeBench } from "./bridge.ts";
 *
 * await runBridgeBench();
 * ```
 */
export async function runBridgeBench(durationMs = 1000): Promise<void> {
  const server = await startRedis();
  const bridge = await serveBridge({ port: 0, target: { port: server.port }, token: TOKEN });
  const url = `ws://127.0.0.1:${bridge.port}/`;
  const runtime = webSocketTransport(url, { token: TOKEN });
  const ws = webSocketTransport(url, { token: TOKEN, WebSocket: WsWebSocket });
  const groups: Subject[][] = [
    [
      connectionSubject("one connection, TCP", { port: server.port }),
      connectionSubject("  bridge, runtime WebSocket", { transport: runtime }),
      connectionSubject("  bridge, ws WebSocket", { transport: ws }),
    ],
    [
      redisSubject("pooled Redis, TCP", { port: server.port }),
      redisSubject("  bridge, runtime WebSocket", { transport: runtime }),
      redisSubject("  bridge, ws WebSocket", { transport: ws }),
    ],
  ];
  try {
    const seed = new Redis({ host: "127.0.0.1", port: server.port });
    await seed.set("bench:key", "x".repeat(100));
    await seed.close();
    console.log(`bridge: ${IN_FLIGHT} GETs in flight (100-byte value), best of ${ROUNDS}`);
    for (const group of groups) {
      const best = group.map(() => 0);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, subject] of group.entries()) {
          best[i] = Math.max(best[i]!, await measure(subject, durationMs));
        }
      }
      const tcp = best[0]!;
      for (const [i, subject] of group.entries()) {
        const ratio = i === 0 ? "" : `   ${(best[i]! / tcp).toFixed(2)}x of TCP`;
        console.log(`  ${subject.name.padEnd(30)} ${format(best[i]!)} ops/s${ratio}`);
      }
    }
  } finally {
    for (const group of groups) for (const subject of group) await subject.close();
    await bridge.close();
    await server.stop();
  }
}

if (import.meta.main) await runBridgeBench();
