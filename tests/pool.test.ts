import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionState } from "../src/connection/mod.ts";
import {
  ConnectionError,
  PoolExhaustedError,
  PoolTimeoutError,
  TimeoutError,
} from "../src/errors.ts";
import {
  BlockingConnectionPool,
  ConnectionPool,
  type PooledConnection,
  type PoolEvent,
  type PoolOptions,
  Semaphore,
} from "../src/pool/mod.ts";
import type { RedisArgument, Reply } from "../src/protocol/mod.ts";
import { TestClock } from "./support/clock.ts";
import { eventually, sleep } from "./support/wait.ts";

/** An in-memory stand-in for Connection: no I/O, every reply "PONG". */
class FakeConnection implements PooledConnection {
  static count = 0;
  readonly id = ++FakeConnection.count;
  readonly address = "fake:6379";
  state: ConnectionState = "new";
  broken = false;
  pending = 0;
  lastUsedAt: number;
  commands: RedisArgument[][] = [];
  pingFails = false;
  #listeners: ((error?: Error) => void)[] = [];

  /** @param now The time source its lastUsedAt follows (the pool's clock, in clock tests). */
  constructor(readonly now: () => number = Date.now) {
    this.lastUsedAt = now();
  }

  connect(): Promise<void> {
    this.state = "ready";
    return Promise.resolve();
  }
  command(args: RedisArgument[]): Promise<Reply> {
    this.commands.push(args);
    if (this.state !== "ready") return Promise.reject(new ConnectionError("not open"));
    if (args[0] === "PING" && this.pingFails) {
      this.destroy(new ConnectionError("Connection closed by the server fake:6379"));
      return Promise.reject(new ConnectionError("Connection closed by the server fake:6379"));
    }
    this.lastUsedAt = this.now();
    return Promise.resolve("PONG");
  }
  close(): Promise<void> {
    this.#finish(undefined);
    return Promise.resolve();
  }
  destroy(error?: Error): void {
    if (this.state !== "closed") this.broken = error !== undefined;
    this.#finish(error);
  }
  onClose(listener: (error?: Error) => void): void {
    this.#listeners.push(listener);
  }
  /** What the server does to an idle connection it kills. */
  serverClose(): void {
    this.destroy(new ConnectionError("Connection closed by the server fake:6379"));
  }
  toString(): string {
    return `FakeConnection#${this.id}(${this.state})`;
  }
  #finish(error: Error | undefined): void {
    if (this.state === "closed") return;
    this.state = "closed";
    for (const listener of this.#listeners.splice(0)) listener(error);
  }
}

interface Fakes {
  made: FakeConnection[];
  factory: () => Promise<FakeConnection>;
  /** Makes the next `n` connects fail. */
  failNext(n: number, error?: Error): void;
  /** Holds connects until the returned function is called. */
  hold(): () => void;
}

