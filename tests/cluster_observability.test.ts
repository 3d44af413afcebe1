import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { after, before, describe, it } from "node:test";
import type { ClientEventMap } from "../src/client/mod.ts";
import { keySlot, RedisCluster } from "../src/cluster/mod.ts";
import {
  type BatchTraceContext,
  type CommandTraceContext,
  type PoolAcquireTraceContext,
  TRACING_CHANNELS,
} from "../src/connection/mod.ts";
import { type ClusterTopology, startClusterTopology } from "./support/cluster_topology.ts";
import { eventually } from "./support/wait.ts";

const HOST = "127.0.0.1";
let topology: ClusterTopology;

before(async () => {
  topology = await startClusterTopology();
});

after(async () => {
  await topology?.stop();
});

/** Three keys, each on a different primary. */
async function keysOnEachPrimary(prefix: string): Promise<{ key: string; port: number }[]> {
  const shards = await topology.shards();
  const found: { key: string; port: number }[] = [];
  for (let i = 0; found.length < shards.length; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(key);
    const shard = shards.find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
    if (!found.some((f) => f.port === shard.primary.port)) {
      found.push({ key, port: shard.primary.port });
    }
  }
  return found;
}

/** Records every event of a cluster client, as `name` or `name:argument`. */
function recorder(cluster: RedisCluster): string[] {
  const seen: string[] = [];
  const names: (keyof ClientEventMap)[] = [
    "connect",
    "ready",
    "error",
    "reconnecting",
    "close",
    "subscriptionsLost",
    "subscriptionsRestored",
  ];
  for (const name of names) {
    cluster.on(name, (...args: unknown[]) => {
      const [first] = args;
      seen.push(
        first === undefined ? name : `${name}:${first instanceof Error ? first.name : first}`,
      );
    });
  }
  return seen;
}

describe("RedisCluster events", () => {
  it("reports connect for every node it reaches, ready, then close", async () => {
    const cluster = new RedisCluster([topology.addresses[0]!]);
    const seen = recorder(cluster);
    assert.equal(cluster.status, "wait");
    const keys = await keysOnEachPrimary("events");
    await Promise.all(keys.map(({ key }) => cluster.set(key, "v")));
    assert.equal(cluster.status, "ready");
    // The nodes the topology read added are followed too.
    for (const { port } of keys) {
      assert.ok(seen.includes(`connect:${HOST}:${port}`), seen.join(" "));
    }
    assert.equal(seen.filter((s) => s === "ready").length, 1);
    await cluster.close();
    assert.equal(cluster.status, "closed");
    assert.equal(seen.at(-1), "close");
  });

  it("reports a broken connection, the reconnect, and off() stops a listener", async () => {
    await using cluster = new RedisCluster([topology.addresses[0]!]);
    const [{ key, port }] = await keysOnEachPrimary("broken");
    await cluster.set(key, "v");
    const seen = recorder(cluster);
    const removed: string[] = [];
    const listener = () => removed.push("ready");
    cluster.on("ready", listener).off("ready", listener);
    await topology.command(port, ["CLIENT", "KILL", "TYPE", "normal"]);
    await eventually(() => cluster.status === "reconnecting", 5000, "status reconnecting");
    assert.equal(await cluster.get(key), "v");
    await eventually(() => cluster.status === "ready", 5000, "status ready");
    assert.equal(seen[0], "error:ConnectionError");
    assert.ok(seen.includes("reconnecting:1"), seen.join(" "));
    assert.ok(seen.includes(`connect:${HOST}:${port}`), seen.join(" "));
    assert.deepEqual(removed, []);
  });

  it("reports lost and restored sharded and classic subscriptions", async () => {
    await using cluster = new RedisCluster([topology.addresses[0]!]);
    const seen = recorder(cluster);
    const messages: string[] = [];
    await cluster.ssubscribe("events-sharded", (message) => messages.push(message));
    await cluster.subscribe("events-classic", (message) => messages.push(message));
    for (const shard of await topology.shards()) {
      await topology.command(shard.primary.port, ["CLIENT", "KILL", "TYPE", "pubsub"]);
    }
    await eventually(
      () => seen.filter((s) => s === "subscriptionsRestored").length >= 2,
      10_000,
      "both restored",
    );
    const lost = seen.filter((s) => s === "subscriptionsLost:ConnectionError").length;
    assert.ok(lost >= 2, seen.join(" "));
    assert.ok(
      seen.indexOf("subscriptionsLost:ConnectionError") < seen.indexOf("subscriptionsRestored"),
    );
    await cluster.spublish("events-sharded", "s");
    await cluster.publish("events-classic", "c");
    await eventually(() => messages.includes("s") && messages.includes("c"), 5000, "messages");
  });
});

