/**
 * End-to-end on Node: the npm build of redwire (npm/, one auto-pipelined
 * Connection, and the pooled Redis client) against ioredis and node-redis,
 * measured side by side in one run against one redis-server this script
 * starts. The workloads and the method are those of bench/e2e.ts (Deno).
 *
 * Run: `node bench/node_e2e.mjs [durationMs]` (or `npm run bench --prefix scripts`).
 * It builds npm/ when stale and installs the peers into
 * scripts/bench-peers/node_modules on first use; CI never runs it.
 *
 * @module
 */

import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { buildIfStale, ensureInstalled, NPM_DIR, SCRIPTS, startRedis } from "../scripts/_tools.mjs";

const IN_FLIGHT = 100;
const PEERS = join(SCRIPTS, "bench-peers");

/**
 * @typedef {object} Subject
 * @property {string} name
 * @property {(key: string) => Promise<unknown>} get
 * @property {(key: string) => Promise<unknown>} pipeline100
 * @property {() => Promise<unknown>} close
 */

/**
 * Runs `run` repeatedly for `ms` after a warm-up.
 *
 * @param {() => Promise<number>} run Resolves with the operations it did.
 * @param {number} ms
 * @returns {Promise<number>} Operations per second.
 */
async function measure(run, ms) {
  for (let i = 0; i < 20; i++) await run(); // warm-up
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) ops += await run();
  return (ops * 1000) / (performance.now() - start);
}

/** @param {number} n */
function format(n) {
  return Math.round(n).toLocaleString("en-US").padStart(12);
}

/**
 * Runs the end-to-end comparison and prints ops/s and ratios.
 *
 * @param {number} durationMs Time per subject and workload, split over two rounds.
 */
async function runNodeE2eBench(durationMs) {
  ensureInstalled(PEERS);
  buildIfStale();
  const { Connection, Redis } = await import(
    pathToFileURL(join(NPM_DIR, "esm", "mod.js")).href
  );
  const require = createRequire(join(PEERS, "package.json"));
  const IORedis = require("ioredis");
  const { createClient } = require("redis");
  const versions = ["ioredis", "redis"].map((name) =>
    `${name}@${require(`${name}/package.json`).version}`
  );

  const server = await startRedis();
  try {
    const url = `redis://127.0.0.1:${server.port}`;
    const conn = new Connection(url);
    await conn.connect();
    const pooled = new Redis(url);
    const ioredis = new IORedis({ host: "127.0.0.1", port: server.port });
    const ioredisAuto = new IORedis({
      host: "127.0.0.1",
      port: server.port,
      enableAutoPipelining: true,
    });
    const nodeRedis = createClient({ url });
    await nodeRedis.connect();
    await conn.command(["SET", "bench:key", "x".repeat(64)]);

    /** @type {Subject[]} */
    const subjects = [
      {
        name: "redwire Connection",
        get: (k) => conn.command(["GET", k]),
        pipeline100: (k) => conn.batch(Array.from({ length: 100 }, () => ["GET", k])),
        close: () => conn.close(),
      },
      {
        name: "redwire Redis (pool)",
        get: (k) => pooled.get(k),
        pipeline100: (k) => {
          const p = pooled.pipeline();
          for (let i = 0; i < 100; i++) p.get(k);
          return p.exec();
        },
        close: () => pooled.close(),
      },
      {
        name: "ioredis",
        get: (k) => ioredis.get(k),
        pipeline100: (k) => {
          const p = ioredis.pipeline();
          for (let i = 0; i < 100; i++) p.get(k);
          return p.exec();
        },
        close: () => ioredis.quit(),
      },
      {
        name: "ioredis autopipelining",
        get: (k) => ioredisAuto.get(k),
        pipeline100: (k) => {
          const p = ioredisAuto.pipeline();
          for (let i = 0; i < 100; i++) p.get(k);
          return p.exec();
        },
        close: () => ioredisAuto.quit(),
      },
      {
        name: "node-redis",
        get: (k) => nodeRedis.get(k),
        pipeline100: (k) => {
          const m = nodeRedis.multi();
          for (let i = 0; i < 100; i++) m.get(k);
          return m.execAsPipeline();
        },
        close: () => nodeRedis.quit(),
      },
    ];

    /** @type {[string, (s: Subject) => () => Promise<number>][]} */
    const workloads = [
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
      ["pipeline of 100 GETs", (s) => async () => {
        await s.pipeline100("bench:key");
        return 100;
      }],
    ];

    console.log(
      `\nEnd to end on Node ${process.version}, redwire from npm/, ${versions.join(", ")}, ` +
        `redis-server on port ${server.port} (ops/s, higher is better)`,
    );
    for (const [label, make] of workloads) {
      // Interleave the subjects twice so machine noise hits every one alike.
      const totals = new Map();
      for (let round = 0; round < 2; round++) {
        for (const s of subjects) {
          totals.set(
            s.name,
            (totals.get(s.name) ?? 0) + await measure(make(s), durationMs / 2),
          );
        }
      }
      // Ratios against the faster ioredis set-up, so the comparison is never flattered.
      const ioredisOps = Math.max(totals.get("ioredis"), totals.get("ioredis autopipelining")) / 2;
      const nodeRedisOps = totals.get("node-redis") / 2;
      console.log(`\n  ${label}`);
      for (const s of subjects) {
        const ops = totals.get(s.name) / 2;
        console.log(
          `    ${s.name.padEnd(24)}${format(ops)}   ×ioredis ${(ops / ioredisOps).toFixed(2)}` +
            `   ×node-redis ${(ops / nodeRedisOps).toFixed(2)}`,
        );
      }
    }
    for (const s of subjects) await s.close();
  } finally {
    server.stop();
  }
}

await runNodeE2eBench(Number(process.argv[2] ?? 1500));
