/**
 * Pool benchmark: acquire + release throughput of redwire's pools, next to
 * `generic-pool` and `tarn` from npm, measured in the same run on the same
 * trivial in-memory resource (no network).
 *
 * - uncontended: one caller, acquire then release, in a loop;
 * - contended: 1000 concurrent callers on a pool of 10.
 *
 * Every pool is configured alike: at most 10 resources, created on demand,
 * and a 20 s acquire timeout. Run with `deno run -A bench/pool.ts`; it takes
 * about 15 s and never fails on a time.
 *
 * @module
 */
import genericPool from "npm:generic-pool@3.9.0";
import { Pool as TarnPool } from "npm:tarn@3.0.2";
import type { ConnectionState } from "../src/connection/mod.ts";
import { BlockingConnectionPool, type Lease, type PooledConnection } from "../src/pool/mod.ts";
import type { Reply } from "../src/protocol/mod.ts";

/** How long each case runs after its warm-up, in milliseconds. */
const CASE_MS = 700;
const WARMUP_MS = 200;
const ROUNDS = 3;
const MAX = 10;
const WAITERS = 1000;
const TIMEOUT = 20_000;

/** The smallest object a redwire pool accepts as a connection. */
class FakeConnection implements PooledConnection {
  readonly address = "fake:6379";
  state: ConnectionState = "ready";
  broken = false;
  lastUsedAt = Date.now();
  connect(): Promise<void> {
    return Promise.resolve();
  }
  command(): Promise<Reply> {
    return Promise.resolve("PONG");
  }
  close(): Promise<void> {
    this.state = "closed";
    return Promise.resolve();
  }
  destroy(): void {
    this.state = "closed";
  }
  onClose(): void {}
}

/** One pool under test, used as its users write it: acquire, then release. */
interface Subject<R = unknown> {
  name: string;
  acquire(): Promise<R>;
  release(resource: R): void;
  close(): Promise<void>;
}

function fakeFactory(): Promise<FakeConnection> {
  return Promise.resolve(new FakeConnection());
}

function redwireLease(): Subject<Lease<FakeConnection>> {
  const pool = new BlockingConnectionPool({
    maxConnections: MAX,
    timeout: TIMEOUT,
    connectionFactory: fakeFactory,
  });
  return {
    name: "redwire acquire/lease",
    acquire: () => pool.acquire(),
    release: (lease) => lease.release(),
    close: () => pool.close(),
  };
}

function redwireGetConnection(): Subject<FakeConnection> {
  const pool = new BlockingConnectionPool({
    maxConnections: MAX,
    timeout: TIMEOUT,
    connectionFactory: fakeFactory,
  });
  return {
    name: "redwire getConnection",
    acquire: () => pool.getConnection(),
    release: (conn) => pool.release(conn),
    close: () => pool.close(),
  };
}

function genericPoolSubject(): Subject<{ id: number }> {
  const pool = genericPool.createPool({
    create: () => Promise.resolve({ id: 1 }),
    destroy: () => Promise.resolve(),
  }, { max: MAX, min: 0, acquireTimeoutMillis: TIMEOUT });
  return {
    name: "generic-pool 3.9",
    acquire: () => pool.acquire(),
    // Its docs release without awaiting; the promise only reports errors.
    release: (resource) => void pool.release(resource),
    close: async () => {
      await pool.drain();
      await pool.clear();
    },
  };
}

function tarnSubject(): Subject<{ id: number }> {
  const pool = new TarnPool<{ id: number }>({
    create: () => Promise.resolve({ id: 1 }),
    destroy: () => {},
    min: 0,
    max: MAX,
    acquireTimeoutMillis: TIMEOUT,
  });
  return {
    name: "tarn 3.0",
    acquire: () => pool.acquire().promise,
    release: (resource) => void pool.release(resource),
    close: () => pool.destroy().then(() => {}),
  };
}

/** Acquires and releases in a loop for `ms`; returns cycles per second. */
async function uncontended<R>(subject: Subject<R>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  while (true) {
    for (let i = 0; i < 1000; i++) subject.release(await subject.acquire());
    n += 1000;
    const now = performance.now();
    if (now >= end) return (n * 1000) / (now - start);
  }
}

/** Runs WAITERS concurrent acquire/release loops for `ms`; returns cycles per second. */
async function contended<R>(subject: Subject<R>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  // A pool that hands resources over in microtasks never lets a timer fire:
  // each worker checks the clock every 64 cycles instead.
  const worker = async () => {
    while (true) {
      for (let i = 0; i < 64; i++) subject.release(await subject.acquire());
      n += 64;
      if (performance.now() >= end) return;
    }
  };
  await Promise.all(Array.from({ length: WAITERS }, worker));
  return (n * 1000) / (performance.now() - start);
}

async function measure<R>(
  make: () => Subject<R>,
  run: (subject: Subject<R>, ms: number) => Promise<number>,
): Promise<{ name: string; rate: number }> {
  const subject = make();
  await run(subject, WARMUP_MS);
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) best = Math.max(best, await run(subject, CASE_MS));
  await subject.close();
  return { name: subject.name, rate: best };
}

function format(rate: number): string {
  return Math.round(rate).toLocaleString("en-US").padStart(12);
}

/**
 * Runs both cases for every pool and prints ops/s and ratios against the
 * faster peer.
 *
 * @returns Resolves when the tables are printed.
 *
 * @example
 * ```ts ignore
 * import { runPoolBench } from "./bench/pool.ts";
 *
 * await runPoolBench();
 * ```
 */
export async function runPoolBench(): Promise<void> {
  const makers = [redwireLease, redwireGetConnection, genericPoolSubject, tarnSubject];
  const cases = [
    ["uncontended acquire+release (1 caller)", uncontended],
    [`contended acquire+release (${WAITERS} callers, ${MAX} resources)`, contended],
  ] as const;
  console.log(`pool benchmark: best of ${ROUNDS} x ${CASE_MS} ms per case, in-memory resource`);
  for (const [title, run] of cases) {
    const results = [];
    for (const make of makers) results.push(await measure(make, run));
    const peer = Math.max(
      ...results.filter((r) => !r.name.startsWith("redwire")).map((r) => r.rate),
    );
    console.log(`\n${title}`);
    console.log(`${"pool".padEnd(24)}${"ops/s".padStart(12)}  vs faster peer`);
    for (const { name, rate } of results) {
      console.log(`${name.padEnd(24)}${format(rate)}  ${(rate / peer).toFixed(2)}x`);
    }
  }
}

if (import.meta.main) {
  await runPoolBench();
}
