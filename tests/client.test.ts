import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { Redis, type RedisOptions } from "../src/client/mod.ts";
import { Connection } from "../src/connection/mod.ts";
import { ConnectionError, NoScriptError, ReplyError, TimeoutError } from "../src/errors.ts";
import { BlockingConnectionPool } from "../src/pool/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { bounded, eventually, rejection, sleep } from "./support/wait.ts";

const HOST = "127.0.0.1";
/** Every client authenticates, so reconnects (pool, subscriber) prove they re-handshake. */
const PASSWORD = "client-Pw@1";

let server: RedisServer;
let run = 0;

before(async () => {
  server = await startRedis({ password: PASSWORD });
});

after(async () => {
  await server?.stop();
});

function options(extra: RedisOptions = {}): RedisOptions {
  return { host: HOST, port: server.port, password: PASSWORD, ...extra };
}

/** A key no other test uses. */
function key(name: string): string {
  return `client-test:${++run}:${name}`;
}

describe("Redis constructor", () => {
  it("defaults to localhost:6379 without doing any I/O", async () => {
    const redis = new Redis();
    assert.equal(redis.pool.address, "localhost:6379");
    assert.equal(redis.pool.stats().created, 0);
    assert.equal(String(redis), "Redis(localhost:6379)");
    await bounded(redis.close());
  });

  it("accepts a URL with a percent-encoded password and a db", async () => {
    const url = `redis://:${encodeURIComponent(PASSWORD)}@${HOST}:${server.port}/3`;
    await using redis = new Redis(url);
    const shared = key("url");
    await redis.set(shared, "in-db-3");
    await using db0 = new Redis(options());
    assert.equal(await db0.get(shared), null);
    assert.equal(await redis.get(shared), "in-db-3");
    assert.ok(!String(redis).includes(PASSWORD));
    assert.ok(!inspect(redis).includes(PASSWORD));
  });

  it("accepts options: host, port, db, password, maxConnections", async () => {
    await using redis = new Redis(options({ db: 2, maxConnections: 3 }));
    assert.equal(redis.pool.stats().maxConnections, 3);
    assert.equal(await redis.ping(), "PONG");
    assert.match(await redis.sendCommand(["CLIENT", "INFO"]) as string, /\bdb=2\b/);
  });

  it("throws TypeError for a malformed URL, and RangeError for a bad option", () => {
    assert.throws(() => new Redis(`redis://:${PASSWORD}@${HOST}:99999`), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes(PASSWORD));
      return true;
    });
    assert.throws(() => new Redis({ db: -1 }), RangeError);
    assert.throws(() => new Redis({ maxConnections: 0 }), RangeError);
  });
});

