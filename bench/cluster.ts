/**
 * Cluster throughput: redwire's RedisCluster against ioredis Cluster and
 * node-redis cluster, side by side in one run against one 6-node cluster
 * (3 primaries, 3 replicas) this script starts.
 *
 * Workloads: single GETs with 100 in flight over keys of every shard, and a
 * pipeline of 1000 GETs over 3 shards (ioredis refuses pipelines whose keys
 * live on several nodes, so its auto-pipelining stands in; node-redis has no
 * cluster pipeline, so its commands are sent together, which it pipelines).
 *
 * Run: `deno run -A bench/cluster.ts`
 *
 * @module
 */
import { RedisCluster } from "../mod.ts";
import { startClusterTopology } from "../tests/support/cluster_topology.ts";
import { Cluster as IOCluster } from "npm:ioredis@5";
import { createCluster } from "npm:redis@4";

const IN_FLIGHT = 100;
const PIPELINE = 1000;
const KEYS = Array.from({ length: 64 }, (_, i) => `bench:${i}`); // spread over every shard

interface Subject {
  name: string;
  get(key: string): Promise<unknown>;
  pipeline(keys: string[]): Promise<unknown>;
  close(): Promise<unknown>;
}

async function measure(run: () => Promise<number>, ms: number): Promise<number> {
  for (let i = 0; i < 20; i++) await run(); // warm-up
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) ops += await run();
  return (ops * 1000) / (performance.now() - start);
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(12);
}

function pipelineKeys(): string[] {
  return Array.from({ length: PIPELINE }, (_, i) => KEYS[i % KEYS.length]!);
}

/** Runs the cluster comparison and prints ops/s and ratios. */
export async function runClusterBench(durationMs = 2000): Promise<void> {
  const topology = await startClusterTopology();
  try {
    const [host, port] = topology.addresses[0]!;
    const redwire = new RedisCluster(topology.addresses);
    const ioredis = new IOCluster([{ host, port }]);
    const ioredisAuto = new IOCluster([{ host, port }], { enableAutoPipelining: true });
    const nodeRedis = createCluster({ rootNodes: [{ url: `redis://${host}:${port}` }] });
    await nodeRedis.connect();
    for (const key of KEYS) await redwire.set(key, "x".repeat(64));

    const subjects: Subject[] = [
      {
        name: "redwire RedisCluster",
        get: (k) => redwire.get(k),
        pipeline: (keys) => {
          const p = redwire.pipeline();
          for (const key of keys) p.get(key);
          return p.exec();
        },
        close: () => redwire.close(),
      },
      {
        name: "ioredis Cluster",
        get: (k) => ioredis.get(k),
        pipeline: (keys) => Promise.all(keys.map((key) => ioredis.get(key))),
        close: () => ioredis.quit(),
      },
      {
        name: "ioredis autopipelining",
        get: (k) => ioredisAuto.get(k),
        pipeline: (keys) => Promise.all(keys.map((key) => ioredisAuto.get(key))),
        close: () => ioredisAuto.quit(),
      },
      {
        name: "node-redis cluster",
        get: (k) => nodeRedis.get(k),
        pipeline: (keys) => Promise.all(keys.map((key) => nodeRedis.get(key))),
        close: () => nodeRedis.quit(),
      },
    ];

    const workloads: [string, (s: Subject) => () => Promise<number>][] = [
      [`${IN_FLIGHT} GETs in flight over 3 shards`, (s) => async () => {
        const calls = new Array(IN_FLIGHT);
        for (let i = 0; i < IN_FLIGHT; i++) calls[i] = s.get(KEYS[i % KEYS.length]!);
        await Promise.all(calls);
        return IN_FLIGHT;
      }],
      [`pipeline of ${PIPELINE} GETs over 3 shards`, (s) => {
        const keys = pipelineKeys();
        return async () => {
          await s.pipeline(keys);
          return PIPELINE;
        };
      }],
    ];

    console.log(`\nCluster of 6 nodes from port ${port} (ops/s, higher is better)`);
    for (const [label, make] of workloads) {
      // Interleave the subjects twice so machine noise hits every one alike.
      const totals = new Map<string, number>();
      for (let round = 0; round < 2; round++) {
        for (const s of subjects) {
          totals.set(s.name, (totals.get(s.name) ?? 0) + await measure(make(s), durationMs / 2));
        }
      }
      const ops = (name: string) => totals.get(name)! / 2;
      // Ratios against the faster peer set-up, so the comparison is never flattered.
      const fastestPeer = Math.max(
        ops("ioredis Cluster"),
        ops("ioredis autopipelining"),
        ops("node-redis cluster"),
      );
      console.log(`\n  ${label}`);
      for (const s of subjects) {
        console.log(
          `    ${s.name.padEnd(26)}${format(ops(s.name))}   ×fastest peer ${
            (ops(s.name) / fastestPeer).toFixed(2)
          }`,
        );
      }
    }
    for (const s of subjects) await s.close();
  } finally {
    await topology.stop();
  }
}

if (import.meta.main) await runClusterBench();
