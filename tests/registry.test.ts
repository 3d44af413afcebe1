import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DeferredReply, Redis } from "../src/client/mod.ts";
import { ConnectionError, NoConnectionError, RedisError, ReplyError } from "../src/errors.ts";
import {
  ConnectionRegistry,
  connections,
  type NamedPipeline,
  pipeline,
  PipelineError,
} from "../src/registry/mod.ts";
import { defaultTransport, type TransportFactory } from "../src/transport/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

/** A transport factory that counts writes, to see how many batches reach a server. */
function countingTransport(counter: { writes: number }): TransportFactory {
  return async (options) => {
    const inner = await defaultTransport(options);
    return {
      readable: inner.readable,
      write(bytes: Uint8Array) {
        counter.writes++;
        return inner.write(bytes);
      },
      close: () => inner.close(),
    };
  };
}

/** Counts calls of `client.close()`. */
function countCloses(client: Redis): { count: number } {
  const counter = { count: 0 };
  const close = client.close.bind(client);
  client.close = () => {
    counter.count++;
    return close();
  };
  return counter;
}

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

let serverA: RedisServer;
let serverB: RedisServer;
let a: Redis;
let b: Redis;
let registry: ConnectionRegistry;
const clients: Redis[] = [];

function client(server: RedisServer, options: { transport?: TransportFactory } = {}): Redis {
  const redis = new Redis({ host: server.host, port: server.port, ...options });
  clients.push(redis);
  return redis;
}

before(async () => {
  [serverA, serverB] = await Promise.all([startRedis(), startRedis()]);
  a = client(serverA);
  b = client(serverB);
  registry = new ConnectionRegistry();
  registry.connect(a, { name: "a" });
  registry.connect(b, { name: "b" });
});

after(async () => {
  await Promise.allSettled(clients.map((redis) => redis.close()));
  await Promise.all([serverA?.stop(), serverB?.stop()]);
});

describe("ConnectionRegistry", () => {
  it("registers a client under the default name when none is given", async () => {
    await using local = new ConnectionRegistry();
    local.connect(a);
    assert.equal(local.get(), a);
    assert.equal(local.get("default"), a);
    assert.deepEqual(local.names(), ["default"]);
    assert.equal(local.has(), true);
  });

  it("maps several names to one client (aliases)", async () => {
    await using local = new ConnectionRegistry();
    local.connect(a, { name: "users" });
    local.connect(a, { name: "sessions" });
    local.connect(a, { name: "users" }); // the same client again: harmless
    assert.equal(local.get("users"), local.get("sessions"));
    assert.deepEqual(local.names(), ["users", "sessions"]);
  });

  it("get() of an unknown name throws NoConnectionError naming it and the known names", async () => {
    await using local = new ConnectionRegistry();
    assert.throws(() => local.get("users"), {
      name: "NoConnectionError",
      message: /No connection named "users" \(none are connected\)/,
    });
    local.connect(a, { name: "users" });
    local.connect(b, { name: "messages" });
    assert.throws(() => local.get("usres"), (error: unknown) => {
      assert.ok(error instanceof NoConnectionError);
      assert.match(error.message, /"usres"/);
      assert.match(error.message, /connected: "users", "messages"/);
      assert.match(error.message, /connections\.connect\(client, \{ name: "usres" \}\)/);
      return true;
    });
  });

  it("refuses another client under a taken name, and empty or bad arguments", async () => {
    await using local = new ConnectionRegistry();
    local.connect(a, { name: "users" });
    assert.throws(() => local.connect(b, { name: "users" }), {
      name: "TypeError",
      message:
        /"users" is already connected to Redis\(127\.0\.0\.1:\d+\); call disconnect\("users"\)/,
    });
    assert.throws(() => local.connect(a, { name: "" }), TypeError);
    assert.throws(() => local.connect(null as unknown as Redis, { name: "x" }), TypeError);
    assert.equal(local.get("users"), a);
  });

  it("disconnect() closes a client it created from a URL, and forgets the name", async () => {
    await using local = new ConnectionRegistry();
    const owned = local.connect(`redis://127.0.0.1:${serverA.port}`, { name: "owned" });
    const closes = countCloses(owned);
    assert.equal(await owned.ping(), "PONG");
    await local.disconnect("owned");
    assert.equal(closes.count, 1);
    assert.equal(local.has("owned"), false);
    const stats = owned.pool.stats();
    assert.deepEqual([stats.idle, stats.inUse], [0, 0], "its connections are closed");
  });

  it("disconnect() and reset() never close a client passed in without owned: true", async () => {
    const mine = client(serverA);
    const closes = countCloses(mine);
    const local = new ConnectionRegistry();
    local.connect(mine, { name: "x" });
    local.connect(mine, { name: "y" });
    await local.disconnect("x");
    await local.reset();
    assert.equal(closes.count, 0);
    assert.deepEqual(local.names(), []);
    assert.equal(await mine.ping(), "PONG");
  });

  it("closes an owned aliased client once, when its last name is disconnected", async () => {
    const shared = new Redis({ host: serverA.host, port: serverA.port });
    const closes = countCloses(shared);
    await using local = new ConnectionRegistry();
    local.connect(shared, { name: "users", owned: true });
    local.connect(shared, { name: "sessions" });
    await local.disconnect("users");
    assert.equal(closes.count, 0, "still registered as sessions");
    await local.disconnect("sessions");
    await local.disconnect("sessions"); // unknown now: harmless
    assert.equal(closes.count, 1);
  });

  it("reset() closes each owned client once, aliases included, and keeps the others open", async () => {
    const owned = new Redis({ host: serverA.host, port: serverA.port });
    const fromOptions = new ConnectionRegistry();
    const closes = countCloses(owned);
    const kept = countCloses(b);
    fromOptions.connect(owned, { name: "one", owned: true });
    fromOptions.connect(owned, { name: "two" });
    fromOptions.connect(owned, { name: "three" });
    fromOptions.connect(b, { name: "b" });
    const created = fromOptions.connect({ host: serverB.host, port: serverB.port }, { name: "c" });
    const createdCloses = countCloses(created);
    await fromOptions.reset();
    assert.deepEqual([closes.count, createdCloses.count, kept.count], [1, 1, 0]);
    assert.deepEqual(fromOptions.names(), []);
    assert.equal(await b.ping(), "PONG");
  });

  it("connections, the default registry, serves pipeline() without a registry option", async () => {
    try {
      connections.connect(a);
      connections.connect(b, { name: "messages" });
      const p = pipeline();
      const set = p.set("registry:default", "yes");
      const port = p.on("messages").configGet("port");
      await p.exec();
      assert.equal(set.value, true);
      assert.equal(port.value.port, String(serverB.port));
      assert.equal(await a.get("registry:default"), "yes");
    } finally {
      await connections.reset();
    }
    assert.equal(await a.ping(), "PONG", "reset() left the client it does not own open");
  });
});

