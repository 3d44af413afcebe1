/** Streams (consumer-group round trip), scan iterators and scripts, on RESP2 and RESP3. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "../mod.ts";
import { plain } from "./_command_samples.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(() => server?.stop());

for (const protocol of [2, 3] as const) {
  const client = () => new Redis({ host: server.host, port: server.port, protocol });
  const p = `resp${protocol}`;

  describe(`streams (RESP${protocol})`, () => {
    it("run a consumer-group round trip with typed replies", async () => {
      await using redis = client();
      const key = `${p}:orders`;
      const id1 = await redis.xadd(key, "1-1", { item: "book", qty: "2" });
      const id2 = await redis.xadd(key, "*", [["item", "pen"]], { maxlen: 100, approximate: true });
      assert.equal(id1, "1-1");
      assert.match(id2, /^\d+-\d+$/);
      assert.equal(await redis.xadd(`${p}:none`, "*", { a: "1" }, { nomkstream: true }), null);
      assert.equal(await redis.xgroupCreate(key, "workers", "0"), true);
      assert.equal(await redis.xgroupCreate(`${p}:made`, "g", "$", { mkstream: true }), true);

      const batch = await redis.xreadgroup("workers", "w1", { [key]: ">" }, { count: 10 });
      assert.deepEqual(plain(batch), [{
        name: key,
        entries: [{ id: "1-1", fields: { item: "book", qty: "2" } }, {
          id: id2,
          fields: { item: "pen" },
        }],
      }]);
      assert.equal(Object.getPrototypeOf(batch![0]!.entries[0]!.fields), null);

      const summary = await redis.xpending(key, "workers");
      assert.deepEqual(summary, {
        count: 2,
        minId: "1-1",
        maxId: id2,
        consumers: [{ name: "w1", pending: 2 }],
      });
      const pending = await redis.xpending(key, "workers", { start: "-", end: "+", count: 10 });
      assert.deepEqual(
        pending.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries })),
        [
          { id: "1-1", consumer: "w1", deliveries: 1 },
          { id: id2, consumer: "w1", deliveries: 1 },
        ],
      );
      assert.equal(typeof pending[0]!.idle, "number");
      assert.equal(await redis.xack(key, "workers", "1-1"), 1);

      const claimed = await redis.xautoclaim(key, "workers", "w2", 0, "0-0", { count: 10 });
      assert.deepEqual(plain(claimed), {
        nextId: "0-0",
        entries: [{ id: id2, fields: { item: "pen" } }],
        deletedIds: [],
      });
      const ids = await redis.xautoclaimJustid(key, "workers", "w1", 0, "0-0");
      assert.deepEqual(ids, { nextId: "0-0", ids: [id2], deletedIds: [] });
      assert.deepEqual(await redis.xclaimJustid(key, "workers", "w2", 0, [id2]), [id2]);
      assert.deepEqual(
        plain(await redis.xclaim(key, "workers", "w2", 0, [id2], { retrycount: 5 })),
        [
          { id: id2, fields: { item: "pen" } },
        ],
      );

      const [group] = await redis.xinfoGroups(key);
      assert.deepEqual({ ...group, lag: undefined }, {
        name: "workers",
        consumers: 2,
        pending: 1,
        lastDeliveredId: id2,
        entriesRead: 2,
        lag: undefined,
      });
      const consumers = await redis.xinfoConsumers(key, "workers");
      assert.deepEqual(consumers.map((c) => [c.name, c.pending, typeof c.idle]), [
        ["w1", 0, "number"],
        ["w2", 1, "number"],
      ]);
      const info = await redis.xinfoStream(key);
      assert.equal(info.length, 2);
      assert.equal(info.groups, 1);
      assert.deepEqual(plain(info.firstEntry), { id: "1-1", fields: { item: "book", qty: "2" } });
      assert.equal(typeof (await redis.xinfoStreamFull(key)).length, "number");
    });

    it("read, range, trim and manage groups", async () => {
      await using redis = client();
      const key = `${p}:log`;
      for (let i = 1; i <= 5; i++) await redis.xadd(key, `${i}-0`, { n: String(i) });
      assert.equal(await redis.xlen(key), 5);
      assert.deepEqual((await redis.xrange(key, "-", "+", { count: 2 })).map((e) => e.id), [
        "1-0",
        "2-0",
      ]);
      assert.deepEqual((await redis.xrevrange(key, "+", "-", { count: 1 })).map((e) => e.id), [
        "5-0",
      ]);
      const read = await redis.xread([[key, "3-0"], [`${p}:empty`, "0"]], { count: 5 });
      assert.deepEqual(read!.map((s) => [s.name, s.entries.map((e) => e.id)]), [[key, [
        "4-0",
        "5-0",
      ]]]);
      assert.equal(await redis.xread({ [key]: "$" }, { block: 50 }), null);
      assert.equal(await redis.xtrim(key, { maxlen: 3 }), 2);
      assert.equal(await redis.xtrim(key, { minid: "4-0" }), 1);
      assert.equal(await redis.xdel(key, "4-0", "9-0"), 1);
      assert.equal(await redis.xsetid(key, "9-0"), true);
      assert.equal(await redis.xgroupCreate(key, "g", "$"), true);
      assert.equal(await redis.xgroupSetid(key, "g", "0"), true);
      assert.equal(await redis.xgroupCreateconsumer(key, "g", "c1"), true);
      assert.equal(await redis.xgroupDelconsumer(key, "g", "c1"), 0);
      assert.equal(await redis.xgroupDestroy(key, "g"), true);
    });
  });

  describe(`scan iterators (RESP${protocol})`, () => {
    it("walk keys, hash fields, set members and scored members across many cursor steps", async () => {
      await using redis = client();
      const n = 300;
      await redis.mset(
        Array.from({ length: n }, (_, i) => [`${p}:it:${i}`, String(i)] as [string, string]),
      );
      await redis.hset(
        `${p}:ih`,
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`])),
      );
      await redis.sadd(`${p}:is`, ...Array.from({ length: n }, (_, i) => `m${i}`));
      await redis.zadd(
        `${p}:iz`,
        Array.from({ length: n }, (_, i) => ({ member: `m${i}`, score: i })),
      );

      const keys = new Set<string>();
      for await (
        const key of redis.scanIterator({ match: `${p}:it:*`, count: 20, type: "string" })
      ) keys.add(key);
      assert.equal(keys.size, n);
      const none = [];
      for await (const key of redis.scanIterator({ match: `${p}:it:*`, type: "hash" })) {
        none.push(key);
      }
      assert.deepEqual(none, []);

      const fields = new Map<string, string>();
      for await (const [field, value] of redis.hscanIterator(`${p}:ih`, { count: 20 })) {
        fields.set(field, value);
      }
      assert.equal(fields.size, n);
      assert.equal(fields.get("f7"), "v7");

      const members = new Set<string>();
      for await (const member of redis.sscanIterator(`${p}:is`, { match: "m1*" })) {
        members.add(member);
      }
      assert.equal(members.size, 111);

      let sum = 0;
      for await (const { member, score } of redis.zscanIterator(`${p}:iz`)) {
        assert.equal(member, `m${score}`);
        sum += score;
      }
      assert.equal(sum, (n * (n - 1)) / 2);
    });
  });

  describe(`scripts and functions (RESP${protocol})`, () => {
    it("run a registered script by EVALSHA, surviving SCRIPT FLUSH, in pipelines and MULTI too", async () => {
      await using redis = client();
      const counter = `${p}:counter`;
      const incrBy = redis.registerScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
      assert.match(incrBy.sha, /^[0-9a-f]{40}$/);
      await redis.scriptFlush();
      assert.equal(await incrBy.run([counter], [5]), 5);
      assert.deepEqual(await redis.scriptExists(incrBy.sha), [true]);
      await redis.scriptFlush();
      assert.equal(await incrBy.run([counter], [1]), 6);

      await redis.scriptFlush();
      const [a, b] = await redis.pipeline().runScript(incrBy, [counter], [1]).get(counter).exec();
      assert.deepEqual([a, b], [7, "7"]);
      await redis.scriptFlush();
      assert.deepEqual(await redis.multi().runScript(incrBy, [counter], [1]).exec(), [8]);
      await redis.scriptFlush();
      const watched = await redis.watch([counter], (tx) => tx.runScript(incrBy, [counter], [1]));
      assert.equal(watched, 9);
    });

    it("load, call and list functions", async () => {
      await using redis = client();
      const lib = `#!lua name=lib${protocol}\n` +
        `redis.register_function('echo${protocol}', function(keys, args) return args[1] end)\n` +
        `redis.register_function{function_name='ro${protocol}', callback=function(keys, args) return #keys end, flags={'no-writes'}}`;
      assert.equal(await redis.functionLoad(lib, { replace: true }), `lib${protocol}`);
      assert.equal(await redis.fcall(`echo${protocol}`, [], ["hi"]), "hi");
      assert.equal(await redis.fcallRo(`ro${protocol}`, [`${p}:a`, `${p}:b`]), 2);
      const [listed] = await redis.functionList({ libraryName: `lib${protocol}`, withCode: true });
      assert.equal(listed!.libraryName, `lib${protocol}`);
      assert.deepEqual(listed!.functions.map((f) => [f.name, f.flags]).sort(), [
        [`echo${protocol}`, []],
        [`ro${protocol}`, ["no-writes"]],
      ]);
      assert.equal(listed!.libraryCode, lib);
      const dump = await redis.bytes.functionDump();
      assert.ok(dump instanceof Uint8Array);
      assert.equal(await redis.functionDelete(`lib${protocol}`), true);
      assert.equal(await redis.functionRestore(dump, "REPLACE"), true);
      assert.equal(await redis.fcall(`echo${protocol}`, [], ["back"]), "back");
      assert.equal(typeof (await redis.functionStats()).engines, "object");
    });
  });
}
