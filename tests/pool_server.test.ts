import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Connection } from "../src/connection/mod.ts";
import { ConnectionError } from "../src/errors.ts";
import { BlockingConnectionPool, ConnectionPool, type PoolOptions } from "../src/pool/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { TestClock } from "./support/clock.ts";
import { eventually } from "./support/wait.ts";

/** Runs one command on a short-lived connection (never a pooled one). */
async function admin(server: RedisServer, args: string[]): Promise<unknown> {
  await using conn = new Connection({ host: server.host, port: server.port });
  return await conn.command(args);
}

/** Clients the server sees, by name prefix. */
async function clientCount(server: RedisServer, name: string): Promise<number> {
  const list = String(await admin(server, ["CLIENT", "LIST"]));
  return list.split("\n").filter((line) => line.includes(` name=${name} `)).length;
}

async function pingCalls(server: RedisServer): Promise<number> {
  const info = String(await admin(server, ["INFO", "commandstats"]));
  return Number(/cmdstat_ping:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe("ConnectionPool against redis-server", () => {
  let server: RedisServer;
  let options: PoolOptions;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  function poolOptions(name: string, extra: PoolOptions = {}): PoolOptions {
    options = {
      host: server.host,
      port: server.port,
      clientName: name,
      socketTimeout: 5000,
      ...extra,
    };
    return options;
  }

  it("drops idle connections killed with CLIENT KILL; the next commands succeed", async () => {
    await using pool = new BlockingConnectionPool(poolOptions("killed", { maxConnections: 5 }));
    const leases = await Promise.all(Array.from({ length: 5 }, () => pool.acquire()));
    await Promise.all(leases.map((lease) => lease.connection.command(["PING"])));
    leases.forEach((lease) => lease.release());
    assert.equal(await clientCount(server, "killed"), 5);
    const killed = await admin(server, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
    assert.ok(Number(killed) >= 5);
    await eventually(() => pool.stats().idle === 0, 5000, "the pool to drop killed connections");
    assert.equal(pool.stats().destroyed, 5);
    const replies = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      await using lease = await pool.acquire();
      return await lease.connection.command(["ECHO", `after-kill-${i}`]);
    }));
    assert.deepEqual(replies, Array.from({ length: 20 }, (_, i) => `after-kill-${i}`));
    assert.equal(pool.stats().inUse, 0);
  });

  it("recovers after the server restarts on the same port", async () => {
    await using pool = new BlockingConnectionPool(
      poolOptions("restart", { maxConnections: 3, timeout: 2000 }),
    );
    const leases = await Promise.all(Array.from({ length: 3 }, () => pool.acquire()));
    await Promise.all(leases.map((lease) => lease.connection.command(["SET", "k", "before"])));
    leases.forEach((lease) => lease.release());
    server.kill("SIGKILL");
    await eventually(() => pool.stats().idle === 0, 5000, "the pool to notice the server died");
    await assert.rejects(pool.acquire(), (error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, new RegExp(`${server.host}:${server.port}`));
      return true;
    });
    assert.deepEqual(
      {
        inUse: pool.stats().inUse,
        connecting: pool.stats().connecting,
        waiting: pool.stats().waiting,
      },
      { inUse: 0, connecting: 0, waiting: 0 },
    );
    await server.restart();
    const replies = await Promise.all(Array.from({ length: 6 }, async () => {
      await using lease = await pool.acquire();
      return await lease.connection.command(["PING"]);
    }));
    assert.deepEqual(replies, Array(6).fill("PONG"));
  });

  it("replaces connections the server closed for idleness (CONFIG SET timeout 1), with health checks", async () => {
    const clock = new TestClock();
    await using pool = new BlockingConnectionPool(
      poolOptions("idle", { maxConnections: 4, minIdle: 2, healthCheckInterval: 200, clock }),
    );
    await pool.warmUp();
    assert.equal(await clientCount(server, "idle"), 2);
    await admin(server, ["CONFIG", "SET", "timeout", "1"]);
    try {
      await eventually(
        () => pool.stats().destroyed >= 2,
        10_000,
        "the server to close idle connections",
      );
      await eventually(() => pool.stats().idle >= 2, 5000, "minIdle to be refilled");
      await clock.advance(250); // longer than healthCheckInterval: the next borrow PINGs first
      const pingsBefore = await pingCalls(server);
      await using lease = await pool.acquire();
      assert.equal(await lease.connection.command(["ECHO", "alive"]), "alive");
      assert.ok((await pingCalls(server)) > pingsBefore, "the borrowed connection was PINGed");
    } finally {
      await admin(server, ["CONFIG", "SET", "timeout", "0"]);
    }
  });

  it("fails with a clear error when the server's maxclients is reached, leaking nothing", async () => {
    await using pool = new ConnectionPool(poolOptions("crowd", { maxConnections: 10 }));
    const info = String(await admin(server, ["INFO", "clients"]));
    const before = Number(/connected_clients:(\d+)/.exec(info)?.[1]);
    // Leaves room for a couple of pooled connections; the rest are refused.
    await admin(server, ["CONFIG", "SET", "maxclients", String(before + 2)]);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => pool.acquire()));
    const leases = results.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
    const failures = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
    const inUse = pool.stats().inUse;
    for (const lease of leases) lease.release();
    await pool.disconnect(); // frees the server's slots so CONFIG SET can get in
    await eventually(
      () => admin(server, ["CONFIG", "SET", "maxclients", "10000"]).then(() => true, () => false),
      5000,
      "maxclients to be restored",
    );
    assert.ok(failures.length >= 1, "some acquires were refused");
    assert.equal(inUse, leases.length, "no permit leaked by the refused ones");
    for (const error of failures) {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, new RegExp(`${server.host}:${server.port}`));
      assert.match(error.message, /max number of clients reached/);
    }
    const stats = pool.stats();
    assert.deepEqual({ inUse: stats.inUse, connecting: stats.connecting }, {
      inUse: 0,
      connecting: 0,
    });
    await using lease = await pool.acquire();
    assert.equal(await lease.connection.command(["PING"]), "PONG");
  });

  it("grows under load, then shrinks back to minIdle when idle (dynamic pool)", async () => {
    const clock = new TestClock();
    await using pool = new BlockingConnectionPool(
      poolOptions("dynamic", { maxConnections: 8, minIdle: 2, idleTimeout: 200, clock }),
    );
    await pool.warmUp();
    assert.equal(await clientCount(server, "dynamic"), 2);
    await Promise.all(Array.from({ length: 24 }, async () => {
      await using lease = await pool.acquire();
      await lease.connection.command(["DEBUG", "SLEEP", "0.02"]);
    }));
    assert.equal(pool.stats().created, 8, "grew to maxConnections under load");
    assert.equal(await clientCount(server, "dynamic"), 8);
    for (let step = 0; step < 100 && pool.stats().idle > 2; step++) await clock.advance(10);
    assert.equal(pool.stats().idle, 2, "the pool shrinks");
    await eventually(
      async () => (await clientCount(server, "dynamic")) === 2,
      3000,
      "server-side clients to close",
    );
    await clock.advance(300);
    assert.equal(pool.stats().idle, 2, "stays at minIdle");
  });

  it("serves GETs on other leases while one lease waits in BLPOP", async () => {
    await using pool = new BlockingConnectionPool(poolOptions("blpop", { maxConnections: 2 }));
    const blocked = await pool.acquire();
    const popped = blocked.connection.command(["BLPOP", "pool:queue", "5"]);
    const started = Date.now();
    await using lease = await pool.acquire({ timeout: 1000 });
    const gets = await Promise.all(
      Array.from({ length: 100 }, () => lease.connection.command(["GET", "pool:missing"])),
    );
    assert.deepEqual(gets, Array(100).fill(null));
    assert.ok(Date.now() - started < 1000, "GETs did not wait for BLPOP");
    await lease.connection.command(["LPUSH", "pool:queue", "job"]);
    assert.deepEqual(await popped, ["pool:queue", "job"]);
    blocked.release();
  });
});