describe("NamedPipeline", () => {
  it("sends each command to its named server", async () => {
    const p = pipeline({ name: "a", registry });
    p.set("where", "on-a");
    p.on("b").set("where", "on-b");
    const portA = p.configGet("port");
    const portB = p.on("b").configGet("port");
    await p.exec();
    assert.equal(portA.value.port, String(serverA.port));
    assert.equal(portB.value.port, String(serverB.port));
    assert.equal(await a.get("where"), "on-a");
    assert.equal(await b.get("where"), "on-b");
  });

  it("returns typed deferred replies, settled and reported in the order added", async () => {
    await Promise.all([a.del("order:n"), b.del("order:n")]);
    const p = pipeline({ name: "a", registry });
    // Server a answers last, yet replies settle in the order the commands were added.
    p.sendCommand(["DEBUG", "SLEEP", "0.05"]);
    const replies = [
      p.incr("order:n"),
      p.on("b").incr("order:n"),
      p.incr("order:n"),
      p.on("b").incr("order:n"),
      p.on("b").incr("order:n"),
    ];
    assert.ok(replies.every((reply) => reply instanceof DeferredReply));
    const seen: number[] = [];
    replies.forEach((reply, i) => reply.then(() => seen.push(i)));
    const results = await p.exec();
    assert.deepEqual(results, ["OK", 1, 1, 2, 2, 3]);
    assert.deepEqual(replies.map((reply) => reply.value), [1, 1, 2, 2, 3]);
    assert.deepEqual(await Promise.all(replies), [1, 1, 2, 2, 3]);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  });

  it("throws a clear error when a reply is read before exec", () => {
    const p = pipeline({ name: "a", registry });
    const reply = p.hget("u{1}", "name");
    assert.equal(reply.settled, false);
    assert.throws(() => reply.value, {
      name: "RedisError",
      message: 'The reply to HGET on "a" is not available until its pipeline executes',
    });
    p.discard();
  });

  it("rejects only the reply of a command that got an error reply", async () => {
    const p = pipeline({ name: "a", registry });
    p.set("text", "abc");
    const bad = p.incr("text");
    const good = p.get("text");
    const results = await p.exec();
    assert.ok(results[1] instanceof ReplyError);
    await assert.rejects(Promise.resolve(bad), ReplyError);
    assert.throws(() => bad.value, ReplyError);
    assert.equal(good.value, "abc");
  });

  it("sends names that alias one client as one batch on one connection", async () => {
    const counter = { writes: 0 };
    const counted = client(serverA, { transport: countingTransport(counter) });
    await counted.ping(); // connect first: the handshake writes too
    const local = new ConnectionRegistry();
    local.connect(counted, { name: "users" });
    local.connect(counted, { name: "sessions" });
    local.connect(b, { name: "b" });
    local.connect(client(serverA), { name: "other" }); // same server, another client
    counter.writes = 0;
    const p = pipeline({ name: "users", registry: local });
    const ids = [
      p.clientId(),
      p.on("sessions").clientId(),
      p.on("b").clientId(),
      p.on("users").clientId(),
      p.on("other").clientId(),
      p.on("sessions").clientId(),
    ];
    await p.exec();
    const [users1, sessions1, , users2, other, sessions2] = ids.map((id) => id.value);
    assert.equal(counter.writes, 1, "one write for users and sessions");
    assert.equal(new Set([users1, sessions1, users2, sessions2]).size, 1);
    assert.notEqual(other, users1, "another client makes its own batch");
  });

  it("executes the servers in parallel: about the slowest server's time, not the sum", async () => {
    const sleepBoth = (p: NamedPipeline) => {
      p.on("a").sendCommand(["DEBUG", "SLEEP", "0.3"]);
      p.on("b").sendCommand(["DEBUG", "SLEEP", "0.3"]);
      return p;
    };
    await Promise.all([a.ping(), b.ping()]); // connections ready: time only the commands
    const parallel = await elapsed(() => sleepBoth(pipeline({ registry })).exec());
    const serial = await elapsed(() => sleepBoth(pipeline({ registry })).exec({ parallel: false }));
    const serialByOption = await elapsed(() =>
      sleepBoth(pipeline({ registry, parallel: false })).exec()
    );
    assert.ok(parallel >= 290 && parallel < 500, `parallel took ${parallel.toFixed(0)} ms`);
    assert.ok(serial >= 590, `serial took ${serial.toFixed(0)} ms`);
    assert.ok(serialByOption >= 590, `parallel: false took ${serialByOption.toFixed(0)} ms`);
  });

  for (const parallel of [true, false]) {
    it(`rejects a failed server's replies, settles the others and reports it (parallel: ${parallel})`, async () => {
      const serverC = await startRedis();
      const c = new Redis({ host: serverC.host, port: serverC.port, socketConnectTimeout: 2000 });
      try {
        const local = new ConnectionRegistry();
        local.connect(a, { name: "a" });
        local.connect(c, { name: "c" });
        local.connect(c, { name: "c2" });
        local.connect(b, { name: "b" });
        assert.equal(await c.ping(), "PONG");
        await serverC.stop();
        const p = pipeline({ name: "a", registry: local });
        const first = p.set("survivor", "a");
        const lost = [p.on("c").set("x", "1"), p.on("c2").get("x")];
        const last = p.on("b").echo("b");
        const error = await p.exec({ parallel }).then(
          () => assert.fail("exec should throw"),
          (error: unknown) => error,
        );
        assert.ok(error instanceof PipelineError && error instanceof RedisError);
        assert.equal(error.failures.length, 1);
        const [failure] = error.failures;
        assert.deepEqual(failure!.names, ["c", "c2"]);
        assert.equal(failure!.address, `127.0.0.1:${serverC.port}`);
        assert.equal(failure!.commands, 2);
        assert.ok(failure!.error instanceof ConnectionError);
        assert.deepEqual(error.errors, [failure!.error]);
        assert.match(error.message, /failed on 1 of 3 servers: "c", "c2" \(127\.0\.0\.1:\d+\)/);
        assert.equal(first.value, true);
        assert.equal(last.value, "b");
        for (const reply of lost) {
          assert.equal(reply.settled, true);
          await assert.rejects(Promise.resolve(reply), (e) => e === failure!.error);
        }
        assert.equal(await a.get("survivor"), "a");
      } finally {
        await c.close();
        await serverC.stop();
      }
    });
  }

  it("a nested pipeline joins the caller's and never executes on its own", async () => {
    function save(id: string, value: string, pipe?: NamedPipeline) {
      const p = pipeline(pipe, { name: "b", registry });
      const reply = p.hset(`nested:${id}`, "v", value);
      return { p, reply };
    }
    const outer = pipeline({ name: "a", registry });
    const own = outer.set("nested:outer", "1");
    const { p: inner, reply } = save("1", "joe", outer);
    assert.equal(inner.nested, true);
    assert.equal(outer.length, 2);
    assert.deepEqual(await inner.exec(), []);
    await inner[Symbol.asyncDispose]();
    assert.equal(reply.settled, false);
    assert.equal(await b.hget("nested:1", "v"), null);
    await outer.exec();
    assert.equal(own.value, true);
    assert.equal(reply.value, 1);
    assert.equal(await b.hget("nested:1", "v"), "joe");
  });

  it("a function given no pipe runs its own; the name is never inherited", async () => {
    const save = (pipe?: NamedPipeline) =>
      pipeline(pipe, { name: "b", registry }).run((p) => {
        p.set("nested:alone", "yes");
      });
    assert.deepEqual(await save(), [true]);
    assert.equal(await b.get("nested:alone"), "yes");
    const outer = pipeline({ name: "b", registry });
    const inner = pipeline(outer);
    assert.equal(inner.name, "default");
    assert.equal(pipeline(outer, { name: "a" }).on("b").nested, true);
  });

  it("await using with autocommit executes on dispose", async () => {
    let reply: DeferredReply<boolean>;
    {
      await using users = pipeline({ name: "a", registry, autocommit: true });
      reply = users.set("autocommit:yes", "1");
    }
    assert.equal(reply.value, true);
    assert.equal(await a.get("autocommit:yes"), "1");
  });

  it("await using without autocommit discards on dispose, rejecting the replies", async () => {
    let reply: DeferredReply<boolean>;
    {
      await using p = pipeline({ name: "a", registry });
      reply = p.set("autocommit:no", "1");
    }
    await assert.rejects(Promise.resolve(reply), {
      name: "RedisError",
      message: 'SET on "a" was discarded before its pipeline executed',
    });
    assert.equal(await a.get("autocommit:no"), null);
  });

  it("run() executes when fn completes and executes nothing when it throws", async () => {
    let reply!: DeferredReply<boolean>;
    const failing = pipeline({ name: "a", registry }).run(async (p) => {
      reply = p.set("run:thrown", "1");
      await Promise.resolve();
      throw new Error("boom");
    });
    await assert.rejects(failing, { message: "boom" });
    await assert.rejects(Promise.resolve(reply), /discarded/);
    assert.equal(await a.get("run:thrown"), null);
    const done = await pipeline({ name: "a", registry }).run((p) => {
      p.set("run:done", "1");
    });
    assert.deepEqual(done, [true]);
    assert.equal(await a.get("run:done"), "1");
  });

  it("await using with autocommit: disposal cannot see a throw, so discard() in a catch stops it", async () => {
    // Documented behaviour: without discard(), a throw still executes at disposal.
    await assert.rejects(async () => {
      await using p = pipeline({ name: "a", registry, autocommit: true });
      p.set("dispose:thrown", "1");
      throw new Error("boom");
    }, { message: "boom" });
    assert.equal(await a.get("dispose:thrown"), "1");
    await assert.rejects(async () => {
      await using p = pipeline({ name: "a", registry, autocommit: true });
      try {
        p.set("dispose:discarded", "1");
        throw new Error("boom");
      } catch (error) {
        p.discard();
        throw error;
      }
    }, { message: "boom" });
    assert.equal(await a.get("dispose:discarded"), null);
  });

  it("discard() or a throw in a nested run() drops only the nested commands", async () => {
    const outer = pipeline({ name: "a", registry });
    const kept = outer.set("discard:outer", "1");
    const inner = pipeline(outer, { name: "b" });
    const dropped = inner.set("discard:inner", "1");
    const deeper = pipeline(inner).on("b").set("discard:deeper", "1");
    inner.discard();
    await assert.rejects(
      pipeline(outer, { name: "b" }).run((p) => {
        p.set("discard:run", "1");
        throw new Error("nested boom");
      }),
      { message: "nested boom" },
    );
    assert.equal(outer.length, 1);
    await outer.exec();
    assert.equal(kept.value, true);
    await assert.rejects(Promise.resolve(dropped), /discarded/);
    await assert.rejects(Promise.resolve(deeper), /discarded/);
    assert.deepEqual(await b.exists("discard:inner", "discard:deeper", "discard:run"), 0);
  });

  it("on() shares the queue: exec on a view executes the whole pipeline", async () => {
    const p = pipeline({ name: "a", registry });
    const one = p.set("view:1", "1");
    const two = p.on("b").set("view:2", "2");
    assert.equal(p.on("b").name, "b");
    assert.deepEqual(await p.on("b").exec(), [true, true]);
    assert.equal(one.value && two.value, true);
    assert.deepEqual(await p.exec(), [], "nothing left to send");
  });

  it("fails at the call site for an unknown name, and on bad arguments", () => {
    const p = pipeline({ registry });
    assert.throws(() => p.get("k"), {
      name: "NoConnectionError",
      message: /No connection named "default" \(connected: "a", "b"\)/,
    });
    assert.throws(() => p.on("nope").get("k"), /No connection named "nope"/);
    assert.equal(p.length, 0);
    assert.throws(() => p.on(""), TypeError);
    assert.throws(() => pipeline({ name: 42 as unknown as string }), TypeError);
    assert.throws(
      () => pipeline(a.pipeline() as unknown as NamedPipeline, { name: "a" }),
      /joins a pipeline made by pipeline\(\)/,
    );
  });
});
