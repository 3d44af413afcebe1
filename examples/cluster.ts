/**
 * Redis Cluster: commands routed by slot, MGET split across shards, a
 * cross-node pipeline, a single-slot transaction, sharded pub/sub, and writes
 * that keep going through a CLUSTER FAILOVER.
 *
 * With no argument, starts a throwaway cluster (3 primaries, 3 replicas on
 * free loopback ports) and stops it at the end. Given a `redis+cluster://`
 * URL, uses that cluster (and leaves its roles alone).
 *
 * Run: `deno task example:cluster [redis+cluster://h1:7000,h2:7001]`
 *
 * @module
 */
import { CrossSlotError, keySlot, RedisCluster } from "@redwire/redis";
import { type ClusterTopology, startClusterTopology } from "../tests/support/cluster_topology.ts";

const url = Deno.args.find((arg) =>
  arg.startsWith("redis+cluster://") || arg.startsWith("rediss+cluster://")
);

async function main(cluster: RedisCluster, topology?: ClusterTopology): Promise<void> {
  console.log(`primaries: ${(await cluster.nodes("primary")).map(String).join(", ")}`);

  const keys = ["example:a", "example:b", "example:c"];
  console.log(`slots of ${keys.join(", ")}: ${keys.map(keySlot).join(", ")}`);
  await cluster.sendCommand(["MSET", "example:a", "1", "example:b", "2", "example:c", "3"]);
  console.log(`MGET over several shards: ${JSON.stringify(await cluster.mget(keys))}`);

  const replies = await cluster.pipeline().incr("example:a").incr("example:b").get("example:c")
    .exec();
  console.log(`a pipeline over several nodes, replies in call order: ${JSON.stringify(replies)}`);

  // One slot per transaction: a {hash tag} keeps keys together.
  console.log(
    `MULTI on {user1}: ${
      JSON.stringify(await cluster.multi().incr("{user1}:visits").incr("{user1}:clicks").exec())
    }`,
  );
  await cluster.multi().incr("example:a").incr("example:b").exec().catch((error) => {
    if (error instanceof CrossSlotError) console.log(`refused before sending: ${error.message}`);
    else throw error;
  });

  let deliver: (message: string) => void = () => {};
  const received = new Promise<string>((resolve) => deliver = resolve);
  const subscription = await cluster.ssubscribe("news{1}", (message) => deliver(message));
  await cluster.spublish("news{1}", "hello, shard");
  console.log(`sharded pub/sub: ${await received}`);
  await subscription.unsubscribe();

  if (topology !== undefined) await failover(cluster, topology);
  console.log("stats:", JSON.stringify({ ...cluster.stats(), nodes: "..." }));
}

/** Keeps INCRs going while a replica takes over its primary's slots. */
async function failover(cluster: RedisCluster, topology: ClusterTopology): Promise<void> {
  let writes = 0, stopped = false;
  const errors: Error[] = [];
  const writers = Array.from({ length: 8 }, async (_, i) => {
    while (!stopped) {
      await cluster.incr(`example:counter:${i}`).then(() => writes++, (e) => errors.push(e));
    }
  });
  const replica = (await topology.shards())[0]!.replicas[0]!;
  console.log(`CLUSTER FAILOVER on the replica at ${replica.port} ...`);
  await topology.command(replica.port, ["CLUSTER", "FAILOVER"]);
  const deadline = Date.now() + 10_000;
  while ((await topology.command(replica.port, ["ROLE"]) as string[])[0] !== "master") {
    if (Date.now() > deadline) throw new Error("the replica was not promoted within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  stopped = true;
  await Promise.all(writers);
  console.log(`${writes} writes during the failover, ${errors.length} errors`);
}

let topology: ClusterTopology | undefined;
let cluster: RedisCluster | undefined;
try {
  if (url === undefined) {
    console.log("starting a cluster of 3 primaries and 3 replicas on 127.0.0.1 ...");
    topology = await startClusterTopology();
    cluster = new RedisCluster(topology.addresses);
  } else {
    cluster = new RedisCluster(url);
  }
  await main(cluster, topology);
} finally {
  await cluster?.close();
  await topology?.stop();
}
