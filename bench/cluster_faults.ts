/**
 * Cluster faults under load: for redwire, ioredis and node-redis in turn, a
 * fresh 6-node cluster, 32 INCR loops, and three events: a live reshard of
 * 2000 slots (`redis-cli --cluster reshard`), a `CLUSTER FAILOVER` on a
 * replica, and a `kill -9` of a primary. Prints errors, gaps, how soon the
 * killed shard answered again, INCRs that ran but were reported failed, and
 * topology reads (CLUSTER SLOTS / SHARDS calls the servers counted).
 *
 * Run: `deno run -A bench/cluster_faults.ts [redwire] [ioredis] [node-redis]`
 *
 * @module
 */
import { spawn } from "node:child_process";
import { keySlot, RedisCluster } from "../mod.ts";
import { type ClusterTopology, startClusterTopology } from "../tests/support/cluster_topology.ts";
import { longestGap, type LoopReport, startIncrLoad } from "../tests/support/cluster_load.ts";
import { Cluster as IOCluster } from "npm:ioredis@5";
import { createCluster } from "npm:redis@4";

const LOOPS = 32;
/** One key per loop; each scenario has its own keys, so counts never mix. */
const keys = (scenario: string) => Array.from({ length: LOOPS }, (_, i) => `${scenario}:${i}`);

interface Client {
  incr(key: string): Promise<number>;
  close(): Promise<unknown>;
}

type Maker = (topology: ClusterTopology) => Promise<Client>;

const CLIENTS: [string, Maker][] = [
  ["redwire", (t) => {
    const cluster = new RedisCluster(t.addresses);
    return Promise.resolve({ incr: (k) => cluster.incr(k), close: () => cluster.close() });
  }],
  ["ioredis", (t) => {
    const [host, port] = t.addresses[0]!;
    const cluster = new IOCluster([{ host, port }]);
    return Promise.resolve({ incr: (k) => cluster.incr(k), close: () => cluster.quit() });
  }],
  ["node-redis", async (t) => {
    const [host, port] = t.addresses[0]!;
    const cluster = createCluster({ rootNodes: [{ url: `redis://${host}:${port}` }] });
    cluster.on("error", () => {});
    await cluster.connect();
    return { incr: (k) => cluster.incr(k), close: () => cluster.quit() };
  }],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function topologyReads(topology: ClusterTopology): Promise<number> {
  let total = 0;
  for (const node of topology.nodes) {
    const info = String(await topology.command(node.port, ["INFO", "commandstats"]));
    for (const name of ["cluster|slots", "cluster|shards"]) {
      total += Number(
        new RegExp(`cmdstat_${name.replace("|", "\\|")}:calls=(\\d+)`).exec(info)?.[1] ?? 0,
      );
    }
  }
  return total;
}

async function value(topology: ClusterTopology, key: string): Promise<number> {
  const shard = await topology.shardOf(keySlot(key));
  return Number(await topology.command(shard.primary.port, ["GET", key]) ?? 0);
}

function errors(reports: LoopReport[]): number {
  return reports.reduce((n, r) => n + r.errors.length, 0);
}

function redisCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => code === 0 ? resolve() : reject(new Error(`redis-cli ${code}`)));
  });
}

/**
 * Loop keys in the slots the reshard moves: redis-cli takes the source's
 * lowest 2000 slots, so every loop sees its key move.
 */
function movingKeys(ranges: [number, number][]): string[] {
  const moving = new Set<number>();
  for (const [start, end] of ranges) {
    for (let slot = start; slot <= end && moving.size < 2000; slot++) moving.add(slot);
  }
  const found: string[] = [];
  for (let n = 0; found.length < LOOPS; n++) {
    if (moving.has(keySlot(`reshard:${n}`))) found.push(`reshard:${n}`);
  }
  return found;
}

async function reshard(topology: ClusterTopology, client: Client): Promise<string> {
  const nodes = await topology.clusterNodes();
  const [from, to] = nodes.filter((n) => n.role === "primary" && n.slots.length > 0);
  const readsBefore = await topologyReads(topology);
  const load = startIncrLoad((k) => client.incr(k), movingKeys(from!.slots));
  await sleep(300);
  await redisCli([
    "--cluster",
    "reshard",
    `127.0.0.1:${from!.port}`,
    "--cluster-from",
    from!.id,
    "--cluster-to",
    to!.id,
    "--cluster-slots",
    "2000",
    "--cluster-yes",
  ]);
  await sleep(500);
  const reports = await load.stop(10_000);
  const reads = await topologyReads(topology) - readsBefore;
  let wrong = 0;
  for (const r of reports) if (await value(topology, r.key) !== r.acked) wrong++;
  const stuck = reports.filter((r) => r.stuck).length;
  return `${
    errors(reports)
  } errors, ${reads} topology reads, ${wrong} keys not exactly-once, ${stuck} loops stuck`;
}

