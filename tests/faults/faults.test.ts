/**
 * Fault scenarios against real redis-server processes, some through the
 * fault proxy. Each prints its figure.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { Redis, type RedisOptions } from "../../src/client/mod.ts";
import { Subscriber } from "../../src/client/pubsub.ts";
import { BlockingConnectionPool } from "../../src/pool/mod.ts";
import { ConnectionError, TimeoutError } from "../../src/errors.ts";
import { freePort, type RedisServer, startRedis } from "../support/mod.ts";
import { bounded, eventually, seededRandom, sleep } from "../support/wait.ts";
import { type FaultProxy, startProxy } from "./proxy.ts";

const HOST = "127.0.0.1";

function figure(text: string): void {
  console.log(`[faults] ${text}`);
}

/** Settles every promise, bounded: an unsettled one fails the test. */
async function settleAll<T>(promises: Promise<T>[], ms = 10_000) {
  return await bounded(Promise.allSettled(promises), ms);
}

/** Attaches a handler at once (a rejection before settleAll is not "unhandled"). */
function watched<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

describe("faults: server killed with SIGKILL and restarted under load", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
  });
  after(() => server?.stop());

  it("runs no command twice and leaves none unsettled", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, socketTimeout: 2_000 });
    const ops: Promise<unknown>[] = [];
    let id = 0;
    const stop = Date.now() + 1_500;
    let killed = false;
    let restarted: Promise<void> = Promise.resolve();
    while (Date.now() < stop) {
      for (let i = 0; i < 20; i++) {
        const op = `op${++id}`;
        ops.push(watched(redis.rpush("log", op)));
        ops.push(watched(redis.get(op)));
      }
      if (!killed && Date.now() > stop - 1_000) {
        killed = true;
        server.kill("SIGKILL");
        restarted = sleep(200).then(() => server.restart());
      }
      await sleep(5);
    }
    const outcomes = await settleAll(ops, 15_000);
    await restarted;
    await using fresh = new Redis({ host: HOST, port: server.port });
    const log = await fresh.lrange("log", 0, -1);
    const seen = new Map<string, number>();
    for (const op of log) seen.set(op, (seen.get(op) ?? 0) + 1);
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const failed = outcomes.filter((o) => o.status === "rejected").length;
    figure(
      `kill -9 + restart: ${ops.length} ops, ${failed} failed, ${duplicates} duplicates, 0 unsettled`,
    );
    assert.equal(duplicates, 0);
  });
});

describe("faults: server frozen with SIGSTOP", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    server?.kill("SIGCONT");
    await server?.stop();
  });

  it("settles every command within socketTimeout + 100 ms", async () => {
    const timeout = 500;
    await using redis = new Redis({
      host: HOST,
      port: server.port,
      socketTimeout: timeout,
      socketConnectTimeout: timeout,
      maxConnections: 4,
    });
    await redis.ping();
    server.kill("SIGSTOP");
    const late: number[] = [];
    const calls: Promise<unknown>[] = [];
    // A control timer at the same deadlines: how late this machine runs
    // timers right now (a loaded CI box), which no client can beat.
    const lag: number[] = [];
    const control: Promise<void>[] = [];
    for (let round = 0; round < 20; round++) {
      const armed = Date.now();
      control.push(
        new Promise((resolve) =>
          setTimeout(() => {
            lag.push(Date.now() - armed - timeout);
            resolve();
          }, timeout)
        ),
      );
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        calls.push(
          watched(redis.get(`k${i}`).finally(() => late.push(Date.now() - started - timeout))),
        );
      }
      await sleep(50);
    }
    const outcomes = await settleAll(calls);
    await Promise.all(control);
    server.kill("SIGCONT");
    const worst = Math.max(...late);
    const timerLag = Math.max(0, ...lag);
    const timeouts = outcomes.filter((o) =>
      o.status === "rejected" && o.reason instanceof TimeoutError
    );
    figure(
      `SIGSTOP: ${calls.length} commands, ${timeouts.length} TimeoutError, worst settle ${
        worst + timeout
      } ms (socketTimeout ${timeout}); a bare timer ran up to ${timerLag} ms late meanwhile`,
    );
    const others = outcomes.filter((o) =>
      o.status === "fulfilled" || !(o.reason instanceof TimeoutError ||
        o.reason instanceof ConnectionError)
    );
    assert.deepEqual(others, []);
    assert.ok(
      worst <= 100 + timerLag,
      `a command settled ${worst} ms after its timeout (timers ran ${timerLag} ms late)`,
    );
  });
});