for (const protocol of [2, 3] as const) {
  describe(`Redis typed commands on protocol ${protocol}`, () => {
    let redis: Redis;

    before(async () => {
      redis = new Redis(options({ protocol, db: 10 + protocol }));
      await bounded(redis.flushdb());
    });
    after(() => redis?.close());

    it("runs string commands", async () => {
      const k = key("string");
      assert.equal(await redis.get(k), null);
      assert.equal(await redis.set(k, "hello"), true);
      assert.equal(await redis.set(k, "nope", { nx: true }), false);
      assert.equal(await redis.set(key("missing"), "nope", { xx: true }), false);
      assert.equal(await redis.get(k), "hello");
      assert.equal(await redis.append(k, " world"), 11);
      assert.equal(await redis.strlen(k), 11);
      assert.equal(await redis.getrange(k, 0, 4), "hello");
      const [a, b] = [key("a"), key("b")];
      assert.equal(await redis.mset({ [a]: "1", [b]: 2 }), true);
      assert.deepEqual(await redis.mget([a, b, key("none")]), ["1", "2", null]);
      assert.equal(await redis.incr(a), 2);
      assert.equal(await redis.incrby(a, 10), 12);
      assert.equal(await redis.decr(a), 11);
      assert.equal(await redis.decrby(a, 5), 6);
      assert.equal(await redis.incrbyfloat(a, 0.5), 6.5);
      assert.equal(await redis.getdel(b), "2");
      assert.equal(await redis.exists(b), 0);
    });

    it("runs key and expiry commands", async () => {
      const k = key("expiring");
      await redis.set(k, "v", { ex: 100 });
      const ttl = await redis.ttl(k);
      assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      assert.equal(await redis.persist(k), true);
      assert.equal(await redis.ttl(k), -1);
      assert.equal(await redis.ttl(key("none")), -2);
      assert.equal(await redis.expire(k, 50), true);
      assert.equal(await redis.pexpire(k, 50_000), true);
      const pttl = await redis.pttl(k);
      assert.ok(pttl > 40_000 && pttl <= 50_000, `pttl ${pttl}`);
      assert.equal(await redis.expireat(k, Math.floor(Date.now() / 1000) + 1000), true);
      assert.equal(await redis.expire(key("none"), 5), false);
      await redis.set(k, "kept", { keepTtl: true });
      assert.ok((await redis.ttl(k)) > 0, "KEEPTTL kept the expiry");
      const px = key("px");
      await redis.set(px, "v", { px: 30_000 });
      assert.ok((await redis.pttl(px)) > 20_000);
      assert.equal(await redis.type(k), "string");
      assert.equal(await redis.type(key("none")), "none");
      const renamed = key("renamed");
      assert.equal(await redis.rename(k, renamed), true);
      assert.equal(await redis.exists(k, renamed, px), 2);
      assert.equal(await redis.touch(renamed, key("none")), 1);
      assert.equal(await redis.objectEncoding(renamed), "embstr");
      assert.equal(typeof await redis.memoryUsage(renamed), "number");
      assert.equal(await redis.memoryUsage(key("none")), null);
      const prefix = `client-test:scan${protocol}:`;
      await redis.mset({ [`${prefix}1`]: "a", [`${prefix}2`]: "b" });
      assert.deepEqual((await redis.keys(`${prefix}*`)).sort(), [`${prefix}1`, `${prefix}2`]);
      const seen: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, { match: `${prefix}*`, count: 100 });
        seen.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      assert.deepEqual(seen.sort(), [`${prefix}1`, `${prefix}2`]);
      assert.equal(await redis.del(renamed, px), 2);
      assert.equal(await redis.unlink(`${prefix}1`, `${prefix}2`), 2);
    });

    it("runs hash commands; hgetall is a record on both protocols", async () => {
      const h = key("hash");
      assert.deepEqual({ ...await redis.hgetall(h) }, {});
      assert.equal(await redis.hset(h, { name: "joe", age: 42 }), 2);
      assert.equal(await redis.hset(h, "city", "Oslo"), 1);
      assert.deepEqual({ ...await redis.hgetall(h) }, { name: "joe", age: "42", city: "Oslo" });
      assert.equal(await redis.hget(h, "name"), "joe");
      assert.equal(await redis.hget(h, "none"), null);
      assert.deepEqual(await redis.hmget(h, ["age", "none", "city"]), ["42", null, "Oslo"]);
      assert.equal(await redis.hexists(h, "age"), true);
      assert.equal(await redis.hexists(h, "none"), false);
      assert.equal(await redis.hincrby(h, "age", 1), 43);
      assert.deepEqual((await redis.hkeys(h)).sort(), ["age", "city", "name"]);
      assert.deepEqual((await redis.hvals(h)).sort(), ["43", "Oslo", "joe"]);
      assert.equal(await redis.hlen(h), 3);
      assert.equal(await redis.hdel(h, "city", "none"), 1);
    });

    it("runs list commands", async () => {
      const l = key("list");
      assert.equal(await redis.rpush(l, "b", "c"), 2);
      assert.equal(await redis.lpush(l, "a"), 3);
      assert.deepEqual(await redis.lrange(l, 0, -1), ["a", "b", "c"]);
      assert.equal(await redis.llen(l), 3);
      assert.equal(await redis.lindex(l, 1), "b");
      assert.equal(await redis.lindex(l, 9), null);
      await redis.rpush(l, "b");
      assert.equal(await redis.lrem(l, 0, "b"), 2);
      assert.equal(await redis.ltrim(l, 0, 0), true);
      assert.deepEqual(await redis.lrange(l, 0, -1), ["a"]);
      const other = key("other");
      assert.equal(await redis.lmove(l, other, "LEFT", "RIGHT"), "a");
      assert.equal(await redis.lpop(l), null);
      await redis.rpush(l, "x", "y");
      assert.equal(await redis.lpop(l), "x");
      assert.equal(await redis.rpop(l), "y");
      await redis.rpush(l, "p");
      assert.deepEqual(await redis.blpop(l, 1), [l, "p"]);
      await redis.rpush(l, "q");
      assert.deepEqual(await redis.brpop([key("empty"), l], 1), [l, "q"]);
      assert.equal(await redis.blmove(other, l, "LEFT", "LEFT", 1), "a");
      assert.equal(await redis.blpop(key("empty"), 0.1), null);
    });

    it("runs set commands; smembers is an array on both protocols", async () => {
      const [s1, s2] = [key("set1"), key("set2")];
      assert.equal(await redis.sadd(s1, "a", "b", "c"), 3);
      assert.equal(await redis.sadd(s2, "b", "c", "d"), 3);
      const members = await redis.smembers(s1);
      assert.ok(Array.isArray(members));
      assert.deepEqual(members.sort(), ["a", "b", "c"]);
      assert.deepEqual(await redis.smembers(key("none")), []);
      assert.equal(await redis.sismember(s1, "a"), true);
      assert.equal(await redis.sismember(s1, "z"), false);
      assert.equal(await redis.scard(s1), 3);
      assert.deepEqual((await redis.sinter(s1, s2)).sort(), ["b", "c"]);
      assert.deepEqual((await redis.sunion(s1, s2)).sort(), ["a", "b", "c", "d"]);
      assert.deepEqual(await redis.sdiff(s1, s2), ["a"]);
      assert.equal(await redis.srem(s1, "a", "z"), 1);
      assert.ok(["b", "c"].includes((await redis.srandmember(s1))!));
      assert.ok(["b", "c"].includes((await redis.spop(s1))!));
      assert.equal(await redis.spop(key("none")), null);
    });

    it("runs sorted-set commands; scores are numbers on both protocols", async () => {
      const z = key("zset");
      assert.equal(
        await redis.zadd(z, [
          { member: "a", score: 1 },
          { member: "b", score: 2.5 },
          { member: "c", score: 3 },
        ]),
        3,
      );
      assert.equal(await redis.zscore(z, "b"), 2.5);
      assert.equal(await redis.zscore(z, "none"), null);
      assert.deepEqual(await redis.zrangeWithScores(z, 0, -1), [
        { member: "a", score: 1 },
        { member: "b", score: 2.5 },
        { member: "c", score: 3 },
      ]);
      assert.deepEqual(await redis.zrangeWithScores(key("none"), 0, -1), []);
      assert.deepEqual(await redis.zrange(z, 0, 1), ["a", "b"]);
      assert.deepEqual(await redis.zrevrange(z, 0, 0), ["c"]);
      assert.deepEqual(await redis.zrangebyscore(z, "(1", "+inf"), ["b", "c"]);
      assert.equal(await redis.zincrby(z, 0.25, "a"), 1.25);
      assert.equal(await redis.zcard(z), 3);
      assert.equal(await redis.zcount(z, 1, 2.5), 2);
      assert.equal(await redis.zrank(z, "c"), 2);
      assert.equal(await redis.zrank(z, "none"), null);
      assert.equal(await redis.zrem(z, "c", "none"), 1);
      assert.deepEqual(await redis.bzpopmin(z, 1), { key: z, member: "a", score: 1.25 });
      assert.equal(await redis.bzpopmin(key("none"), 0.1), null);
    });

    it("runs EVAL, SCRIPT LOAD and EVALSHA; an unknown sha is a NoScriptError", async () => {
      const k = key("script");
      assert.deepEqual(await redis.eval("return {KEYS[1], ARGV[1], 7}", [k], ["arg"]), [
        k,
        "arg",
        7,
      ]);
      const sha = await redis.scriptLoad("return redis.call('INCRBY', KEYS[1], ARGV[1])");
      assert.match(sha, /^[0-9a-f]{40}$/);
      assert.deepEqual(await redis.scriptExists(sha, "0".repeat(40)), [true, false]);
      assert.equal(await redis.evalsha(sha, [k], [5]), 5);
      assert.equal(await redis.evalsha(sha, [k], [5]), 10);
      const error = await rejection(redis.evalsha("f".repeat(40), [k]), NoScriptError);
      assert.equal((error as ReplyError).code, "NOSCRIPT");
      await rejection(redis.eval("return redis.call('NOPE')"), ReplyError);
    });

    it("runs server and connection commands", async () => {
      assert.equal(await redis.ping(), "PONG");
      assert.equal(await redis.ping("hi"), "hi");
      assert.equal(await redis.echo("echo me"), "echo me");
      assert.match(await redis.info("server"), /redis_version:7\./);
      assert.match(await redis.info(), /# Keyspace/);
      const list = await redis.clientList();
      assert.ok(list.every((client) => /^\d+$/.test(client.id!) && client.addr !== undefined));
      assert.ok(list.some((client) => client.resp === String(protocol)));
      const [set, name] = await redis.pipeline().clientSetname(`named-${protocol}`)
        .clientGetname().exec();
      assert.deepEqual([set, name], [true, `named-${protocol}`]);
      assert.equal(typeof await redis.clientId(), "number");
      assert.deepEqual({ ...await redis.configGet("maxmemory-policy") }, {
        "maxmemory-policy": "noeviction",
      });
      const [seconds, micros] = await redis.time();
      assert.ok(Number.isInteger(seconds) && seconds > 1_600_000_000);
      assert.ok(Number.isInteger(micros) && micros >= 0 && micros < 1_000_000);
    });

    it("kills a client with CLIENT KILL ID", async () => {
      const victim = new Connection({ host: HOST, port: server.port, password: PASSWORD });
      await bounded(victim.connect());
      const closed = new Promise<Error | undefined>((resolve) => victim.onClose(resolve));
      const id = await victim.command(["CLIENT", "ID"]) as number;
      assert.equal(await redis.clientKill({ id }), 1);
      assert.ok((await bounded(closed)) instanceof ConnectionError);
      assert.equal(await redis.clientKill({ id }), 0);
    });

    it("counts and flushes the db with DBSIZE and FLUSHDB", async () => {
      assert.equal(await redis.flushdb(), true);
      assert.equal(await redis.dbsize(), 0);
      await redis.mset({ [key("d1")]: 1, [key("d2")]: 2, [key("d3")]: 3 });
      assert.equal(await redis.dbsize(), 3);
      assert.equal(await redis.flushdb(), true);
      assert.equal(await redis.dbsize(), 0);
    });

    it("sends any command with sendCommand", async () => {
      const k = key("send");
      assert.equal(await redis.sendCommand(["SET", k, "raw"]), "OK");
      assert.equal(await redis.sendCommand(["STRLEN", k]), 3);
      const hash = key("send-hash");
      await redis.hset(hash, "f", "v");
      const raw = await redis.sendCommand(["HGETALL", hash]);
      assert.deepEqual(raw, protocol === 3 ? new Map([["f", "v"]]) : ["f", "v"]);
      await rejection(redis.sendCommand(["NOSUCHCOMMAND"]), ReplyError);
    });

    it("subscribes with a handler, to channels and patterns, and unsubscribes", async () => {
      const channel = key("news");
      const received: [string, string, string | undefined][] = [];
      const sub = await bounded(
        redis.subscribe(
          channel,
          (message, from, pattern) => received.push([message, from, pattern]),
        ),
      );
      assert.deepEqual(sub.names, [channel]);
      const patternPrefix = key("events");
      const sub2 = await bounded(
        redis.psubscribe(`${patternPrefix}.*`, (message, from, pattern) => {
          received.push([message, from, pattern]);
        }),
      );
      assert.equal(await redis.publish(channel, "first"), 1);
      assert.equal(await redis.publish(`${patternPrefix}.created`, "second"), 1);
      await eventually(() => received.length === 2);
      assert.deepEqual(received, [
        ["first", channel, undefined],
        ["second", `${patternPrefix}.created`, `${patternPrefix}.*`],
      ]);
      await bounded(sub.unsubscribe());
      await bounded(sub.unsubscribe());
      assert.equal(await redis.publish(channel, "unheard"), 0);
      await bounded(sub2.unsubscribe());
      assert.equal(await redis.publish(`${patternPrefix}.x`, "unheard"), 0);
      assert.equal(received.length, 2);
    });

    it("shares a channel between handlers; unsubscribing one keeps the other", async () => {
      const channel = key("shared-channel");
      const first: string[] = [];
      const second: string[] = [];
      const sub1 = await bounded(redis.subscribe(channel, (message) => first.push(message)));
      const sub2 = await bounded(redis.subscribe([channel], (message) => second.push(message)));
      assert.equal(await redis.publish(channel, "both"), 1, "one connection holds both");
      await eventually(() => first.length === 1 && second.length === 1);
      await bounded(sub1.unsubscribe());
      assert.equal(await redis.publish(channel, "second only"), 1);
      await eventually(() => second.length === 2);
      assert.deepEqual(first, ["both"]);
      assert.deepEqual(second, ["both", "second only"]);
      await bounded(sub2.unsubscribe());
      assert.equal(await redis.publish(channel, "nobody"), 0);
    });

    it("restores a subscription after CLIENT KILL TYPE pubsub", async () => {
      const channel = key("restored");
      const received: string[] = [];
      const sub = await bounded(redis.subscribe(channel, (message) => received.push(message)));
      try {
        assert.equal(await redis.publish(channel, "before"), 1);
        await eventually(() => received.includes("before"));
        assert.ok((await redis.clientKill({ type: "pubsub" })) >= 1);
        // The subscriber reconnects (and re-authenticates) in the background.
        const deadline = Date.now() + 5_000;
        while (!received.includes("after") && Date.now() < deadline) {
          await redis.publish(channel, "after");
          await sleep(50);
        }
        assert.ok(received.includes("after"), `received ${JSON.stringify(received)}`);
      } finally {
        await bounded(sub.unsubscribe());
      }
    });
  });
}

