import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis, type RedisOptions } from "../src/client/mod.ts";
import type { ClientEventMap } from "../src/client/mod.ts";
import { freePort, type RedisServer, startRedis } from "./support/mod.ts";
import { eventually, rejection } from "./support/wait.ts";

const HOST = "127.0.0.1";
const PASSWORD = "events-Pw@3";

let server: RedisServer;

before(async () => {
  server = await startRedis({ password: PASSWORD });
});

after(async () => {
  await server?.stop();
});

function options(extra: RedisOptions = {}): RedisOptions {
  return { host: HOST, port: server.port, password: PASSWORD, ...extra };
}

/** Records every event of a client, as `name` or `name:argument`. */
function recorder(redis: Redis): string[] {
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
    redis.on(name, (...args: unknown[]) => {
      const [first] = args;
      seen.push(
        first === undefined ? name : `${name}:${first instanceof Error ? first.name : first}`,
      );
    });
  }
  return seen;
}

describe("Redis events", () => {
  it("starts in wait, then reports connect and ready on the first command", async () => {
    const redis = new Redis(options());
    const seen = recorder(redis);
    assert.equal(redis.status, "wait");
    await redis.ping();
    assert.equal(redis.status, "ready");
    assert.deepEqual(seen, [`connect:${HOST}:${server.port}`, "ready"]);
    await redis.close();
    assert.equal(redis.status, "closed");
    assert.deepEqual(seen.slice(2), ["close"]);
  });

  it("reports failed attempts as error, then reconnecting with the attempt number", async () => {
    const port = await freePort();
    await using redis = new Redis({ host: HOST, port, socketConnectTimeout: 2000 });
    const seen = recorder(redis);
    await rejection(redis.ping());
    assert.equal(redis.status, "reconnecting");
    await rejection(redis.ping());
    // A command never written is retried, so each ping makes several attempts.
    assert.ok(seen.length >= 3, seen.join(" "));
    assert.deepEqual(
      seen,
      Array.from(
        { length: seen.length },
        (_, i) => i % 2 === 0 ? "error:ConnectionError" : `reconnecting:${(i + 3) / 2}`,
      ),
    );
  });

  it("reports a broken connection and the reconnect after a server restart", async () => {
    const own = await startRedis();
    try {
      await using redis = new Redis({ host: HOST, port: own.port });
      await redis.ping();
      const seen = recorder(redis);
      await own.restart();
      await eventually(() => redis.status === "reconnecting", 5000, "status reconnecting");
      assert.equal(await redis.ping(), "PONG");
      assert.equal(redis.status, "ready");
      assert.equal(seen[0], "error:ConnectionError");
      assert.deepEqual(seen.slice(1), ["reconnecting:1", `connect:${HOST}:${own.port}`, "ready"]);
    } finally {
      await own.stop();
    }
  });

  it("reports lost and restored subscriptions", async () => {
    await using redis = new Redis(options());
    await using admin = new Redis(options());
    const seen = recorder(redis);
    const messages: string[] = [];
    await redis.subscribe("events-test", (message) => messages.push(message));
    await admin.sendCommand(["CLIENT", "KILL", "TYPE", "pubsub"]);
    await eventually(() => seen.includes("subscriptionsRestored"), 5000, "restored");
    assert.ok(seen.includes("subscriptionsLost:ConnectionError"), seen.join(" "));
    assert.ok(
      seen.indexOf("subscriptionsLost:ConnectionError") < seen.indexOf("subscriptionsRestored"),
    );
    await admin.publish("events-test", "after");
    await eventually(() => messages.includes("after"), 5000, "message after restore");
  });

  it("is ready at once on a pool another client already connected", async () => {
    await using first = new Redis(options());
    await first.ping();
    await using second = new Redis({ pool: first.pool });
    assert.equal(second.status, "ready");
  });

  it("off() removes a listener", async () => {
    await using redis = new Redis(options());
    const calls: string[] = [];
    const listener = () => calls.push("connect");
    redis.on("connect", listener).off("connect", listener);
    assert.equal(await redis.ping(), "PONG");
    assert.deepEqual(calls, []);
  });
});