describe("faults: through the fault proxy", () => {
  let server: RedisServer;
  let proxy: FaultProxy;
  let run = 0;
  before(async () => {
    server = await startRedis();
  });
  after(() => server?.stop());

  async function through(extra: RedisOptions = {}) {
    proxy = await startProxy(server.port);
    const redis = new Redis({ host: HOST, port: proxy.port, socketTimeout: 2_000, ...extra });
    const direct = new Redis({ host: HOST, port: server.port });
    return {
      redis,
      direct,
      async [Symbol.asyncDispose]() {
        await redis.close({ timeout: 1_000 });
        await direct.close();
        await proxy.close();
      },
    };
  }

  it("cut after INCR: the command is written and never re-sent (counter exactly 1)", async () => {
    await using clients = await through();
    const key = `counter:${++run}`;
    await clients.redis.ping();
    proxy.set({ kind: "cutAfterCommand", command: "INCR" });
    const error = await bounded(clients.redis.incr(key).catch((e) => e));
    proxy.set({ kind: "pass" });
    const counter = await clients.direct.get(key);
    figure(
      `cut after INCR: ${error?.name} written=${error?.written}, server counter ${counter}`,
    );
    assert.ok(error instanceof ConnectionError, String(error));
    assert.equal(error.written, true);
    assert.equal(counter, "1");
  });

  it("cut mid-pipeline: replied commands ran, unwritten ones did not", async () => {
    await using clients = await through();
    const prefix = `mid:${++run}`;
    await clients.redis.ping();
    proxy.set({ kind: "cutAfterReplies", replies: 7 });
    const calls = Array.from(
      { length: 20 },
      (_, i) => watched(clients.redis.incr(`${prefix}:${i}`)),
    );
    const outcomes = await settleAll(calls);
    proxy.set({ kind: "pass" });
    const ran = await clients.direct.mget(calls.map((_, i) => `${prefix}:${i}`));
    let replied = 0, written = 0, unwritten = 0, wrong = 0;
    outcomes.forEach((outcome, i) => {
      const didRun = ran[i] === "1";
      if (outcome.status === "fulfilled") {
        replied++;
        if (!didRun || outcome.value !== 1) wrong++;
      } else if ((outcome.reason as ConnectionError).written) {
        written++;
      } else {
        unwritten++;
        if (didRun) wrong++;
      }
    });
    figure(
      `cut mid-pipeline: ${replied} replied, ${written} written (may have run), ${unwritten} not written, ${wrong} misclassified`,
    );
    assert.equal(wrong, 0);
    assert.equal(replied, 7);
  });

  it("abort storms: no reply reaches the wrong caller, no connection leaks", async () => {
    await using clients = await through({ maxConnections: 8 });
    const random = seededRandom(99);
    const prefix = `storm:${++run}`;
    await clients.direct.mset(
      Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${prefix}:${i}`, `v${i}`])),
    );
    proxy.set({ kind: "delay", ms: 5 });
    let wrong = 0, aborted = 0, answered = 0;
    for (let round = 0; round < 20; round++) {
      const calls = Array.from({ length: 50 }, (_, i) => {
        const controller = new AbortController();
        if (random() < 0.2) setTimeout(() => controller.abort(new Error("storm")), random() * 15);
        return clients.redis.sendCommand(["GET", `${prefix}:${i}`], { signal: controller.signal })
          .then((value) => {
            answered++;
            if (value !== `v${i}`) wrong++;
          }, () => aborted++);
      });
      await settleAll(calls);
    }
    proxy.set({ kind: "pass" });
    await eventually(() => clients.redis.pool.stats().inUse === 0, 3_000, "leases back");
    const stats = clients.redis.pool.stats();
    figure(
      `abort storm: ${answered} answered, ${aborted} aborted, ${wrong} wrong replies, ${stats.inUse} leases held`,
    );
    assert.equal(wrong, 0);
  });
});

describe("faults: a server that refuses connections (maxclients)", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis({ args: ["--maxclients", "1"] });
  });
  after(() => server?.stop());

  it("sees at most 5 connect attempts per second from a pool, whatever the call rate", async () => {
    await using holder = new Redis({ host: HOST, port: server.port });
    await holder.ping(); // takes the only client slot
    const proxy = await startProxy(server.port);
    await using redis = new Redis({ host: HOST, port: proxy.port, socketTimeout: 1_000 });
    const calls: Promise<unknown>[] = [];
    const started = Date.now();
    while (Date.now() - started < 2_000) {
      calls.push(redis.get("k").catch((e) => e));
      await sleep(100);
    }
    const seconds = (Date.now() - started) / 1000;
    const outcomes = await settleAll(calls);
    const perSecond = proxy.accepted / seconds;
    await proxy.close();
    figure(
      `maxclients: ${calls.length} calls at 10/s, ${proxy.accepted} connect attempts in ${
        seconds.toFixed(1)
      } s = ${perSecond.toFixed(1)}/s`,
    );
    assert.ok(outcomes.every((o) => o.status === "fulfilled"));
    assert.ok(perSecond <= 5, `${perSecond} attempts per second`);
  });
});

describe("faults: 100,000 commands on a stopped server", () => {
  it("stays within 32 MB of RSS growth, with OverflowError past the bound", async () => {
    const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
    assert.ok(deno !== undefined, "run by deno test (tests/faults is not in the Node run)");
    const port = await freePort();
    const probe = new URL("./_memory_probe.ts", import.meta.url);
    const measure = async (...mode: string[]) => {
      const args = ["run", "-A", fileURLToPath(probe), String(port), ...mode];
      const { stdout } = await run(deno.execPath(), args);
      return JSON.parse(stdout.trim().split("\n").pop()!);
    };
    const client = await measure();
    const harness = await measure("harness");
    const own = client.growth - harness.growth;
    figure(
      `stopped server: 100000 SETs of 100 B -> ${JSON.stringify(client.outcomes)}, RSS growth ${
        client.growth.toFixed(1)
      } MB peak; the loop's own 100k promises with a stub: ${
        harness.growth.toFixed(1)
      } MB; the client's share ${own.toFixed(1)} MB`,
    );
    assert.ok(client.outcomes.OverflowError > 0, "no OverflowError past the bound");
    assert.equal(client.outcomes.ok, undefined);
    // Bounded by the client, not by the caller's own promises.
    assert.ok(own <= 32, `the client grew RSS by ${own.toFixed(1)} MB`);
  });
});