async function failover(topology: ClusterTopology, client: Client): Promise<string> {
  await topology.waitForOk();
  const load = startIncrLoad((k) => client.incr(k), keys("failover"));
  await sleep(300);
  const replica = (await topology.shards())[0]!.replicas[0]!;
  await topology.command(replica.port, ["CLUSTER", "FAILOVER"]);
  while ((await topology.command(replica.port, ["ROLE"]) as string[])[0] !== "master") {
    await sleep(10);
  }
  await sleep(1000);
  const reports = await load.stop(10_000);
  const stuck = reports.filter((r) => r.stuck).length;
  return `${errors(reports)} errors, gap ${
    Math.round(longestGap(reports))
  } ms, ${stuck} loops stuck`;
}

async function kill(topology: ClusterTopology, client: Client): Promise<string> {
  await topology.waitForOk();
  const victim = (await topology.shards())[1]!;
  const inVictim = (key: string) =>
    victim.slots.some(([a, b]) => keySlot(key) >= a && keySlot(key) <= b);
  const load = startIncrLoad((k) => client.incr(k), keys("kill"));
  await sleep(300);
  const killedAt = performance.now();
  victim.primary.kill("SIGKILL");
  const replica = victim.replicas[0]!;
  const deadline = Date.now() + 20_000;
  while ((await topology.command(replica.port, ["ROLE"]) as string[])[0] !== "master") {
    if (Date.now() > deadline) throw new Error("the replica was not promoted within 20 s");
    await sleep(10);
  }
  const promotedAt = performance.now();
  await sleep(4000); // slow clients get a chance to come back
  const reports = await load.stop(10_000);
  const mine = reports.filter((r) => inVictim(r.key));
  const others = reports.filter((r) => !inVictim(r.key));
  // Replies already on their way when the process died arrive within a few ms.
  const back = Math.min(...mine.map((r) => r.ackTimes.find((t) => t > killedAt + 50) ?? Infinity));
  let ranUnacked = 0;
  let ranUnflagged = 0;
  for (const r of mine) {
    const extra = Math.max(0, await value(topology, r.key) - r.acked);
    ranUnacked += extra;
    ranUnflagged += Math.max(0, extra - r.writtenErrors);
  }
  const stuck = reports.filter((r) => {
    const times = [killedAt, ...r.ackTimes.filter((t) => t > killedAt)];
    return r.stuck || times.some((t, i) => i > 0 && t - times[i - 1]! > 5000);
  }).length;
  return [
    `${errors(reports)} errors (${errors(others)} on other shards)`,
    `promotion ${Math.round(promotedAt - killedAt)} ms`,
    `shard back ${Math.round(back - killedAt)} ms after the kill`,
    `${ranUnacked} INCRs ran unacknowledged (${ranUnflagged} not flagged written)`,
    `${stuck} loops stuck > 5 s`,
  ].join(", ");
}

/** Runs the three faults for each client on a fresh cluster and prints the figures. */
export async function runClusterFaultsBench(): Promise<void> {
  const only = Deno.args;
  for (const [name, make] of CLIENTS) {
    if (only.length > 0 && !only.includes(name)) continue;
    const topology = await startClusterTopology();
    const client = await make(topology);
    try {
      console.log(name);
      console.log(`  reshard of 2000 slots: ${await reshard(topology, client)}`);
      console.log(`  CLUSTER FAILOVER: ${await failover(topology, client)}`);
      console.log(`  kill -9 of a primary: ${await kill(topology, client)}`);
    } finally {
      // A peer stuck on a dead node may never finish quitting.
      await Promise.race([client.close().catch(() => {}), sleep(2000)]);
      await topology.stop();
    }
  }
}

if (import.meta.main) {
  await runClusterFaultsBench();
  Deno.exit(0); // a peer stuck on a dead socket must not keep the run alive
}
