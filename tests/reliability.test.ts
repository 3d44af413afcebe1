/**
 * Issue 14: each fault ends in a bounded, honest, typed outcome.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "../src/client/mod.ts";
import { Connection } from "../src/connection/mod.ts";
import {
  AuthenticationError,
  AuthReplyError,
  ConnectionError,
  OverflowError,
  TimeoutError,
} from "../src/errors.ts";
import type { Transport } from "../src/transport/mod.ts";
import { freePort, type RedisServer, startRedis } from "./support/mod.ts";
import { bounded, eventually } from "./support/wait.ts";
import { startProxy } from "./faults/proxy.ts";

const HOST = "127.0.0.1";

let server: RedisServer;
let run = 0;
before(async () => {
  server = await startRedis();
});
after(() => server?.stop());

function key(name: string): string {
  return `rel:${++run}:${name}`;
}

describe("Redis.close", () => {
  it("returns within its timeout with a BLPOP 0 in flight, which rejects with written: true", async () => {
    const redis = new Redis({ host: HOST, port: server.port });
    const popped = redis.blpop(key("q"), 0).catch((error) => error);
    const direct = new Redis({ host: HOST, port: server.port });
    await eventually(async () =>
      ((await direct.info("clients")).match(/blocked_clients:1/)) !== null
    );
    const started = Date.now();
    await bounded(redis.close({ timeout: 300 }), 2_000);
    const took = Date.now() - started;
    const error = await popped;
    await direct.close();
    console.log(`close({ timeout: 300 }) with BLPOP 0 in flight returned in ${took} ms`);
    assert.ok(took < 1_000, `close took ${took} ms`);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.written, true);
  });

  it("refuses commands after close at once, saying the client is closed", async () => {
    const redis = new Redis({ host: HOST, port: server.port });
    await redis.ping();
    await redis.close();
    const started = Date.now();
    const error = await redis.get("k").catch((e) => e);
    assert.ok(Date.now() - started < 50);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /is closed; commands after close\(\) are refused/);
  });
});

describe("blocking commands", () => {
  it("take a signal: aborting rejects with its reason and frees the connection", async () => {
    await using redis = new Redis({ host: HOST, port: server.port });
    const controller = new AbortController();
    const popped = redis.blpop(key("q"), 0, { signal: controller.signal }).catch((e) => e);
    setTimeout(() => controller.abort(new Error("stop waiting")), 50);
    const error = await bounded(popped, 2_000);
    assert.equal(error.message, "stop waiting");
    await eventually(() => redis.pool.stats().inUse === 0);
    assert.equal(await redis.ping(), "PONG");
  });
});

describe("written is exact", () => {
  it("retries a command whose connection was lost during the handshake", async () => {
    const proxy = await startProxy(server.port, {
      kind: "cutAfterCommand",
      command: "CLIENT",
      then: { kind: "pass" },
    });
    await using redis = new Redis({ host: HOST, port: proxy.port, clientName: "rel" });
    const name = key("handshake");
    assert.equal(await bounded(redis.incr(name)), 1);
    assert.ok(proxy.accepted >= 2, "the first connection was cut");
    await proxy.close();
  });

  it("marks a send that throws synchronously as not written", async () => {
    let opened = 0;
    const transport = (): Promise<Transport> => {
      opened++;
      return Promise.resolve({
        readable: { async *[Symbol.asyncIterator]() {} },
        write(): Promise<void> {
          throw new Error("socket gone");
        },
        close() {},
      });
    };
    await using connection = new Connection({ transport, libName: "" });
    const error = await connection.command(["PING"]).catch((e) => e);
    assert.equal(opened, 1);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.written, false);
  });
});

describe("bounds", () => {
  it("refuses past maxQueuedCommands with OverflowError, never sent", async () => {
    const port = await freePort();
    await using redis = new Redis({ host: HOST, port, maxQueuedCommands: 3, socketTimeout: 500 });
    const held = [1, 2, 3].map(() => redis.get("k").catch((e) => e));
    const error = await redis.get("k").catch((e) => e);
    assert.ok(error instanceof OverflowError, String(error));
    assert.equal(error.written, false);
    assert.match(error.message, /maxQueuedCommands/);
    await Promise.all(held);
  });

  it("fails a command larger than maxPendingBytes at once, without retries", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, maxPendingBytes: 1024 });
    const started = Date.now();
    const error = await redis.set(key("big"), "x".repeat(4096)).catch((e) => e);
    assert.ok(error instanceof OverflowError, String(error));
    assert.match(error.message, /larger than maxPendingBytes \(1024\)/);
    assert.doesNotMatch(error.message, /attempts|Too many pending/);
    assert.ok(Date.now() - started < 100);
  });
});

describe("errors that say what to do", () => {
  it("names the server and the password option on NOAUTH", async () => {
    const guarded = await startRedis({ password: "pw-rel" });
    try {
      await using redis = new Redis({ host: HOST, port: guarded.port });
      const error = await redis.get("k").catch((e) => e);
      assert.ok(
        error instanceof AuthenticationError || error instanceof AuthReplyError,
        String(error),
      );
      assert.match(error.message, /password option/);
      assert.ok(error.message.includes(`${HOST}:${guarded.port}`), error.message);
    } finally {
      await guarded.stop();
    }
  });

  it("checks clientName in the options", () => {
    for (const name of ["a b", "a\r\nb", "tab\t"]) {
      assert.throws(() => new Redis({ clientName: name }), RangeError);
    }
    new Redis({ clientName: "web-1" }).close();
  });

  it("says a TLS client met a plain port, and counts nothing against the bound", async () => {
    await using redis = new Redis({
      host: HOST,
      port: server.port,
      tls: true,
      socketConnectTimeout: 300,
      socketTimeout: 1_000,
    });
    const started = Date.now();
    const error = await redis.get("k").catch((e) => e);
    const took = Date.now() - started;
    console.log(`rediss:// to a plain port: ${took} ms: ${error.message}`);
    assert.ok(error instanceof TimeoutError || error instanceof ConnectionError, String(error));
    assert.match(error.message, /use redis:\/\/ instead of rediss:\/\//);
    assert.ok(took < 1_200, `took ${took} ms`);
  });
});
