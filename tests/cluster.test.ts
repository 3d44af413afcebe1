import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  keySlot,
  parseClusterUrl,
  RedisCluster,
  type RedisClusterOptions,
} from "../src/cluster/mod.ts";
import { parseShards, parseSlots } from "../src/cluster/_slot_map.ts";
import { ConnectionError, CrossSlotError, TimeoutError } from "../src/errors.ts";
import { stall, startFakePeer } from "./support/fake_peer.ts";
import { connections, pipeline, resolveConnection, withConnection } from "../src/registry/mod.ts";
import { type ClusterTopology, startClusterTopology } from "./support/cluster_topology.ts";
import { freePort, type RedisServer, startRedis } from "./support/redis_server.ts";
import { bounded, eventually, rejection } from "./support/wait.ts";

describe("keySlot", () => {
  it("hashes like the server, hash tags included, for strings and bytes", () => {
    assert.equal(keySlot("{user1000}.following"), 3443);
    assert.equal(keySlot("foo"), 12182);
    assert.equal(keySlot(new TextEncoder().encode("{user1000}.followers")), 3443);
    // An empty tag hashes the whole key; only the first {...} counts.
    assert.equal(keySlot("{}a"), keySlot(new TextEncoder().encode("{}a")));
    assert.equal(keySlot("a{b}{c}"), keySlot("b"));
    assert.equal(keySlot("é"), keySlot(new TextEncoder().encode("é")));
  });
  it("refuses other types with a TypeError", () => {
    assert.throws(() => keySlot(42 as unknown as string), TypeError);
  });
});

