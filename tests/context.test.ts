import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { Redis } from "../src/client/mod.ts";
import { NoConnectionError } from "../src/errors.ts";
import {
  currentConnection,
  popConnection,
  pushConnection,
  resolveConnection,
  useConnection,
  withConnection,
} from "../src/registry/mod.ts";
import { ContextScope } from "../src/registry/_context_scope.ts";
import { createAsyncContext } from "../src/transport/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Like RQ's Queue: takes its connection from the context when none is passed. */
class Queue {
  readonly connection: Redis;
  constructor(readonly name: string, options: { connection?: Redis } = {}) {
    this.connection = resolveConnection(options.connection);
  }
}

let server: RedisServer;
let one: Redis;
let two: Redis;
let three: Redis;

before(async () => {
  server = await startRedis();
  [one, two, three] = [1, 2, 3].map(() => new Redis({ host: server.host, port: server.port }));
  // The first connection loads the transport adapter with a dynamic import();
  // on Deno 2.x an import() inside an AsyncLocalStorage run leaks that store
  // into later callbacks entered from the runtime (the next test, a
  // Deno.serve handler). Connect outside any context so no test inherits one.
  await one.ping();
});

after(async () => {
  await Promise.all([one, two, three].map((redis) => redis?.close()));
  await server?.stop();
});

afterEach(() => {
  // Leave no global state to the next test, even after a failure.
  useConnection(null);
  for (;;) {
    try {
      popConnection();
    } catch {
      break;
    }
  }
});

describe("resolveConnection", () => {
  it("throws NoConnectionError saying how to provide a connection when none is current", () => {
    assert.equal(currentConnection(), undefined);
    assert.throws(() => resolveConnection(), (error: unknown) => {
      assert.ok(error instanceof NoConnectionError);
      assert.match(error.message, /pass a client explicitly/);
      assert.match(error.message, /withConnection\(client, fn\)/);
      assert.match(error.message, /pushConnection\(client\)/);
      assert.match(error.message, /useConnection\(client\)/);
      return true;
    });
    assert.throws(() => new Queue("jobs"), NoConnectionError);
  });

  it("prefers explicit, then the context, then the stack, then the default", async () => {
    useConnection(three);
    assert.equal(resolveConnection(), three);
    pushConnection(two);
    assert.equal(resolveConnection(), two);
    await withConnection(one, async () => {
      await sleep(1);
      assert.equal(resolveConnection(), one);
      assert.equal(resolveConnection(three), three);
      assert.equal(resolveConnection(null), one);
    });
    assert.equal(popConnection(), two);
    assert.equal(resolveConnection(), three);
  });
});

