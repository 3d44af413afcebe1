/**
 * End-to-end: redwire (one auto-pipelined connection, and the pooled client)
 * against ioredis and node-redis, measured side by side in one run against
 * one redis-server this script starts.
 *
 * Run: `deno run -A bench/e2e.ts`
 *
 * @module
 */
import { Connection, Redis } from "../mod.ts";
import { startRedis } from "../tests/support/mod.ts";
import { Redis as IORedis } from "npm:ioredis@5";
import { createClient } from "npm:redis@4";

const IN_FLIGHT = 100;
const PIPELINE = 1000;
const BIG = "x".repeat(1024 * 1024);

interface Subject {
  name: string;
  get(key: string): Promise<unknown>;
  pipeline(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  close(): Promise<unknown>;
}

async function measure(run: () => Promise<unknown>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await run(); // warm-up
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) ops += Number(await run());
  return (ops * 1000) / (performance.now() - start);
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(12);
}

/** Runs the end-to-end comparison and prints ops/s and ratios. */
export async function runE2eBench(durationMs = 1500): Promise<void> {
  const server = await startRedis();
  try {
    const url = `redis://${server.host}:${server.port}`;
    const conn = new Connection(url);
    await conn.connect();
    const pooled = new Redis(url);
    const ioredis = new IORedis({ host: server.host, port: server.port });
    const ioredisAuto = new IORedis({
      host: server.host,
      port: server.port,
      enableAutoPipelining: true,
    });
    const nodeRedis = createClient({ url });
    await nodeRedis.connect();
    await conn.command(["SET", "bench:key", "x".repeat(64)]);

    const subjects: Subject[] = [
      {
        name: "redwire Connection",
        get: (k) => conn.command(["GET", k]),
        set: (k, v) => conn.command(["SET", k, v]),
        pipeline: (k) => conn.batch(Array.from({ length: PIPELINE }, () => ["GET", k])),
        close: () => conn.close(),
      },
      {
        name: "redwire Redis (pool)",
        get: (k) => pooled.get(k),
        set: (k, v) => pooled.set(k, v),
        pipeline: (k) => {
          const p = pooled.pipeline();
          for (let i = 0; i < PIPELINE; i++) p.get(k);
          return p.exec();
        },
        close: () => pooled.close(),
      },
      {
        name: "ioredis",
        get: (k) => ioredis.get(k),
        set: (k, v) => ioredis.set(k, v),
        pipeline: (k) => {
          const p = ioredis.pipeline();
          for (let i = 0; i < PIPELINE; i++) p.get(k);
          return p.exec();
        },
        close: () => ioredis.quit(),
      },
      {
        name: "ioredis autopipelining",
        get: (k) => ioredisAuto.get(k),
        set: (k, v) => ioredisAuto.set(k, v),
        pipeline: (k) => {
          const p = ioredisAuto.pipeline();
          for (let i = 0; i < PIPELINE; i++) p.get(k);
          return p.exec();
        },
        close: () => ioredisAuto.quit(),
      },
      {
        name: "node-redis",
        get: (k) => nodeRedis.get(k),
        set: (k, v) => nodeRedis.set(k, v),
        pipeline: (k) => {
          const m = nodeRedis.multi();
          for (let i = 0; i < PIPELINE; i++) m.get(k);
          return m.execAsPipeline();
        },
        close: () => nodeRedis.quit(),
      },
    ];

    const workloads: [string, (s: Subject) => () => Promise<number>][] = [
      ["100 GETs in flight", (s) => async () => {
        const calls = new Array(IN_FLIGHT);
        for (let i = 0; i < IN_FLIGHT; i++) calls[i] = s.get("bench:key");
        await Promise.all(calls);
        return IN_FLIGHT;
      }],
      ["sequential GET", (s) => async () => {
        await s.get("bench:key");
        return 1;
      }],
      [`pipeline of ${PIPELINE} GETs`, (s) => async () => {
        await s.pipeline("bench:key");
        return PIPELINE;
      }],
      ["1 MiB value, SET then GET", (s) => async () => {
        await s.set("bench:big", BIG);
        const value = await s.get("bench:big");
        if ((value as string).length !== BIG.length) throw new Error("1 MiB value came back wrong");
        return 2;
      }],
    ];

    console.log(`\nEnd to end against redis-server ${server.port} (ops/s, higher is better)`);
    for (const [label, make] of workloads) {
      const results: [string, number][] = [];
      // Interleave the subjects twice so machine noise hits every one alike.
      const totals = new Map<string, number>();
      for (let round = 0; round < 2; round++) {
        for (const s of subjects) {
          totals.set(s.name, (totals.get(s.name) ?? 0) + await measure(make(s), durationMs / 2));
        }
      }
      for (const s of subjects) results.push([s.name, totals.get(s.name)! / 2]);
      // Ratios against the faster ioredis set-up, so the comparison is never flattered.
      const ioredisOps = Math.max(totals.get("ioredis")!, totals.get("ioredis autopipelining")!) /
        2;
      const nodeRedisOps = totals.get("node-redis")! / 2;
      console.log(`\n  ${label}`);
      for (const [name, ops] of results) {
        console.log(
          `    ${name.padEnd(24)}${format(ops)}   ×ioredis ${
            (ops / ioredisOps).toFixed(2)
          }   ×node-redis ${(ops / nodeRedisOps).toFixed(2)}`,
        );
      }
    }
    for (const s of subjects) await s.close();
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await runE2eBench();
