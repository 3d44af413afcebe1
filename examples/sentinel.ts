/**
 * Sentinel: discover the master and replicas, keep writing through a
 * failover, and watch the sentinels announce it.
 *
 * With no argument, starts a local topology (1 master, 2 replicas, 3
 * sentinels on free loopback ports, each with its own config file) and stops
 * it at the end. Given a `redis+sentinel://` URL, uses those sentinels, and
 * runs SENTINEL FAILOVER on them only with `--failover`.
 *
 * Run: `deno task example:sentinel [redis+sentinel://h1:26379,h2:26379/mymaster] [--failover]`
 *
 * @module
 */
import { Connection, parseSentinelUrl, Sentinel, type SentinelAddress } from "@redwire/redis";
import {
  type SentinelTopology,
  startSentinelTopology,
} from "../tests/support/sentinel_topology.ts";

const url = Deno.args.find((arg) => arg.startsWith("redis+sentinel://"));

async function main(sentinel: Sentinel, name: string, failover: boolean): Promise<void> {
  await using master = sentinel.masterFor(name);
  await using replica = sentinel.replicaFor(name);

  const before = await sentinel.discoverMaster(name);
  console.log(`master of "${name}": ${show(before)}`);
  console.log(`replicas: ${(await sentinel.discoverReplicas(name)).map(show).join(", ")}`);

  // WAIT 1 in the same pipeline: the write reached a replica before we read it there.
  await master.pipeline().set("example:greeting", "hello from redwire").wait(1, 1000).exec();
  console.log(`read from a replica: ${await replica.get("example:greeting")}`);
  if (!failover) return;

  const stop = sentinel.onFailover(name, (event) => {
    const to = event.master ? ` -> ${show(event.master)}` : "";
    console.log(`  ${event.sentinel} announced ${event.channel}: ${show(event.previous)}${to}`);
  });
  // Writes keep going during the failover; the client follows the master by itself.
  let writes = 0, stopped = false;
  const errors: Error[] = [];
  const writer = (async () => {
    while (!stopped) {
      await master.incr("example:counter").then(() => writes++, (error) => errors.push(error));
    }
  })();
  console.log("SENTINEL FAILOVER ...");
  const [host, port] = sentinel.sentinels[0]!;
  const password = url === undefined ? undefined : parseSentinelUrl(url).options.sentinelPassword;
  await using admin = new Connection({ host, port, password });
  await admin.command(["SENTINEL", "FAILOVER", name]);
  const after = await newMaster(sentinel, name, before);
  stopped = true;
  await writer;
  stop();
  console.log(`master of "${name}" after the failover: ${show(after)}`);
  const errorCount = `${errors.length} errors${errors.length > 0 ? ` (first: ${errors[0]})` : ""}`;
  console.log(`${writes} writes during the failover, ${errorCount}; now on ${master.pool.address}`);
}

/** Polls the sentinels (every 100 ms, up to 20 s) until they name another master. */
async function newMaster(
  sentinel: Sentinel,
  name: string,
  before: SentinelAddress,
): Promise<SentinelAddress> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const now = await sentinel.discoverMaster(name).catch(() => before);
    if (show(now) !== show(before)) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the sentinels still name ${show(before)} after 20 s`);
}

function show([host, port]: SentinelAddress): string {
  return `${host}:${port}`;
}

let topology: SentinelTopology | undefined;
let sentinel: Sentinel | undefined;
try {
  if (url === undefined) {
    console.log("starting 1 master, 2 replicas and 3 sentinels on 127.0.0.1 ...");
    topology = await startSentinelTopology({ name: "mymaster" });
    sentinel = new Sentinel(topology.addresses);
    await main(sentinel, "mymaster", true);
  } else {
    const parsed = parseSentinelUrl(url);
    sentinel = new Sentinel(parsed.sentinels, parsed.options);
    await main(sentinel, parsed.serviceName, Deno.args.includes("--failover"));
  }
} finally {
  await sentinel?.close();
  await topology?.stop();
}