type Event = "start" | "end" | "asyncStart" | "asyncEnd" | "error";

/** The contexts one channel finished while `fn` ran. */
async function record<C extends object>(name: string, fn: () => Promise<void>): Promise<C[]> {
  const seen: C[] = [];
  const channel = diagnostics.tracingChannel(name);
  const none = () => {};
  const handlers: Record<Event, (context: unknown) => void> = {
    start: none,
    end: none,
    asyncStart: none,
    asyncEnd: (context) => seen.push(context as C),
    error: none,
  };
  channel.subscribe(handlers);
  try {
    await fn();
  } finally {
    channel.unsubscribe(handlers);
  }
  return seen;
}

describe("RedisCluster tracing", () => {
  it("names the node of every command, node batch and pool acquire", async () => {
    await using cluster = new RedisCluster([topology.addresses[0]!]);
    const keys = await keysOnEachPrimary("trace");
    await cluster.ping(); // the topology is read outside what is recorded
    const commands = await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
      for (const { key } of keys) await cluster.set(key, "v");
    });
    assert.deepEqual(
      commands.map((c) => [c.command, c.args[1], c.node, c.serverPort]),
      keys.map(({ key, port }) => ["SET", key, `${HOST}:${port}`, port]),
    );
    const batches = await record<BatchTraceContext>(TRACING_CHANNELS.batch, async () => {
      const pipeline = cluster.pipeline();
      for (const { key } of keys) pipeline.get(key).incr(`{${key}}:n`);
      await pipeline.exec();
      await cluster.multi().incr(`{${keys[0]!.key}}:a`).incr(`{${keys[0]!.key}}:b`).exec();
    });
    const pipelines = batches.filter((b) => b.kind === "pipeline");
    assert.deepEqual(
      pipelines.map((b) => [b.node, b.serverPort, b.batchSize]).sort(),
      keys.map(({ port }) => [`${HOST}:${port}`, port, 2]).sort(),
    );
    const transaction = batches.find((b) => b.kind === "transaction");
    assert.equal(transaction?.node, `${HOST}:${keys[0]!.port}`);
    const acquires = await record<PoolAcquireTraceContext>(
      TRACING_CHANNELS.poolAcquire,
      async () => {
        await cluster.multi().incr(`{${keys[1]!.key}}:a`).exec();
      },
    );
    assert.ok(acquires.length > 0);
    for (const acquire of acquires) assert.equal(acquire.node, `${HOST}:${keys[1]!.port}`);
  });

  it("names the node an ASK redirection sent the command to", async () => {
    await using cluster = new RedisCluster([topology.addresses[0]!]);
    const key = "{trace-ask}k";
    await cluster.set(key, "v");
    const slot = keySlot(key);
    const source = (await topology.shardOf(slot)).primary;
    const target = (await topology.shards()).find((s) => s.primary !== source)!.primary;
    let commands: CommandTraceContext[] = [];
    await topology.moveSlot(slot, target.port, {
      // Every key moved, the slot still MIGRATING: the source answers ASK.
      beforeAssign: async () => {
        commands = await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
          assert.equal(await cluster.get(key), "v");
        });
      },
    });
    assert.deepEqual(commands.map((c) => [c.command, c.node, c.error !== undefined]), [
      ["GET", `${HOST}:${source.port}`, true],
      ["ASKING", `${HOST}:${target.port}`, false],
      ["GET", `${HOST}:${target.port}`, false],
    ]);
  });
});