describe("withConnection", () => {
  it("uses the runtime's AsyncLocalStorage here", () => {
    assert.notEqual(createAsyncContext(), undefined);
  });

  it("makes the client current for fn, awaits and callbacks included, and returns fn's result", async () => {
    const result = await withConnection(one, async (client) => {
      assert.equal(client, one);
      await sleep(5);
      const inTimer = await new Promise((resolve) =>
        setTimeout(() => resolve(currentConnection()), 1)
      );
      assert.equal(inTimer, one);
      return await resolveConnection().ping("ctx");
    });
    assert.equal(result, "ctx");
    assert.equal(withConnection(two, () => currentConnection()), two);
    assert.equal(currentConnection(), undefined);
  });

  it("restores the outer connection on exit, also when fn throws", async () => {
    await withConnection(one, async () => {
      await withConnection(two, async () => {
        await sleep(1);
        assert.equal(currentConnection(), two);
      });
      assert.equal(currentConnection(), one);
      await assert.rejects(
        withConnection(three, async () => {
          await sleep(1);
          throw new Error("async boom");
        }),
        { message: "async boom" },
      );
      assert.equal(currentConnection(), one);
      assert.throws(() =>
        withConnection(three, () => {
          throw new Error("sync boom");
        }), { message: "sync boom" });
      assert.equal(currentConnection(), one);
    });
    assert.equal(currentConnection(), undefined);
  });

  it("keeps 100 concurrent tasks isolated, each with its own client", async () => {
    const clients = Array.from(
      { length: 100 },
      () => new Redis({ host: server.host, port: server.port }),
    );
    try {
      await one.del("ctx:tasks");
      const tasks = clients.map((client, i) =>
        withConnection(client, async () => {
          for (let step = 0; step < 5; step++) {
            await sleep(Math.random() * 5);
            assert.equal(currentConnection(), client, `task ${i}, step ${step}`);
            if (step === 2) await resolveConnection().sadd("ctx:tasks", String(i));
            await Promise.resolve();
            assert.equal(resolveConnection(), client, `task ${i}, step ${step}`);
          }
          return i;
        })
      );
      assert.deepEqual(await Promise.all(tasks), clients.map((_, i) => i));
      assert.equal(await one.scard("ctx:tasks"), 100);
      assert.equal(currentConnection(), undefined);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it("gives objects made inside a context that connection for good (RQ's Connection)", async () => {
    const [q1, q2, q3] = await withConnection(one, async () => {
      const q1 = new Queue("foo");
      const q2 = await withConnection(two, () => Promise.resolve(new Queue("bar")));
      const q3 = new Queue("qux");
      return [q1, q2, q3];
    });
    assert.equal(q1.connection, one);
    assert.equal(q2.connection, two);
    assert.equal(q3.connection, one);
    assert.equal(new Queue("explicit", { connection: three }).connection, three);
  });

  it("rejects a missing client with a TypeError", () => {
    assert.throws(() => withConnection(undefined as unknown as Redis, () => 1), {
      name: "TypeError",
      message: "withConnection() takes a Redis client, not undefined",
    });
  });
});

describe("pushConnection / popConnection", () => {
  it("keeps an explicit stack and pops in reverse order", () => {
    pushConnection(one);
    pushConnection(two);
    assert.equal(currentConnection(), two);
    assert.equal(popConnection(), two);
    assert.equal(currentConnection(), one);
    assert.equal(popConnection(), one);
    assert.equal(currentConnection(), undefined);
  });

  it("throws a clear RangeError when popping an empty stack", () => {
    assert.throws(() => popConnection(), {
      name: "RangeError",
      message:
        /connection stack is empty; each popConnection\(\) needs an earlier pushConnection\(\)/,
    });
    assert.throws(() => pushConnection(null as unknown as Redis), TypeError);
  });
});

describe("useConnection", () => {
  it("sets the global default, returns the previous one, and null clears it", () => {
    assert.equal(useConnection(one), undefined);
    assert.equal(currentConnection(), one);
    assert.equal(new Queue("jobs").connection, one);
    assert.equal(useConnection(two), one);
    assert.equal(useConnection(null), two);
    assert.equal(currentConnection(), undefined);
    assert.throws(() => useConnection(42 as unknown as Redis), TypeError);
  });
});

describe("ContextScope without AsyncLocalStorage (the fallback)", () => {
  it("restores the outer value on exit, also on a throw, for runs nested synchronously", async () => {
    const scope = new ContextScope<string>(undefined, () => new RangeError("overlap"));
    await scope.run("outer", () => {
      assert.equal(scope.get(), "outer");
      assert.equal(scope.run("inner", () => scope.get()), "inner");
      assert.throws(() =>
        scope.run("inner", () => {
          throw new Error("sync");
        })
      );
      const failing = scope.run("inner", async () => {
        await sleep(1);
        throw new Error("async");
      });
      assert.equal(scope.get(), "inner", "the pending async run's value is current");
      return assert.rejects(failing);
    });
    assert.equal(scope.get(), undefined);
  });

  it("refuses a run that starts while an asynchronous one is pending, instead of sharing it", async () => {
    const scope = new ContextScope<string>(undefined, () => new RangeError("overlap"));
    let seen: string | undefined;
    const first = scope.run("request-1", async () => {
      await sleep(1);
      seen = scope.get();
    });
    assert.throws(() => scope.run("request-2", () => "never"), RangeError);
    await first;
    assert.equal(seen, "request-1");
    assert.equal(scope.get(), undefined);
    assert.equal(scope.run("request-3", () => scope.get()), "request-3", "free again once settled");
  });
});
