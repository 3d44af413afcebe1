import assert from "node:assert/strict";
import diagnostics from "node:diagnostics_channel";
import { after, before, describe, it } from "node:test";
import { Redis } from "../src/client/mod.ts";
import {
  type BatchTraceContext,
  type CommandTraceContext,
  type ConnectTraceContext,
  type PoolAcquireTraceContext,
  TRACING_CHANNELS,
} from "../src/connection/mod.ts";
import { PoolTimeoutError, ReplyError } from "../src/errors.ts";
import { BlockingConnectionPool } from "../src/pool/mod.ts";
import { freePort, type RedisServer, startRedis } from "./support/mod.ts";
import { bounded, rejection } from "./support/wait.ts";

const HOST = "127.0.0.1";
const PASSWORD = "canary-Pw-7f3a";
const VALUE = "canary-value-91c2";

let server: RedisServer;
let run = 0;

before(async () => {
  server = await startRedis({ password: PASSWORD });
});

after(async () => {
  await server?.stop();
});

function key(name: string): string {
  return `tracing-test:${++run}:${name}`;
}

type Event = "start" | "end" | "asyncStart" | "asyncEnd" | "error";

/** Records every event of one channel while `fn` runs. */
async function record<C extends object>(
  name: string,
  fn: () => Promise<void>,
): Promise<{ event: Event; context: C }[]> {
  const seen: { event: Event; context: C }[] = [];
  const channel = diagnostics.tracingChannel(name);
  const on = (event: Event) => (context: unknown) => seen.push({ event, context: context as C });
  const handlers = {
    start: on("start"),
    end: on("end"),
    asyncStart: on("asyncStart"),
    asyncEnd: on("asyncEnd"),
    error: on("error"),
  };
  channel.subscribe(handlers);
  try {
    await fn();
  } finally {
    channel.unsubscribe(handlers);
  }
  return seen;
}

function finished<C>(seen: { event: Event; context: C }[]): C[] {
  return seen.filter((s) => s.event === "asyncEnd").map((s) => s.context);
}

describe("redwire:command", () => {
  it("traces a command from call to reply with sanitized fields", async () => {
    await using redis = new Redis({
      host: HOST,
      port: server.port,
      password: PASSWORD,
      db: 3,
      clientName: "tracer",
    });
    const k = key("set");
    const seen = await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
      await redis.set(k, VALUE);
    });
    assert.deepEqual(seen.map((s) => s.event), ["start", "end", "asyncStart", "asyncEnd"]);
    const context = seen[0]!.context;
    assert.equal(context.command, "SET");
    assert.deepEqual(context.args, ["SET", k, "?"]);
    assert.equal(context.database, 3);
    assert.equal(context.serverAddress, HOST);
    assert.equal(context.serverPort, server.port);
    assert.equal(context.poolName, `${HOST}:${server.port}/3`);
    assert.equal(context.clientName, "tracer");
    assert.equal((context as { result?: unknown }).result, undefined);
  });

  it("publishes error with the ReplyError", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
    const k = key("wrongtype");
    await redis.set(k, "x");
    const seen = await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
      await rejection(redis.hget(k, "f"));
    });
    const failed = seen.find((s) => s.event === "error");
    assert.ok(failed?.context.error instanceof ReplyError);
    assert.equal((failed.context.error as ReplyError).code, "WRONGTYPE");
  });

  it("gives commands of one tick their batch size, and one auto batch", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
    await redis.ping(); // a ready connection, so the tick goes out as one batch
    const k = key("tick");
    let commands: CommandTraceContext[] = [];
    const batches = await record<BatchTraceContext>(TRACING_CHANNELS.batch, async () => {
      commands = finished(
        await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
          await Promise.all([redis.incr(k), redis.incr(k), redis.incr(k)]);
        }),
      );
    });
    assert.deepEqual(commands.map((c) => [c.command, c.batchSize]), [
      ["INCR", 3],
      ["INCR", 3],
      ["INCR", 3],
    ]);
    const auto = finished(batches);
    assert.deepEqual(auto.map((b) => [b.kind, b.batchSize]), [["auto", 3]]);
  });

  it("traces each command of a pipeline and of a transaction, and their batches", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
    const k = key("pipe");
    let commands: CommandTraceContext[] = [];
    const batches = await record<BatchTraceContext>(TRACING_CHANNELS.batch, async () => {
      commands = finished(
        await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
          await redis.pipeline().set(k, VALUE).get(k).exec();
          await redis.multi().incr(`${k}:n`).incr(`${k}:n`).exec();
        }),
      );
    });
    assert.deepEqual(commands.map((c) => c.command), [
      "SET",
      "GET",
      "MULTI",
      "INCR",
      "INCR",
      "EXEC",
    ]);
    assert.deepEqual(commands.map((c) => c.batchSize), [2, 2, 4, 4, 4, 4]);
    assert.deepEqual(finished(batches).map((b) => [b.kind, b.batchSize]), [
      ["pipeline", 2],
      ["transaction", 4],
    ]);
  });

  it("never shows the password or a value in any context", async () => {
    const contexts: unknown[] = [];
    const names = Object.values(TRACING_CHANNELS);
    const nested = names.reduce<() => Promise<void>>(
      (inner, name) => async () => {
        contexts.push(...(await record(name, inner)).map((s) => s.context));
      },
      async () => {
        await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
        const k = key("canary");
        await redis.set(k, VALUE);
        await redis.get(k);
        await redis.pipeline().set(k, VALUE).get(k).exec();
        await redis.multi().set(k, VALUE).exec();
        await redis.sendCommand(["AUTH", PASSWORD]).catch(() => {});
        await redis.sendCommand(["CONFIG", "SET", "masterauth", PASSWORD]);
        await redis.sendCommand(["ECHO", VALUE]);
        await redis.sendCommand(["CLIENT", "SETNAME", VALUE]);
        await redis.sendCommand(["EVAL", `return '${VALUE}'`, "1", k, VALUE]);
        // The server's error quotes the arguments: the context gets code only.
        await rejection(redis.sendCommand(["NOSUCHCMD", VALUE]));
        await redis.pipeline().sendCommand(["NOSUCHCMD", VALUE]).exec({ raiseOnError: false });
        await rejection(redis.eval(`return redis.error_reply('${VALUE}')`, [], []));
      },
    );
    await nested();
    assert.ok(contexts.length > 20, `only ${contexts.length} contexts`);
    const text = JSON.stringify(
      contexts,
      (_, v) => v instanceof Error ? `${v} ${v.stack} ${String(v.cause)}` : v,
    );
    assert.equal(text.split(PASSWORD).length - 1, 0);
    assert.equal(text.split(VALUE).length - 1, 0);
  });
});