describe("Redis.sendCommand", () => {
  it("refuses commands that would change a pooled connection's state with TypeError", async () => {
    await using redis = new Redis(options());
    const refused: [string, ...(string | number)[]][] = [
      ["SELECT", 1],
      ["select", 1],
      ["MULTI"],
      ["WATCH", "k"],
      ["SUBSCRIBE", "ch"],
      ["AUTH", "x"],
      ["HELLO", 3],
      ["QUIT"],
    ];
    for (const args of refused) {
      const error = await rejection(redis.sendCommand(args), TypeError);
      assert.match(error.message, new RegExp(String(args[0]).toUpperCase()));
    }
    assert.match(
      (await rejection(redis.sendCommand(["SELECT", 1]))).message,
      /set the db option/,
    );
    assert.equal(redis.pool.stats().created, 0, "nothing was sent");
  });

  it("resolves 100 concurrent INCRs in call order", async () => {
    await using redis = new Redis(options());
    const counter = key("hundred");
    const calls = Array.from({ length: 100 }, () => redis.incr(counter));
    assert.deepEqual(
      await bounded(Promise.all(calls)),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it("rejects a command with a bad argument alone; the rest of its batch succeeds", async () => {
    await using redis = new Redis(options());
    const name = key("batch");
    const before = redis.set(name, "kept");
    const bad = redis.set(name, Number.NaN);
    const after = redis.get(name);
    const error = await rejection(bad);
    assert.ok(error instanceof TypeError, String(error));
    assert.match(error.message, /NaN/);
    assert.deepEqual(await bounded(Promise.all([before, after])), [true, "kept"]);
    assert.equal(await redis.sendCommand([]).catch((e: Error) => e.name), "TypeError");
  });

  it("rejects with the reason of an aborted signal", async () => {
    await using redis = new Redis(options());
    const reason = new Error("cancelled by the caller");
    const counter = key("aborted");
    await rejection(
      redis.sendCommand(["INCR", counter], { signal: AbortSignal.abort(reason) }),
      Error,
    ).then((error) => assert.equal(error, reason));
    const controller = new AbortController();
    const blocked = redis.sendCommand(["BLPOP", key("abort-list"), 5], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(reason), 50);
    assert.equal(await rejection(blocked), reason);
    assert.equal(await redis.get(counter), null, "the pre-aborted command never ran");
  });

  it("rejects with TimeoutError after socketTimeout and carries on with a new connection", async () => {
    await using redis = new Redis(options({ socketTimeout: 100 }));
    await redis.ping();
    const error = await rejection(redis.sendCommand(["DEBUG", "SLEEP", "0.3"]), TimeoutError);
    assert.equal((error as TimeoutError).written, true);
    // The server still sleeps: socketTimeout bounds the whole command, connect included.
    const ping = redis.sendCommand(["PING"], { timeout: 2_000 });
    assert.equal(await bounded(ping), "PONG");
    assert.ok(redis.pool.stats().destroyed >= 1, "the timed-out connection was dropped");
  });

  it("does not hold other commands behind a blocking command", async () => {
    await using redis = new Redis(options());
    const list = key("blocking");
    const started = Date.now();
    const popped = redis.blpop(list, 3);
    assert.equal(await bounded(redis.set(key("meanwhile"), "x")), true);
    assert.ok(Date.now() - started < 1_000, "SET waited for BLPOP");
    await redis.rpush(list, "item");
    assert.deepEqual(await bounded(popped), [list, "item"]);
  });
});

describe("Redis.pipeline", () => {
  it("returns the replies in order, typed", async () => {
    await using redis = new Redis(options({ protocol: 3 }));
    const [k, h] = [key("pipe"), key("pipe-hash")];
    const replies = await redis.pipeline()
      .set(k, "1")
      .incr(k)
      .get(k)
      .hset(h, { a: "1" })
      .hgetall(h)
      .sendCommand(["STRLEN", k])
      .exec();
    const [ok, n, value, added, hash, length] = replies;
    assert.deepEqual([ok, n, value, added, { ...hash }, length], [true, 2, "2", 1, { a: "1" }, 1]);
    assert.deepEqual(await redis.pipeline().exec(), []);
  });

  it("throws the first error reply, after every command ran", async () => {
    await using redis = new Redis(options());
    const [text, after] = [key("pipe-text"), key("pipe-after")];
    await redis.set(text, "abc");
    const error = await rejection(
      redis.pipeline().incr(text).set(after, "ran").exec(),
      ReplyError,
    );
    assert.match(error.message, /not an integer/);
    assert.equal(await redis.get(after), "ran");
  });

  it("keeps error replies in place with raiseOnError: false", async () => {
    await using redis = new Redis(options());
    const text = key("pipe-text2");
    await redis.set(text, "abc");
    const replies = await redis.pipeline().get(text).incr(text).strlen(text).exec({
      raiseOnError: false,
    });
    assert.equal(replies[0], "abc");
    assert.ok(replies[1] instanceof ReplyError);
    assert.equal(replies[2], 3);
  });
});

describe("Redis.multi", () => {
  it("runs the queued commands atomically and returns typed replies", async () => {
    await using redis = new Redis(options());
    const n = key("multi");
    assert.deepEqual(await redis.multi().incr(n).incr(n).get(n).exec(), [1, 2, "2"]);
  });

  it("keeps a runtime error in place with raiseOnError: false, and throws it by default", async () => {
    await using redis = new Redis(options());
    const text = key("multi-text");
    await redis.set(text, "abc");
    const replies = await redis.multi().incr(text).append(text, "d").exec({ raiseOnError: false });
    assert.ok(replies![0] instanceof ReplyError);
    assert.equal(replies![1], 4, "the rest of the transaction ran");
    await rejection(redis.multi().incr(text).exec(), ReplyError);
  });

  it("throws EXECABORT when a command is refused while queuing", async () => {
    await using redis = new Redis(options());
    const error = await rejection(
      redis.multi().sendCommand(["SET", key("only-key")]).incr(key("n")).exec(),
      ReplyError,
    );
    assert.equal((error as ReplyError).code, "EXECABORT");
    assert.match(error.message, /wrong number of arguments/);
  });
});

describe("Redis.watch", () => {
  it("commits when the watched key did not change", async () => {
    await using redis = new Redis(options());
    const balance = key("balance");
    await redis.set(balance, "10");
    const result = await bounded(redis.watch([balance], async (tx) => {
      const current = Number(await tx.get(balance));
      return await tx.multi().set(balance, current + 5).get(balance).exec();
    }));
    assert.deepEqual(result, [true, "15"]);
  });

  it("returns null when another client changed the watched key", async () => {
    await using redis = new Redis(options());
    await using other = new Redis(options());
    const balance = key("contended");
    await redis.set(balance, "10");
    const result = await bounded(redis.watch([balance], async (tx) => {
      const current = Number(await tx.get(balance));
      await other.set(balance, "100");
      return await tx.multi().set(balance, current + 5).exec();
    }));
    assert.equal(result, null);
    assert.equal(await redis.get(balance), "100");
  });

  it("unwatches before the connection goes back to the pool", async () => {
    await using redis = new Redis(options({ maxConnections: 1 }));
    const watched = key("unwatched");
    await bounded(redis.watch([watched], () => Promise.resolve("done")));
    await redis.set(watched, "changed");
    // The only connection was the watching one: a stale WATCH would abort this.
    assert.deepEqual(await redis.multi().set(watched, "again").exec(), [true]);
  });
});

describe("Redis.close", () => {
  it("closes the pool it created", async () => {
    const redis = new Redis(options());
    await redis.ping();
    assert.ok(redis.pool.stats().idle >= 1);
    await bounded(redis.close());
    await bounded(redis.close());
    assert.equal(redis.pool.stats().idle, 0);
    assert.equal(redis.pool.stats().inUse, 0);
  });

  it("refuses commands after close instead of opening new connections", async () => {
    const redis = new Redis(options());
    await redis.ping();
    await redis.close();
    const created = redis.pool.stats().created;
    await rejection(redis.ping(), ConnectionError);
    assert.equal(redis.pool.stats().created, created);
    assert.equal(redis.pool.stats().idle, 0);
  });

  it("lets in-flight commands finish", async () => {
    const redis = new Redis(options());
    const list = key("close-blpop");
    await redis.ping();
    const popped = redis.blpop(list, 0.3);
    const counted = redis.incr(key("close-incr"));
    await eventually(
      async () => {
        const info = String(await redis.sendCommand(["INFO", "clients"]));
        return Number(/blocked_clients:(\d+)/.exec(info)?.[1]) >= 1;
      },
      3000,
      "BLPOP to block at the server",
    );
    const closing = redis.close();
    assert.equal(await bounded(popped), null);
    assert.equal(await bounded(counted), 1);
    await bounded(closing);
  });

  it("leaves a shared pool open", async () => {
    const pool = new BlockingConnectionPool(options({ maxConnections: 4 }));
    try {
      const first = new Redis({ pool });
      const shared = key("shared-pool");
      await first.set(shared, "kept");
      await first.close();
      assert.ok(pool.stats().idle >= 1, "the shared pool's connections stay open");
      await using second = new Redis({ pool });
      assert.equal(await bounded(second.get(shared)), "kept");
      assert.equal(second.pool, pool);
    } finally {
      await pool.close();
    }
  });

  it("ends subscriptions", async () => {
    const redis = new Redis(options());
    const channel = key("closed-sub");
    const received: string[] = [];
    await bounded(redis.subscribe(channel, (message) => received.push(message)));
    await redis.close();
    await using publisher = new Redis(options());
    assert.equal(await publisher.publish(channel, "nobody"), 0);
  });
});

describe("Redis [Symbol.asyncDispose]", () => {
  it("closes the client at the end of an await using block", async () => {
    let kept: Redis | undefined;
    {
      await using redis = new Redis(options());
      kept = redis;
      assert.equal(await redis.ping(), "PONG");
    }
    assert.equal(kept.pool.stats().idle, 0);
    assert.equal(kept.pool.stats().inUse, 0);
  });
});

// ---- helpers ----
