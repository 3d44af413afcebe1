/** Reply shapes: every sampled command answers the same on RESP2 and RESP3, in the documented shape. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "../mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import {
  collectionSamples,
  plain,
  serverSamples,
  stringSamples,
  zsetSamples,
} from "./_command_samples.ts";

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(() => server?.stop());

const GROUPS = {
  strings: stringSamples,
  collections: collectionSamples,
  zsets: zsetSamples,
  server: serverSamples,
};

async function both(sample: (redis: Redis, prefix: string) => Promise<Record<string, unknown>>) {
  const results = [];
  for (const protocol of [2, 3] as const) {
    await using redis = new Redis({ host: server.host, port: server.port, protocol });
    await redis.flushdb();
    results.push(await sample(redis, sample.name));
  }
  return results as [Record<string, unknown>, Record<string, unknown>];
}

describe("reply shapes", () => {
  for (const [group, sample] of Object.entries(GROUPS)) {
    it(`are equal on RESP2 and RESP3: ${group}`, async () => {
      const [two, three] = await both(sample);
      for (const name of Object.keys(two)) {
        assert.deepEqual(plain(three[name]), plain(two[name]), `${group}.${name}`);
      }
    });
  }

  it("are the documented ones: strings and keys", async () => {
    const [, r] = await both(stringSamples);
    assert.equal(r.set, true);
    assert.equal(r.setNx, false);
    assert.equal(r.setGet, "hello");
    assert.deepEqual(r.mget, ["world", null]);
    assert.equal(r.msetnx, true);
    assert.equal(r.incrbyfloat, 1.5);
    assert.deepEqual(plain(r.lcs), ["mytext", 6, {
      matches: [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]],
      len: 6,
    }]);
    assert.equal(r.exists, 2);
    assert.equal(r.type, "string");
    assert.equal(r.expire, true);
    assert.equal(r.expiretime, -1);
    assert.equal(r.renamenx, false);
    assert.equal(r.objectEncoding, "raw");
    assert.deepEqual(r.sort, [["3", "2"], ["1", "2", "3"], 3]);
    assert.deepEqual(r.bitfield, [200, 200]);
    assert.equal(r.pfadd, true);
    assert.equal(r.pfmerge, true);
  });

  it("are the documented ones: hashes, lists, sets", async () => {
    const [, r] = await both(collectionSamples);
    const hash = r.hgetall as Record<string, string>;
    assert.equal(Object.getPrototypeOf(hash), null);
    assert.deepEqual(plain(hash), { a: "1", b: "2", c: "3", d: "4" });
    assert.equal(r.hsetPairs, 2);
    assert.equal(r.hincrbyfloat, 1.5);
    assert.deepEqual(plain(r.hscan), ["0", {}]);
    assert.deepEqual(r.hrandfield, ["only", ["only"], [["only", "v"]]]);
    assert.equal(r.lpos, 1);
    assert.deepEqual(r.lposCount, [1, 3]);
    assert.deepEqual(r.lpop, ["y", "a"]);
    assert.deepEqual(r.lmpop, { key: "collectionSamples:l", elements: ["b", "c"] });
    assert.equal(r.lmpopEmpty, null);
    assert.deepEqual(r.smismember, [true, false]);
    assert.deepEqual(r.sscan, ["0", ["a"]]);
  });

  it("are the documented ones: sorted sets and geo", async () => {
    const [, r] = await both(zsetSamples);
    assert.equal(r.zaddIncr, 1.5);
    assert.deepEqual(r.zrangeWithScores, [
      { member: "a", score: 1.5 },
      { member: "b", score: 2.5 },
      { member: "c", score: 3 },
    ]);
    assert.deepEqual(r.zrangeByScore, ["c", "b", "a"]);
    assert.equal(r.zrevrank, null);
    assert.deepEqual(r.zmscore, [1.5, null]);
    assert.deepEqual(r.zpopmin, [{ member: "a", score: 3 }]);
    assert.deepEqual(r.bzpopmax, { key: "zsetSamples:z2", member: "b", score: 2.5 });
    assert.deepEqual((r.zmpop as { members: unknown[] }).members, [{ member: "a", score: 4.5 }]);
    assert.equal(typeof r.geodist, "number");
    assert.deepEqual((r.geopos as unknown[])[1], null);
    assert.deepEqual(r.geosearch, ["Catania", "Palermo"]);
    const [first] = r.geosearchWith as {
      member: string;
      distance: number;
      hash: number;
      coordinates: { longitude: number };
    }[];
    assert.equal(first!.member, "Palermo");
    assert.equal(first!.distance, 0);
    assert.equal(typeof first!.hash, "number");
    assert.ok(Math.abs(first!.coordinates.longitude - 13.361389) < 1e-4);
  });

  it("are the documented ones: server and scripting", async () => {
    const [, r] = await both(serverSamples);
    const config = r.configGet as Record<string, string>;
    assert.equal(Object.getPrototypeOf(config), null);
    assert.deepEqual(plain(config), { "maxmemory-policy": "noeviction", hz: "10" });
    const [get, nope] = r.commandInfo as { name: string; arity: number; flags: string[] }[];
    assert.deepEqual([get!.name, get!.arity, get!.flags.includes("readonly"), nope], [
      "get",
      2,
      true,
      null,
    ]);
    assert.deepEqual(r.eval, [1, "two", [3], "OK"]);
    assert.deepEqual(plain(r.pubsubNumsub), { c1: 0, c2: 0 });
    assert.deepEqual(r.timeTypes, ["number", "number"]);
    assert.equal(r.aclDryrun, "OK");
  });

  it("keep __proto__ fields as ordinary keys", async () => {
    await using redis = new Redis({ host: server.host, port: server.port, protocol: 3 });
    await redis.hset("proto-hash", { ["__proto__"]: "x", constructor: "y" });
    const hash = await redis.hgetall("proto-hash");
    assert.equal(hash["__proto__"], "x");
    assert.equal(hash["constructor"], "y");
    assert.equal(({} as Record<string, unknown>)["x"], undefined);
  });
});