function fakes(clock?: TestClock): Fakes {
  const made: FakeConnection[] = [];
  let failures = 0;
  let failure: Error = new ConnectionError("Cannot connect to fake:6379: connection refused");
  let gate: Promise<void> | undefined;
  return {
    made,
    factory: async () => {
      if (gate) await gate;
      if (failures > 0) {
        failures--;
        throw failure;
      }
      const conn = new FakeConnection(clock === undefined ? undefined : () => clock.now());
      made.push(conn);
      return conn;
    },
    failNext(n, error) {
      failures = n;
      if (error) failure = error;
    },
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

function fakePool(
  options: PoolOptions<FakeConnection> = {},
  f: Fakes = fakes(),
): ConnectionPool<FakeConnection> {
  return new ConnectionPool({ connectionFactory: f.factory, ...options });
}

function fakeBlockingPool(
  options: PoolOptions<FakeConnection> = {},
  f: Fakes = fakes(),
): BlockingConnectionPool<FakeConnection> {
  return new BlockingConnectionPool({ connectionFactory: f.factory, ...options });
}

function counts(pool: ConnectionPool<FakeConnection>) {
  const { idle, inUse, waiting, connecting } = pool.stats();
  return { idle, inUse, waiting, connecting };
}

describe("Semaphore", () => {
  it("times a waiter out on its clock, not before", async () => {
    const clock = new TestClock();
    const semaphore = new Semaphore(1, { clock });
    const held = await semaphore.acquire();
    const outcome = semaphore.acquire(100).then(() => "granted", (error: Error) => error.message);
    await clock.advance(99);
    assert.equal(semaphore.waiting, 1, "still waiting at 99 ms");
    await clock.advance(1);
    assert.match(await outcome, /100 ms/);
    assert.equal(semaphore.waiting, 0);
    held.release();
  });

  it("serves waiters in FIFO order", async () => {
    const semaphore = new Semaphore(1);
    const first = await semaphore.acquire();
    const order: number[] = [];
    const waits = Array.from({ length: 100 }, (_, i) =>
      semaphore.acquire(null).then((permit) => {
        order.push(i);
        permit.release();
      }));
    assert.equal(semaphore.waiting, 100);
    first.release();
    await Promise.all(waits);
    assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(semaphore.available, 1);
    assert.equal(semaphore.waiting, 0);
  });

  it("tryAcquire takes a free permit and never overtakes a waiter", async () => {
    const semaphore = new Semaphore(1);
    const permit = semaphore.tryAcquire();
    assert.ok(permit);
    assert.equal(semaphore.tryAcquire(), null);
    const waiter = semaphore.acquire(1000);
    permit.release();
    // The released permit went to the waiter, not to this late caller.
    assert.equal(semaphore.tryAcquire(), null);
    (await waiter).release();
    assert.equal(semaphore.available, 1);
  });

  it("rejects a timed-out waiter without leaking a permit", async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const started = Date.now();
    await assert.rejects(semaphore.acquire(30), TimeoutError);
    assert.ok(Date.now() - started >= 25, "waited the timeout");
    assert.equal(semaphore.waiting, 0);
    held.release();
    assert.equal(semaphore.available, 1);
  });

  it("times out waiters whose deadlines come out of queue order", async () => {
    const semaphore = new Semaphore(1, { timeoutError: (ms) => new RangeError(`waited ${ms}`) });
    const held = await semaphore.acquire();
    const long = semaphore.acquire(200);
    const short = semaphore.acquire(20);
    const forever = semaphore.acquire(null);
    await assert.rejects(short, { message: "waited 20" });
    assert.equal(semaphore.waiting, 2);
    await assert.rejects(long, { message: "waited 200" });
    held.release();
    (await forever).release();
    assert.equal(semaphore.available, 1);
    assert.equal(semaphore.waiting, 0);
  });

  it("rejects an aborted waiter with the signal's reason", async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(1000, controller.signal);
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.equal(semaphore.waiting, 0);
    await assert.rejects(semaphore.acquire(1000, controller.signal), (error) => error === reason);
    held.release();
    assert.equal(semaphore.available, 1);
  });

  it("throws on a second release and keeps its count", async () => {
    const semaphore = new Semaphore(2);
    const permit = await semaphore.acquire();
    permit.release();
    assert.throws(() => permit.release(), TypeError);
    assert.equal(semaphore.available, 2);
    assert.ok(permit.released);
  });

  it("rejects every waiter on rejectWaiters and checks its arguments", async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const waits = [semaphore.acquire(1000), semaphore.acquire(null)];
    semaphore.rejectWaiters(new Error("closing"));
    for (const wait of waits) await assert.rejects(wait, { message: "closing" });
    await assert.rejects(semaphore.acquire(-1), RangeError);
    assert.throws(() => new Semaphore(0), RangeError);
    held.release();
  });
});