function run(command: string, args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ stdout });
    });
  });
}

describe("faults: pub/sub across a server restart", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server?.stop());

  it("resubscribes everything and reports the loss and the restore", async () => {
    await using pool = new BlockingConnectionPool({ host: HOST, port: server.port });
    const events: string[] = [];
    const subscriber = new Subscriber(() => pool.acquire(), {
      onLost: () => events.push("lost"),
      onRestored: () => events.push("restored"),
    });
    const received: string[] = [];
    await subscriber.subscribe("channel", ["news"], (message) => received.push(message));
    await subscriber.subscribe("pattern", ["n*"], (message) => received.push(`p:${message}`));
    server.kill("SIGKILL");
    await sleep(300);
    const down = Date.now();
    await server.restart();
    await using publisher = new Redis({ host: HOST, port: server.port });
    await eventually(async () => (await publisher.publish("news", "again")) === 2, 5_000);
    const restoredAfter = Date.now() - down;
    await eventually(() => received.includes("again") && received.includes("p:again"));
    const late = await subscriber.subscribe("channel", ["late"], (m) => received.push(m));
    assert.equal(await publisher.publish("late", "hi"), 1);
    await eventually(() => received.includes("hi"));
    await late.unsubscribe();
    await subscriber.close();
    figure(
      `pub/sub across a restart: resubscribed ${restoredAfter} ms after the server came back, events ${
        events.join(",")
      }`,
    );
    assert.deepEqual(events, ["lost", "restored"]);
  });
});