describe("RedisCluster options", () => {
  it("refuses an empty startup list and bad pairs with TypeError", () => {
    assert.throws(() => new RedisCluster([]), TypeError);
    assert.throws(() => new RedisCluster([["h", 0]]), TypeError);
    assert.throws(() => new RedisCluster([["h", 7000]], { maxRedirects: -1 }), RangeError);
  });
  it("refuses an unknown option with a TypeError naming the closest one", () => {
    const options = { readFromReplica: true } as unknown as RedisClusterOptions;
    assert.throws(
      () => new RedisCluster([["h", 7000]], options),
      (e) =>
        e instanceof TypeError &&
        /unknown option "readFromReplica".*"readFromReplicas"/.test(e.message),
    );
    const typo = { maxConection: 2 } as unknown as RedisClusterOptions;
    assert.throws(() => new RedisCluster([["h", 7000]], typo), /did you mean "maxConnections"/);
    assert.throws(
      () => new RedisCluster([["h", 7000]], { pool: {} } as unknown as RedisClusterOptions),
      /new RedisCluster\(\): unknown option "pool"/,
    );
  });
  it("refuses commands that would change a pooled connection's state, before any I/O", async () => {
    await using cluster = new RedisCluster([["127.0.0.1", 1]]);
    for (const name of ["MULTI", "WATCH", "SSUBSCRIBE", "READONLY", "ASKING", "SELECT"]) {
      const error = await rejection(cluster.sendCommand([name, "x"]), TypeError);
      assert.match(error.message, new RegExp(`^${name} would change`));
    }
  });
  it("reads several hosts, credentials and TLS from a cluster URL", () => {
    const { nodes, options } = parseClusterUrl("rediss+cluster://joe:p%40ss@h1:7000,[::1]:7001,h3");
    assert.deepEqual(nodes, [["h1", 7000], ["::1", 7001], ["h3", 6379]]);
    assert.equal(options.username, "joe");
    // Passwords come back in a redacting Secret (issue 14).
    assert.equal(String(options.password), "Secret(***)");
    assert.equal((options.password as { reveal(): string }).reveal(), "p@ss");
    assert.equal(options.tls, true);
    assert.throws(() => parseClusterUrl("redis://h1:7000"), TypeError);
    const error = (() => {
      try {
        parseClusterUrl("redis+cluster://:secret@h1:7000/2");
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(error instanceof TypeError && !error.message.includes("secret"));
  });
});

describe("topology parsing", () => {
  const node = (port: number, role: string, extra: Record<string, unknown> = {}) =>
    Object.entries({ id: `n${port}`, port, ip: "10.0.0.1", endpoint: "10.0.0.1", role, ...extra })
      .concat([["health", "online"]]).flat();
  it("reads CLUSTER SHARDS: TLS ports, announced hostnames for TLS, addressMap, unhealthy nodes left out", () => {
    const reply = [
      ["slots", [0, 100, 200, 300], "nodes", [
        node(7000, "master", { "tls-port": 8000, hostname: "a.example" }),
        node(7001, "replica", { "tls-port": 8001 }),
        [...node(7002, "replica").slice(0, -1), "loading"],
      ]],
    ];
    const topology = parseShards(reply, {
      askedHost: "seed",
      tls: true,
      addressMap: (host, port) => [`nat-${host}`, port + 1],
    });
    assert.deepEqual(topology.ranges, [[0, 100, 0], [200, 300, 0]]);
    const shard = topology.shards[0]!;
    assert.deepEqual(shard.primary, {
      host: "nat-10.0.0.1",
      port: 8001,
      key: "nat-10.0.0.1:8001",
      hostname: "a.example",
    });
    assert.deepEqual(shard.replicas.map((r) => r.key), ["nat-10.0.0.1:8002"]);
  });
  it("reads CLUSTER SLOTS, the fallback, using the asked host for unknown endpoints", () => {
    const reply = [[0, 5460, ["?", 7000, "id0", ["hostname", "h0"]], ["10.0.0.2", 7003, "id3"]]];
    const topology = parseSlots(reply, { askedHost: "seed", tls: false });
    assert.equal(topology.shards[0]!.primary.key, "seed:7000");
    assert.equal(topology.shards[0]!.primary.hostname, "h0");
    assert.equal(topology.shards[0]!.replicas[0]!.key, "10.0.0.2:7003");
  });
});

describe("RedisCluster bad input", () => {
  let standalone: RedisServer;
  before(async () => {
    standalone = await startRedis();
  });
  after(() => standalone.stop());

  it("names every unreachable startup address in one ConnectionError", async () => {
    const ports = [await freePort(), await freePort()];
    await using cluster = new RedisCluster(ports.map((port) => ["127.0.0.1", port]), {
      socketConnectTimeout: 500,
    });
    const error = await rejection(cluster.get("k"), ConnectionError);
    for (const port of ports) assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it("keeps a command's deadline while the topology cannot be read", async () => {
    const peer = await startFakePeer(stall); // accepts, never answers: the handshake hangs
    try {
      await using cluster = new RedisCluster([["127.0.0.1", peer.port]], {
        socketConnectTimeout: 2_000, // close() waits for the hung connect to give up
      });
      const started = Date.now();
      const error = await rejection(
        cluster.sendCommand(["GET", "k"], { timeout: 300 }),
        TimeoutError,
      );
      assert.ok(Date.now() - started < 1500, `settled after ${Date.now() - started} ms`);
      assert.match(error.message, /not sent/);
    } finally {
      await peer.close();
    }
  });

  it("says a server without cluster mode needs Redis", async () => {
    await using cluster = new RedisCluster([["127.0.0.1", standalone.port]]);
    const error = await rejection(cluster.get("k"), ConnectionError);
    assert.match(error.message, /not in cluster mode/);
    assert.match(error.message, /use Redis/);
  });
});

describe("RedisCluster on a 6-node cluster", () => {
  let topology: ClusterTopology;
  let cluster: RedisCluster;
  before(async () => {
    topology = await startClusterTopology();
    cluster = new RedisCluster([topology.addresses[0]!]);
  });
  after(async () => {
    await cluster?.close();
    await topology?.stop();
  });

  it("routes each key to the primary serving its slot", async () => {
    const keys = ["a", "b", "c", "d", "e", "f"];
    for (const key of keys) await cluster.set(key, `v-${key}`);
    for (const key of keys) {
      const shard = await topology.shardOf(keySlot(key));
      const reply = await topology.command(shard.primary.port, ["GET", key]);
      assert.equal(reply, `v-${key}`, `${key} on ${shard.primary.port}`);
    }
    assert.equal(await cluster.get("a"), "v-a");
  });

  it("splits MGET / DEL / EXISTS / MSET by slot and merges in call order", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `split:${i}`);
    assert.ok(new Set(keys.map(keySlot)).size > 3);
    assert.equal(
      await cluster.sendCommand(["MSET", ...keys.flatMap((k) => [k, k.toUpperCase()])]),
      "OK",
    );
    assert.deepEqual(
      await cluster.mget([...keys, "split:none", keys[0]!]),
      [...keys.map((k) => k.toUpperCase()), null, keys[0]!.toUpperCase()],
    );
    assert.equal(await cluster.exists(...keys, "split:none"), 20);
    assert.equal(await cluster.del(...keys.slice(0, 10)), 10);
    assert.equal(await cluster.sendCommand(["UNLINK", ...keys]), 10);
    assert.deepEqual(await cluster.mget([]), []);
  });

  it("refuses a cross-slot MULTI before sending anything", async () => {
    const before = await topology.command(topology.nodes[0]!.port, ["INFO", "commandstats"]);
    const error = await rejection(
      cluster.multi().incr("{a}x").incr("{b}y").exec(),
      CrossSlotError,
    );
    assert.deepEqual(
      [...(error as CrossSlotError).slots].sort(),
      [keySlot("a"), keySlot("b")].sort(),
    );
    assert.match(error.message, new RegExp(`${keySlot("a")}`));
    const after = await topology.command(topology.nodes[0]!.port, ["INFO", "commandstats"]);
    assert.equal(
      /cmdstat_multi:calls=(\d+)/.exec(String(after))?.[1],
      /cmdstat_multi:calls=(\d+)/.exec(String(before))?.[1],
    );
    await rejection(cluster.watch(["{a}x", "{b}y"], () => Promise.resolve()), CrossSlotError);
  });

  it("runs a same-slot MULTI and WATCH on the slot's primary", async () => {
    await cluster.del("{u1}:a", "{u1}:b");
    assert.deepEqual(await cluster.multi().incr("{u1}:a").incr("{u1}:b").exec(), [1, 1]);
    const result = await cluster.watch(["{u1}:a"], async (tx) => {
      const value = Number(await tx.get("{u1}:a"));
      return await tx.multi().set("{u1}:a", String(value + 10)).exec();
    });
    assert.deepEqual(result, [true]);
    assert.equal(await cluster.get("{u1}:a"), "11");
  });

  it("sends a cross-slot pipeline split by node and returns replies in call order", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `pipe:${i}`);
    const pipe = cluster.pipeline();
    keys.forEach((key, i) => pipe.set(key, String(i)));
    keys.forEach((key) => pipe.incr(key));
    keys.forEach((key) => pipe.get(key));
    const replies = await pipe.exec();
    assert.deepEqual(replies.slice(0, 30), keys.map(() => true));
    assert.deepEqual(replies.slice(30, 60), keys.map((_, i) => i + 1));
    assert.deepEqual(replies.slice(60), keys.map((_, i) => String(i + 1)));
  });

  it("fans out keyless commands by their policy", async () => {
    await cluster.flushall();
    await cluster.sendCommand(["MSET", "f1", "1", "f2", "2", "f3", "3", "f4", "4"]);
    assert.equal(await cluster.dbsize(), 4);
    assert.deepEqual((await cluster.keys("f*")).sort(), ["f1", "f2", "f3", "f4"]);
    const sha = await cluster.scriptLoad("return 7");
    for (const node of await cluster.nodes("primary")) {
      assert.deepEqual(await node.scriptExists(sha), [true], String(node));
    }
    assert.deepEqual(await cluster.scriptExists(sha, "0".repeat(40)), [true, false]);
    assert.equal(await cluster.ping(), "PONG");
    assert.equal(await cluster.sendCommand(["ECHO", "hi"]), "hi");
    assert.equal(await cluster.sendCommand(["DBSIZE"]), 4);
  });

  it("runs a registered script on every node, loading it where NOSCRIPT says", async () => {
    const incrBy = cluster.registerScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    const keys = ["script:a", "script:b", "script:c", "script:d", "script:e"];
    assert.ok(new Set(keys.map(keySlot)).size > 2);
    for (const key of keys) assert.equal(await incrBy.run([key], [5]), 5);
    await cluster.scriptFlush(); // as after a failover to a node that never saw it
    assert.deepEqual(
      await Promise.all(keys.map((key) => incrBy.run([key], [1]))),
      keys.map(() => 6),
    );
    await cluster.scriptFlush(); // a pipeline loads its scripts before it sends
    const pipe = cluster.pipeline();
    const script = pipe.registerScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    for (const key of keys) script.run([key], [10]);
    assert.deepEqual(await pipe.exec(), keys.map(() => 16));
  });

  it("iterates keys across every primary", async () => {
    await cluster.flushall();
    const keys = Array.from({ length: 50 }, (_, i) => `scan:${i}`);
    await cluster.sendCommand(["MSET", ...keys.flatMap((k) => [k, "1"])]);
    const seen: string[] = [];
    for await (const key of cluster.scanIterator({ match: "scan:*", count: 10 })) seen.push(key);
    assert.deepEqual(seen.sort(), [...keys].sort());
  });

  it("lists nodes by role, read from CLUSTER NODES pairing", async () => {
    const primaries = (await cluster.nodes("primary")).map(String).sort();
    const replicas = (await cluster.nodes("replica")).map(String).sort();
    const shards = await topology.shards();
    assert.deepEqual(primaries, shards.map((s) => `Redis(127.0.0.1:${s.primary.port})`).sort());
    assert.deepEqual(
      replicas,
      shards.flatMap((s) => s.replicas.map((r) => `Redis(127.0.0.1:${r.port})`)).sort(),
    );
  });

  it("replies with bytes through cluster.bytes and nodes() of a bytes client", async () => {
    await cluster.set("bytes:a", "é");
    const encoded = new TextEncoder().encode("é");
    assert.deepEqual(await cluster.bytes.get("bytes:a"), encoded);
    assert.equal(cluster.bytes, cluster.bytes);
    const [node] = await cluster.bytes.nodes("primary");
    const echoed: Uint8Array = await node!.echo("x");
    assert.deepEqual(echoed, new TextEncoder().encode("x"));
    const raw = cluster.bytes;
    assert.equal(raw.bytes, raw);
    const keys: Uint8Array[] = [];
    for await (const key of raw.scanIterator({ match: "bytes:*" })) keys.push(key);
    assert.deepEqual(keys, [new TextEncoder().encode("bytes:a")]);
  });

  it("reports stats with per-node pools and topology reads", () => {
    const stats = cluster.stats();
    assert.equal(stats.topologyRefreshes >= 1, true);
    assert.deepEqual(Object.keys(stats.redirects), ["moved", "ask"]);
    assert.deepEqual(Object.keys(stats.retries), ["tryAgain", "clusterDown"]);
    assert.ok(Object.keys(stats.nodes).length >= 3);
    for (const pool of Object.values(stats.nodes)) assert.equal(typeof pool.created, "number");
  });

  it("reads from replicas (READONLY) and writes to primaries", async () => {
    await using reader = new RedisCluster([topology.addresses[1]!], {
      readFromReplicas: true,
      loadBalancing: "replicas",
    });
    await reader.set("{r}k", "v");
    const shard = await topology.shardOf(keySlot("{r}k"));
    await eventually(
      async () => (await topology.command(shard.replicas[0]!.port, ["READONLY"])) === "OK",
      2000,
      "replica up",
    );
    const before = await topology.command(shard.replicas[0]!.port, ["INFO", "commandstats"]);
    await eventually(async () => (await reader.get("{r}k")) === "v", 3000, "replicated read");
    const after = await topology.command(shard.replicas[0]!.port, ["INFO", "commandstats"]);
    const gets = (info: unknown) => Number(/cmdstat_get:calls=(\d+)/.exec(String(info))?.[1] ?? 0);
    assert.ok(gets(after) > gets(before), "the GET ran on the replica");
    assert.equal(await reader.incr("{r}n"), 1); // a write still goes to the primary
  });

  it("delivers sharded messages by slot and classic ones from any node", async () => {
    const got: string[] = [];
    const sub = await cluster.ssubscribe(
      ["news{1}", "sport{2}"],
      (m, ch) => got.push(`${ch}:${m}`),
    );
    assert.equal(await cluster.spublish("news{1}", "a"), 1);
    assert.equal(await cluster.spublish("sport{2}", "b"), 1);
    await eventually(() => got.length === 2, 2000, "sharded messages");
    assert.deepEqual(got.sort(), ["news{1}:a", "sport{2}:b"]);
    await sub.unsubscribe();
    const classic: string[] = [];
    const csub = await cluster.subscribe("plain", (m) => classic.push(m));
    await cluster.publish("plain", "hello");
    await eventually(() => classic.length === 1, 2000, "classic message");
    await csub.unsubscribe();
  });

  it("follows a sharded subscription to its slot's new owner", async () => {
    const channel = "moves{ch}";
    const slot = keySlot(channel);
    const got: string[] = [];
    const sub = await cluster.ssubscribe(channel, (message) => got.push(message));
    try {
      const source = (await topology.shardOf(slot)).primary;
      const target = (await topology.shards()).find((s) => s.primary !== source)!.primary;
      await topology.moveSlot(slot, target.port);
      // The old owner drops the channel (sunsubscribe); the client subscribes on the new one.
      await eventually(
        async () => {
          const reply = await topology.command(target.port, ["PUBSUB", "SHARDNUMSUB", channel]);
          return Array.isArray(reply) && reply[1] === 1;
        },
        5000,
        "the subscription on the new owner",
      );
      assert.equal(await cluster.spublish(channel, "after"), 1);
      await eventually(() => got.includes("after"), 2000, "the message after the move");
    } finally {
      await sub.unsubscribe();
    }
  });

  it("is accepted by the registry (named pipelines) and the connection context", async () => {
    connections.connect(cluster, { name: "sessions" });
    try {
      const p = pipeline({ name: "sessions" });
      const keys = Array.from({ length: 12 }, (_, i) => `reg:${i}`);
      const sets = keys.map((key, i) => p.set(key, String(i)));
      const gets = keys.map((key) => p.get(key));
      await p.exec();
      assert.deepEqual(await Promise.all(sets), keys.map(() => true));
      assert.deepEqual(await Promise.all(gets), keys.map((_, i) => String(i)));
      await withConnection(cluster, async () => {
        assert.equal(resolveConnection<RedisCluster>(), cluster);
        assert.equal(await resolveConnection<RedisCluster>().get("reg:3"), "3");
      });
    } finally {
      await connections.disconnect("sessions");
    }
    assert.equal(
      await cluster.get("reg:0"),
      "0",
      "the registry did not close a client it does not own",
    );
  });

  it("follows MOVED with a stale map: single commands, pipelines, transactions; maxRedirects bounds it", async () => {
    const key = "{moving}k";
    const slot = keySlot(key);
    await cluster.set(key, "5");
    const stale = Array.from({ length: 3 }, () => new RedisCluster([topology.addresses[0]!]));
    const strict = new RedisCluster([topology.addresses[0]!], { maxRedirects: 0 });
    try {
      for (const client of [...stale, strict]) await client.ping(); // maps read now
      const source = (await topology.shardOf(slot)).primary;
      const target = (await topology.shards()).find((s) => s.primary !== source)!.primary;
      await topology.moveSlot(slot, target.port);
      assert.equal(await stale[0]!.incr(key), 6);
      assert.deepEqual(await stale[1]!.pipeline().incr(key).get(key).get("{x}").exec(), [
        7,
        "7",
        null,
      ]);
      assert.deepEqual(await stale[2]!.multi().incr(key).incr(key).exec(), [8, 9]);
      assert.equal(stale[2]!.stats().redirects.moved, 1);
      const error = await rejection(strict.get(key));
      assert.match(error.message, new RegExp(`MOVED ${slot} 127\\.0\\.0\\.1:${target.port}`));
      assert.match(error.message, /maxRedirects \(0\)/);
    } finally {
      await Promise.all([...stale, strict].map((client) => client.close()));
    }
  });

  it("re-runs a transaction whose queued command got ASK, with ASKING on the importing node", async () => {
    const key = "{asking}k";
    const slot = keySlot(key);
    await cluster.set(key, "1");
    const source = (await topology.shardOf(slot)).primary;
    const target = (await topology.shards()).find((s) => s.primary !== source)!.primary;
    const asks = cluster.stats().redirects.ask;
    let result: unknown;
    await topology.moveSlot(slot, target.port, {
      // Every key moved, the slot still MIGRATING: the source answers ASK.
      beforeAssign: async () => {
        result = await cluster.multi().incr(key).exec();
        assert.equal(await cluster.get(key), "2"); // ASKING + GET on the target
      },
    });
    assert.deepEqual(result, [2]);
    assert.ok(cluster.stats().redirects.ask >= asks + 2);
  });

  it("resolves typed commands within a bound under concurrency", async () => {
    const calls = Array.from({ length: 300 }, (_, i) => cluster.incr(`conc:${i % 30}`));
    const replies = await bounded(Promise.all(calls), 10_000);
    assert.equal(replies.length, 300);
    assert.equal(await cluster.get("conc:0"), "10");
  });
});