describe("sanitized args", () => {
  it("keep the command, its subcommand and the keys only", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
    const k = key("sanitize");
    const seen = finished(
      await record<CommandTraceContext>(TRACING_CHANNELS.command, async () => {
        await redis.sendCommand(["MSET", `${k}:a`, VALUE, `${k}:b`, VALUE]);
        await redis.sendCommand(["CLIENT", "SETNAME", VALUE]);
        await redis.sendCommand(["EVAL", `return '${VALUE}'`, "1", k, VALUE]);
        await redis.sendCommand(["CONFIG", "SET", "masterauth", PASSWORD]);
      }),
    );
    assert.deepEqual(seen.map((c) => [c.command, c.args]), [
      ["MSET", ["MSET", `${k}:a`, "?", `${k}:b`, "?"]],
      ["CLIENT SETNAME", ["CLIENT", "SETNAME", "?"]],
      ["EVAL", ["EVAL", "?", "?", k, "?"]],
      ["CONFIG SET", ["CONFIG", "SET", "?", "?"]],
    ]);
  });
});

describe("redwire:connect", () => {
  it("numbers attempts and marks reconnects", async () => {
    const port = await freePort();
    await using pool = new BlockingConnectionPool({
      host: HOST,
      port,
      password: PASSWORD,
      socketConnectTimeout: 2000,
    });
    const seen = await record<ConnectTraceContext>(TRACING_CHANNELS.connect, async () => {
      await rejection(pool.acquire());
      await rejection(pool.acquire());
    });
    const starts = seen.filter((s) => s.event === "start").map((s) => s.context);
    assert.deepEqual(starts.map((c) => [c.attempt, c.reconnect]), [[1, false], [2, true]]);
    assert.equal(seen.filter((s) => s.event === "error").length, 2);
    assert.equal(starts[0]!.serverPort, port);
  });

  it("traces a successful connect and handshake", async () => {
    await using redis = new Redis({ host: HOST, port: server.port, password: PASSWORD });
    const seen = await record<ConnectTraceContext>(TRACING_CHANNELS.connect, async () => {
      await redis.ping();
    });
    assert.deepEqual(seen.map((s) => s.event), ["start", "end", "asyncStart", "asyncEnd"]);
    assert.equal(seen[0]!.context.attempt, 1);
    assert.equal(seen[0]!.context.reconnect, false);
  });
});

describe("redwire:pool:acquire", () => {
  it("reports the wait, timeouts and aborts", async () => {
    await using pool = new BlockingConnectionPool({
      host: HOST,
      port: server.port,
      password: PASSWORD,
      maxConnections: 1,
      timeout: 100,
    });
    const seen = await record<PoolAcquireTraceContext>(TRACING_CHANNELS.poolAcquire, async () => {
      const held = await pool.acquire();
      const waiting = pool.acquire({ timeout: 5000 });
      setTimeout(() => held.release(), 50);
      (await bounded(waiting)).release();
      const blocker = await pool.acquire();
      assert.ok((await rejection(pool.acquire())) instanceof PoolTimeoutError);
      const controller = new AbortController();
      const aborted = pool.acquire({ signal: controller.signal, timeout: 5000 });
      controller.abort(new Error("stop waiting"));
      await rejection(aborted);
      blocker.release();
    });
    const done = finished(seen);
    assert.equal(done.length, 5);
    assert.equal(done[0]!.waited, 0);
    assert.ok(done[1]!.waited >= 20, `waited ${done[1]!.waited}`);
    assert.deepEqual(done.slice(3).map((c) => [c.timedOut, c.aborted]), [
      [true, false],
      [false, true],
    ]);
    assert.equal(done[0]!.poolName, `${HOST}:${server.port}/0`);
  });
});
