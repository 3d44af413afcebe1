/** Bytes replies, and the misuses an ioredis or node-redis user would try. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "../mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { bounded, eventually, rejection } from "./support/wait.ts";

let server: RedisServer;
let redis: Redis;
before(async () => {
  server = await startRedis();
  redis = new Redis({ host: server.host, port: server.port });
});
after(async () => {
  await redis?.close();
  await server?.stop();
});

const BINARY = new Uint8Array([0, 255, 128, 10, 13, 1]);

/** The client as plain JavaScript sees it, for calls its types refuse. */
function loose(client: Redis): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
}

/** Each misuse below is also a type error (never called; `deno check` verifies it). */
export function typeErrors(r: Redis): void {
  // @ts-expect-error: the ioredis token form
  r.set("k", "v", "EX", 10);
  // @ts-expect-error: a condition is an option object
  r.expire("k", 10, "NX");
  // @ts-expect-error: a command is an array
  r.sendCommand("PING");
  // @ts-expect-error: an object where a key is expected
  r.get({ key: "k" });
  // @ts-expect-error: undefined where a field is expected
  r.hget("h", undefined);
  // @ts-expect-error: an option SET does not take
  r.set("k", "v", { ex: 10, nxx: true });
  // @ts-expect-error: a misspelt ZRANGE option
  r.zrange("z", 0, 1, { bySocre: true });
  // @ts-expect-error: INCR takes no options
  r.incr("n", { by: 2 });
  // @ts-expect-error: a misspelt client option
  return void new Redis({ hots: "127.0.0.1" });
}

describe("bytes", () => {
  it("are what a decodeResponses: false client returns, typed Uint8Array", async () => {
    await using raw = new Redis({ host: server.host, port: server.port, decodeResponses: false });
    await raw.set("bytes:a", BINARY);
    const value: Uint8Array | null = await raw.get("bytes:a");
    assert.deepEqual(value, BINARY);
    const [fields] = [await raw.hgetall("bytes:none")];
    assert.deepEqual({ ...fields }, {});
    assert.equal(raw.bytes, raw);
  });

  it("come per call from a decoding client through redis.bytes", async () => {
    await redis.set("bytes:b", BINARY);
    assert.equal(typeof await redis.get("bytes:b"), "string");
    assert.deepEqual(await redis.bytes.get("bytes:b"), BINARY);
    const dumped = await redis.bytes.dump("bytes:b");
    assert.ok(dumped instanceof Uint8Array);
    assert.equal(await redis.restore("bytes:c", 0, dumped), true);
    assert.deepEqual(await redis.bytes.get("bytes:c"), BINARY);
    const [, fields] = await redis.bytes.pipeline().hset("bytes:h", { f: BINARY }).hgetall(
      "bytes:h",
    ).exec();
    assert.deepEqual(fields.f, BINARY);
  });

  it("reach pub/sub handlers of a bytes client", async () => {
    await using raw = new Redis({ host: server.host, port: server.port, decodeResponses: false });
    const received: Uint8Array[] = [];
    await bounded(raw.subscribe("bytes:ch", (message) => received.push(message)));
    await redis.publish("bytes:ch", BINARY);
    await eventually(() => received.length === 1);
    assert.deepEqual(received[0], BINARY);
  });
});

describe("bad input", () => {
  it("accepts the unambiguous ioredis forms", async () => {
    await redis.mset({ "in:a": "1", "in:b": "2" });
    assert.deepEqual(await redis.mget("in:a", "in:b"), ["1", "2"]);
    assert.equal(await redis.hset("in:h", "f1", "v1", "f2", "v2"), 2);
    assert.deepEqual({ ...await redis.hgetall("in:h") }, { f1: "v1", f2: "v2" });
    await redis.rpush("in:l", "x", "y", "z");
    assert.deepEqual(await redis.lpop("in:l", 2), ["x", "y"]);
    const ported = new Redis(6380, "127.0.0.1");
    assert.equal(ported.pool.address, "127.0.0.1:6380");
    await ported.close();
    await using fromUrl = new Redis({
      url: `redis://${server.host}:${server.port}/2`,
      clientName: "u",
    });
    assert.equal(fromUrl.pool.address, `${server.host}:${server.port}`);
    await fromUrl.set("in:db2", "x");
    assert.equal(await redis.exists("in:db2"), 0);
  });

  it("rejects a misused call with a TypeError naming command, argument and form; nothing is written", async () => {
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      [
        "set EX",
        () => loose(redis).set!("in:k", "v", "EX", 10),
        /SET: options must be an object such as \{ ex: 10 \}/,
      ],
      [
        "expire NX",
        () => loose(redis).expire!("in:k", 10, "NX"),
        /EXPIRE: options must be an object such as \{ nx: true \}/,
      ],
      [
        "sendCommand",
        () => loose(redis).sendCommand!("PING"),
        /sendCommand takes an array: sendCommand\(\["PING"\]\)/,
      ],
      ["object key", () => loose(redis).get!({ key: "k" }), /GET: argument 1 is an object/],
      ["NaN", () => redis.set("in:k", Number.NaN), /SET: argument 2 is NaN/],
      ["undefined", () => loose(redis).hget!("in:h", undefined), /HGET: argument 2 is undefined/],
      [
        "unknown option",
        () => loose(redis).set!("in:k", "v", { ex: 10, nxx: true }),
        /SET: unknown option "nxx"; did you mean "nx"\?/,
      ],
      [
        "zrange option",
        () => loose(redis).zrange!("in:z", 0, 1, { bySocre: true }),
        /ZRANGE: unknown option "bySocre"; did you mean "byScore"\?/,
      ],
      [
        "hset odd",
        () => loose(redis).hset!("in:h", "f1", "v1", "f2"),
        /HSET: fields and values must pair up/,
      ],
      [
        "eval keys",
        () => redis.eval("return 1", "k" as never),
        /EVAL: keys and arguments are arrays/,
      ],
    ];
    for (const [name, call, message] of cases) {
      const error = await rejection(call(), TypeError);
      assert.match(error.message, message, name);
    }
    assert.equal(await redis.exists("in:k"), 0);
  });

  it("rejects only the bad call of a batch; the rest goes on", async () => {
    const before = redis.set("in:batch", "1");
    const bad = loose(redis).set!("in:batch", "2", "EX", 10);
    const after = redis.incr("in:batch");
    assert.ok((await rejection(bad)) instanceof TypeError);
    assert.deepEqual(await Promise.all([before, after]), [true, 2]);
    const pipe = redis.pipeline().set("in:p", "a");
    assert.throws(
      () =>
        (pipe as unknown as Record<string, (...a: unknown[]) => unknown>).set!("in:p2", { v: 1 }),
      /SET: argument 2 is an object/,
    );
    assert.deepEqual(await pipe.get("in:p").exec(), [true, "a"]);
  });

  it("refuses unknown client options, naming the closest one", () => {
    assert.throws(
      () => new Redis({ hots: "127.0.0.1" } as never),
      /unknown option "hots"; did you mean "host"\?/,
    );
    assert.throws(
      () => new Redis({ maxConnection: 5 } as never),
      /did you mean "maxConnections"\?/,
    );
    assert.throws(() => new Redis("127.0.0.1", 6380 as never), /takes a port number first/);
  });
});