describe("ConnectionPool", () => {
  it("throws PoolExhaustedError at maxConnections, at once", async () => {
    await using pool = fakePool({ maxConnections: 2 });
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    await assert.rejects(pool.getConnection(), (error) => {
      assert.ok(error instanceof PoolExhaustedError);
      assert.equal(
        error.message,
        "Too many connections: 2 of 2 in use on fake:6379 (raise maxConnections or use BlockingConnectionPool)",
      );
      return true;
    });
    await assert.rejects(pool.acquire(), PoolExhaustedError);
    pool.release(a);
    pool.release(b);
    assert.deepEqual(counts(pool), { idle: 2, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("reuses idle connections in LIFO order by default, FIFO when asked", async () => {
    for (const idleOrder of ["lifo", "fifo"] as const) {
      await using pool = fakePool({ idleOrder });
      const a = await pool.getConnection();
      const b = await pool.getConnection();
      pool.release(a);
      pool.release(b);
      const next = await pool.getConnection();
      assert.equal(next, idleOrder === "lifo" ? b : a, idleOrder);
      pool.release(next);
    }
  });

  it("tryAcquire() lends an idle connection at once, and never waits, connects or overtakes", async () => {
    await using pool = fakeBlockingPool({ maxConnections: 1 });
    assert.equal(pool.tryAcquire(), undefined, "nothing idle yet: no connect from tryAcquire");
    const first = await pool.acquire();
    assert.equal(pool.tryAcquire(), undefined, "at the cap");
    const waiter = pool.acquire();
    first.release(); // handed straight to the waiter
    assert.equal(pool.tryAcquire(), undefined, "never overtakes a waiter");
    const second = await waiter;
    second.release();
    const lease = pool.tryAcquire();
    assert.ok(lease !== undefined, "an idle connection is lent at once");
    assert.equal(lease.connection, first.connection);
    assert.deepEqual(counts(pool), { idle: 0, inUse: 1, waiting: 0, connecting: 0 });
    lease.release();
    assert.deepEqual(counts(pool), { idle: 1, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("throws a clear TypeError on a second release and changes no count", async () => {
    await using pool = fakePool();
    const conn = await pool.getConnection();
    pool.release(conn);
    const before = pool.stats();
    assert.throws(() => pool.release(conn), /already released/);
    assert.deepEqual(pool.stats(), before);
  });

  it("throws a clear TypeError on a stranger's connection and changes no count", async () => {
    await using pool = fakePool();
    await using other = fakePool();
    const conn = await other.getConnection();
    const before = pool.stats();
    assert.throws(() => pool.release(conn), /was not lent by the pool for /);
    assert.deepEqual(pool.stats(), before);
    other.release(conn);
  });

  it("releases a lease once; disposing after release is harmless", async () => {
    await using pool = fakePool();
    const lease = await pool.acquire();
    assert.throws(() => pool.release(lease.connection), /held by a Lease/);
    lease.release();
    assert.throws(() => lease.release(), /already released/);
    await lease[Symbol.asyncDispose]();
    const stats = pool.stats();
    assert.equal(stats.acquired, 1);
    assert.equal(stats.released, 1);
    assert.equal(stats.idle, 1);
  });

  it("releases a lease on `await using`, even when the body throws", async () => {
    await using pool = fakePool();
    await assert.rejects(async () => {
      await using lease = await pool.acquire();
      assert.equal(lease.connection.state, "ready");
      throw new Error("boom");
    }, { message: "boom" });
    assert.deepEqual(counts(pool), { idle: 1, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("rejects the acquirer with the connect error and releases the permit", async () => {
    const f = fakes();
    await using pool = fakePool({ maxConnections: 1 }, f);
    f.failNext(1);
    await assert.rejects(pool.acquire(), /Cannot connect to fake:6379/);
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
    const lease = await pool.acquire();
    lease.release();
  });

  it("destroys a broken connection instead of re-pooling it", async () => {
    const f = fakes();
    await using pool = fakePool({}, f);
    const reasons: string[] = [];
    pool.addEventListener("destroy", (event) => reasons.push(event.detail.reason));
    const conn = await pool.getConnection();
    conn.destroy(new ConnectionError("reply timed out"));
    pool.release(conn);
    assert.deepEqual(reasons, ["broken"]);
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
    const next = await pool.getConnection();
    assert.notEqual(next, conn);
    assert.throws(() => pool.release(conn), /already released/);
    pool.release(next);
  });

  it("drops an idle connection the server closed, and lends a live one", async () => {
    const f = fakes();
    await using pool = fakePool({}, f);
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    pool.release(a);
    pool.release(b);
    b.serverClose();
    assert.equal(pool.stats().idle, 1);
    const next = await pool.getConnection();
    assert.equal(next, a);
    pool.release(next);
  });

  it("reset(): idle ones close now, lent ones close when they come back", async () => {
    const f = fakes();
    await using pool = fakePool({}, f);
    const lent = await pool.getConnection();
    const idle = await pool.getConnection();
    pool.release(idle);
    await pool.reset();
    assert.equal(idle.state, "closed");
    assert.equal(lent.state, "ready", "a lent connection is not closed under its user");
    pool.release(lent); // legal: it was lent by this pool
    assert.equal(lent.state, "closed");
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
    const fresh = await pool.getConnection();
    assert.ok(fresh !== lent && fresh !== idle);
    pool.release(fresh);
    assert.equal(pool.stats().idle, 1, "connections made after the reset are pooled");
  });

  it("disconnect() closes idle ones; with inUse, lent ones too, never re-pooled", async () => {
    await using pool = fakePool();
    const kept = await pool.getConnection();
    const lent = await pool.getConnection();
    const idle = await pool.getConnection();
    pool.release(idle);
    await pool.disconnect();
    assert.equal(idle.state, "closed");
    assert.equal(lent.state, "ready");
    pool.release(kept);
    assert.equal(pool.stats().idle, 1, "without inUse, lent connections are pooled again");
    await pool.disconnect({ inUse: true });
    assert.equal(lent.state, "closed");
    pool.release(lent);
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
    const again = await pool.getConnection(); // still usable
    pool.release(again);
  });

  it("close() rejects waiters and later acquires", async () => {
    const pool = fakeBlockingPool({ maxConnections: 1 });
    const lease = await pool.acquire();
    const waiting = pool.acquire();
    await pool.close();
    await assert.rejects(waiting, /was closed while waiting/);
    await assert.rejects(pool.acquire(), /is closed/);
    assert.equal(lease.connection.state, "closed");
    lease.release();
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("markStale() drops idle connections and refills minIdle with new ones", async () => {
    const f = fakes();
    await using pool = fakePool({ minIdle: 2 }, f);
    await pool.warmUp();
    const [a, b] = f.made;
    await pool.markStale();
    assert.equal(a!.state, "closed");
    assert.equal(b!.state, "closed");
    await eventually(() => pool.stats().idle === 2, 1000, "the refill");
    assert.equal(f.made.length, 4);
  });

  it("close() waits for a connection being made, then closes it", async () => {
    const f = fakes();
    const pool = fakeBlockingPool({}, f);
    const open = f.hold();
    const acquiring = pool.acquire();
    await eventually(() => pool.stats().connecting === 1, 1000, "the connect to start");
    const closing = pool.close();
    open();
    await closing;
    await assert.rejects(acquiring, /is closed/);
    assert.equal(f.made[0]!.state, "closed");
    assert.deepEqual(counts(pool), { idle: 0, inUse: 0, waiting: 0, connecting: 0 });
    assert.equal(pool.stats().destroyed, 1);
  });

  it("closes a connection that comes back while maxIdle are idle", async () => {
    await using pool = fakePool({ maxIdle: 1 });
    const a = await pool.getConnection();
    const b = await pool.getConnection();
    pool.release(a);
    pool.release(b);
    assert.equal(pool.stats().idle, 1);
    assert.equal(b.state, "closed");
  });

  it("dispatches create, acquire, release and destroy events", async () => {
    await using pool = fakePool({ maxIdle: 0 });
    const seen: string[] = [];
    for (const type of ["create", "acquire", "release", "destroy"] as const) {
      pool.addEventListener(type, (event: PoolEvent<typeof type, FakeConnection>) => {
        assert.ok(event.detail.connection);
        seen.push(type);
      });
    }
    const lease = await pool.acquire();
    lease.release();
    assert.deepEqual(seen, ["create", "acquire", "release", "destroy"]);
  });

  it("builds from a URL, the URL winning over options", () => {
    const pool = ConnectionPool.fromUrl("redis://:pw@10.1.2.3:6380/2", {
      port: 1,
      maxConnections: 3,
    });
    assert.ok(pool instanceof ConnectionPool);
    assert.equal(pool.address, "10.1.2.3:6380");
    assert.equal(pool.stats().maxConnections, 3);
    const blocking = BlockingConnectionPool.fromUrl("redis://127.0.0.1:7000");
    assert.ok(blocking instanceof BlockingConnectionPool);
    assert.equal(blocking.stats().maxConnections, 50);
    assert.ok(!String(pool).includes("pw"));
  });

  it("throws RangeError naming the option on bad values", () => {
    const bad: [PoolOptions, RegExp][] = [
      [{ maxConnections: 0 }, /maxConnections must be an integer >= 1, got 0/],
      [{ minIdle: -1 }, /minIdle/],
      [{ maxConnections: 2, minIdle: 3 }, /minIdle must be at most maxConnections/],
      [{ minIdle: 2, maxIdle: 1 }, /maxIdle must be an integer >= 2/],
      [{ idleTimeout: 0 }, /idleTimeout/],
      [{ maxLifetime: 1.5 }, /maxLifetime/],
      [{ timeout: -5 }, /timeout/],
      [{ leakDetectionThreshold: Number.NaN }, /leakDetectionThreshold/],
      [{ idleOrder: "random" as "fifo" }, /idleOrder/],
      [{ port: 70000 }, /port/],
    ];
    for (const [options, message] of bad) assert.throws(() => new ConnectionPool(options), message);
  });
});

describe("BlockingConnectionPool", () => {
  it("serves 1000 acquirers on a pool of 10 in FIFO order, with consistent stats", async () => {
    const f = fakes();
    await using pool = fakeBlockingPool({ maxConnections: 10, timeout: 5000 }, f);
    const served: number[] = [];
    let concurrent = 0;
    let peak = 0;
    const tasks = Array.from({ length: 1000 }, async (_, i) => {
      await using lease = await pool.acquire();
      served.push(i);
      peak = Math.max(peak, ++concurrent);
      await lease.connection.command(["PING"]);
      await sleep(0);
      concurrent--;
    });
    await Promise.all(tasks);
    assert.deepEqual(served, Array.from({ length: 1000 }, (_, i) => i));
    assert.equal(peak, 10);
    const stats = pool.stats();
    assert.equal(f.made.length, 10);
    assert.equal(stats.created, 10);
    assert.equal(stats.acquired, 1000);
    assert.equal(stats.released, 1000);
    assert.deepEqual(counts(pool), { idle: 10, inUse: 0, waiting: 0, connecting: 0 });
    assert.equal(stats.timedOut, 0);
    assert.equal(stats.created - stats.destroyed, stats.idle + stats.inUse);
    assert.ok(stats.waitTime.max > 0 && stats.waitTime.p50 <= stats.waitTime.p99);
  });

  it("times out with PoolTimeoutError naming wait, cap and address, leaking no permit", async () => {
    await using pool = fakeBlockingPool({ maxConnections: 1, timeout: 30 });
    const lease = await pool.acquire();
    await assert.rejects(pool.acquire(), (error) => {
      assert.ok(error instanceof PoolTimeoutError);
      assert.match(
        error.message,
        /Timed out after 30 ms waiting for a connection: 1 of 1 in use on fake:6379/,
      );
      return true;
    });
    await assert.rejects(pool.getConnection({ timeout: 10 }), /after 10 ms/);
    assert.equal(pool.stats().timedOut, 2);
    lease.release();
    const again = await pool.acquire({ timeout: 0 });
    again.release();
    assert.deepEqual(counts(pool), { idle: 1, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("waits forever with timeout null, until a connection comes back", async () => {
    const clock = new TestClock();
    await using pool = fakeBlockingPool({ maxConnections: 1, timeout: null, clock });
    const lease = await pool.acquire();
    const waiting = pool.acquire();
    await clock.advance(24 * 3600_000);
    assert.equal(pool.stats().waiting, 1);
    lease.release();
    (await waiting).release();
  });

  it("leaves the pool exactly as it started after 10 000 acquire/abort cycles", async () => {
    await using pool = fakeBlockingPool({ maxConnections: 2, timeout: 60_000 });
    const held = [await pool.acquire(), await pool.acquire()];
    const before = pool.stats();
    for (let i = 0; i < 10_000; i++) {
      const controller = new AbortController();
      const waiting = pool.acquire({ signal: controller.signal });
      controller.abort();
      await assert.rejects(waiting, { name: "AbortError" });
    }
    assert.deepEqual(pool.stats(), before);
    for (const lease of held) lease.release();
    const after = pool.stats();
    assert.deepEqual(counts(pool), { idle: 2, inUse: 0, waiting: 0, connecting: 0 });
    assert.equal(after.acquired, 2);
    const a = await pool.acquire({ timeout: 0 });
    const b = await pool.acquire({ timeout: 0 });
    await assert.rejects(pool.acquire({ timeout: 0 }), PoolExhaustedError);
    a.release();
    b.release();
  });

  it("hands a connection made for an aborted acquirer to the idle set", async () => {
    const f = fakes();
    await using pool = fakeBlockingPool({ maxConnections: 1 }, f);
    const open = f.hold();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    await eventually(() => pool.stats().connecting === 1, 1000, "the connect to start");
    controller.abort(new Error("too slow"));
    await assert.rejects(waiting, { message: "too slow" });
    open();
    await eventually(() => pool.stats().idle === 1, 1000, "the connection to be pooled");
    assert.deepEqual(counts(pool), { idle: 1, inUse: 0, waiting: 0, connecting: 0 });
  });

  it("lets aborts and releases race without losing a permit", async () => {
    await using pool = fakeBlockingPool({ maxConnections: 3 });
    for (let round = 0; round < 200; round++) {
      const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
      const controllers = Array.from({ length: 6 }, () => new AbortController());
      // Each waiter that gets a connection gives it back at once, so all settle.
      const waits = controllers.map((c) =>
        pool.acquire({ signal: c.signal }).then((lease) => lease.release())
      );
      leases.forEach((lease) => lease.release());
      controllers.forEach((c, i) => i % 2 === 0 && c.abort());
      await Promise.allSettled(waits);
    }
    assert.deepEqual(counts(pool), { idle: 3, inUse: 0, waiting: 0, connecting: 0 });
    const stats = pool.stats();
    assert.equal(stats.acquired, stats.released);
  });
});

describe("ConnectionPool lifecycle", () => {
  it("evicts connections idle longer than idleTimeout, down to minIdle (dynamic pool)", async () => {
    const clock = new TestClock();
    const f = fakes(clock);
    const options = { maxConnections: 8, minIdle: 2, idleTimeout: 80, clock };
    await using pool = fakeBlockingPool(options, f);
    await pool.warmUp();
    assert.equal(pool.stats().idle, 2);
    // Load: 8 concurrent users grow the pool to its cap.
    const leases = await Promise.all(Array.from({ length: 8 }, () => pool.acquire()));
    assert.equal(pool.stats().created, 8);
    const released = clock.now();
    leases.forEach((lease) => lease.release());
    assert.equal(pool.stats().idle, 8);
    await clock.advance(60);
    assert.equal(pool.stats().idle, 8, "not evicted before idleTimeout");
    for (let step = 0; step < 100 && pool.stats().idle > 2; step++) await clock.advance(5);
    assert.equal(pool.stats().idle, 2, "shrinking to minIdle");
    assert.ok(clock.now() - released >= 80);
    await clock.advance(150);
    assert.equal(pool.stats().idle, 2, "minIdle connections stay");
    assert.equal(pool.stats().destroyed, 6);
  });

  it("retires a connection past maxLifetime when it comes back, never while lent", async () => {
    const clock = new TestClock();
    await using pool = fakePool({ maxLifetime: 50, clock }, fakes(clock));
    const lease = await pool.acquire();
    await clock.advance(80);
    assert.equal(lease.connection.state, "ready", "not closed in the middle of use");
    await lease.connection.command(["PING"]);
    lease.release();
    assert.equal(lease.connection.state, "closed");
    const idle = await pool.getConnection();
    pool.release(idle);
    await clock.advance(50);
    assert.equal(idle.state, "closed", "an idle connection ages out");
    assert.equal(pool.stats().idle, 0);
  });

  it("PINGs a connection idle longer than healthCheckInterval and replaces a dead one", async () => {
    const clock = new TestClock();
    await using pool = fakePool({ healthCheckInterval: 20, clock }, fakes(clock));
    const errors: string[] = [];
    pool.addEventListener("error", (event) => errors.push(event.detail.during));
    const first = await pool.getConnection();
    pool.release(first);
    const again = await pool.getConnection(); // used just now: no PING
    assert.equal(again.commands.length, 0);
    pool.release(again);
    await clock.advance(40);
    const checked = await pool.getConnection();
    assert.equal(checked, first);
    assert.deepEqual(checked.commands, [["PING"]]);
    pool.release(checked);
    await clock.advance(40);
    first.pingFails = true;
    const replaced = await pool.getConnection();
    assert.notEqual(replaced, first);
    assert.equal(first.state, "closed");
    assert.equal(replaced.state, "ready");
    assert.deepEqual(errors, ["healthCheck"]);
    pool.release(replaced);
  });

  it("warms up minIdle connections in the background after the first acquire", async () => {
    const f = fakes();
    await using pool = fakePool({ minIdle: 3 }, f);
    assert.equal(f.made.length, 0, "the constructor does no I/O");
    const lease = await pool.acquire();
    await eventually(() => pool.stats().created === 3, 1000, "warm-up");
    lease.release();
    assert.equal(pool.stats().idle, 3);
  });

  it("reports warm-up failures as error events, never as unhandled rejections", async () => {
    const f = fakes();
    await using pool = fakePool({ minIdle: 2 }, f);
    const errors: Error[] = [];
    pool.addEventListener("error", (event) => errors.push(event.detail.error));
    f.failNext(2);
    await assert.rejects(pool.warmUp(), /Cannot connect/);
    assert.equal(errors.length, 2);
    await pool.warmUp();
    assert.equal(pool.stats().idle, 2);
  });

  it("dispatches a leak event with the acquirer's stack, and logs it", async () => {
    const logged: string[] = [];
    const clock = new TestClock();
    await using pool = fakePool({
      leakDetectionThreshold: 30,
      logger: { warn: (message) => logged.push(message) },
      clock,
    }, fakes(clock));
    const leaks: { heldFor: number; stack: string }[] = [];
    pool.addEventListener("leak", (event) => leaks.push(event.detail));
    const lease = await (async function forgetfulCaller() {
      return await pool.acquire();
    })();
    const quick = await pool.acquire();
    quick.release();
    await clock.advance(29);
    assert.equal(leaks.length, 0, "not a leak before the threshold");
    await clock.advance(1);
    assert.equal(leaks.length, 1, "the leak event");
    assert.ok(leaks[0]!.heldFor >= 30);
    assert.match(leaks[0]!.stack, /forgetfulCaller/);
    assert.match(logged[0]!, /Possible connection leak: .* lent for \d+ ms/);
    await clock.advance(60);
    assert.equal(leaks.length, 1, "reported once");
    lease.release();
  });
});
