/**
 * `ConnectionPool`: lends connections to one server, bounded by
 * `maxConnections`, with idle eviction, ageing, health checks, leak
 * detection, stats and events.
 *
 * @module
 */
import { Connection, type ConnectionOptions, parseRedisUrl } from "../connection/mod.ts";
import { ConnectionError, PoolExhaustedError, PoolTimeoutError } from "../errors.ts";
import { Connector } from "./_connector.ts";
import { Maintenance } from "./_maintenance.ts";
import { type ResolvedPoolOptions, resolvePoolOptions } from "./_options.ts";
import { Registry } from "./_registry.ts";
import type { Slot } from "./_slot.ts";
import { WaitTimes } from "./_wait_times.ts";
import { Lease } from "./lease.ts";
import {
  type AnyEventListener,
  type ListenerOptions,
  PoolEvent,
  type PoolEventMap,
} from "./pool_event.ts";
import { type Permit, Semaphore } from "./semaphore.ts";

/**
 * Where leak reports go: `console` fits.
 *
 * @example
 * ```ts
 * import { ConnectionPool, type PoolLogger } from "@redwire/redis";
 *
 * const logger: PoolLogger = { warn: (message) => console.warn(`[redis] ${message}`) };
 * const pool = new ConnectionPool({ leakDetectionThreshold: 30_000, logger });
 * ```
 */
export interface PoolLogger {
  /** Receives one warning, such as a leak report with the acquirer's stack. */
  warn(message: string): void;
}

/**
 * Options of {@linkcode ConnectionPool} and `BlockingConnectionPool`: every
 * connection option, plus the pool's own. Times are in ms.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, type PoolOptions } from "@redwire/redis";
 *
 * const options: PoolOptions = {
 *   host: "127.0.0.1",
 *   maxConnections: 20,
 *   minIdle: 2,
 *   idleTimeout: 60_000,
 *   maxLifetime: 3_600_000,
 *   healthCheckInterval: 30_000,
 * };
 * await using pool = new BlockingConnectionPool(options);
 * ```
 */
export interface PoolOptions extends ConnectionOptions {
  /** Most connections open at once. @default 2 ** 31 (ConnectionPool), 50 (BlockingConnectionPool) */
  maxConnections?: number;
  /** Connections kept open even when idle: opened in the background after the first acquire, never evicted below this. @default 0 */
  minIdle?: number;
  /** Most idle connections kept; one coming back past this is closed. @default maxConnections */
  maxIdle?: number;
  /** Close a connection idle this long, down to `minIdle` (precision: a quarter of it); `null` never. @default 300000 */
  idleTimeout?: number | null;
  /** Retire a connection this old when it next comes back (up to 10% sooner, at random, so they do not all go at once); `null` never. @default null */
  maxLifetime?: number | null;
  /** Warn (event "leak") when a connection stays lent longer than this; `null` never. @default null */
  leakDetectionThreshold?: number | null;
  /** Which idle connection to lend next: `"lifo"` keeps few connections warm, `"fifo"` spreads use. @default "lifo" */
  idleOrder?: "fifo" | "lifo";
  /** Longest wait for a free connection; `0` fails at once with PoolExhaustedError; `null` waits forever. @default 0 (ConnectionPool), 20000 (BlockingConnectionPool) */
  timeout?: number | null;
  /** Makes (and may connect) each connection instead of `new Connection(options)`; Sentinel pools use it. */
  connectionFactory?: () => Promise<Connection>;
  /** Log leak reports to `console.warn` (or to `logger`). @default false */
  logLeaks?: boolean;
  /** Receives leak reports; setting it turns logging on. */
  logger?: PoolLogger;
}

/**
 * Per-acquire options.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, type AcquireOptions } from "@redwire/redis";
 *
 * await using pool = new BlockingConnectionPool();
 * const options: AcquireOptions = { timeout: 500, signal: AbortSignal.timeout(1000) };
 * await using lease = await pool.acquire(options);
 * ```
 */
export interface AcquireOptions {
  /** Gives up waiting; the acquire rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Longest wait for a free connection, overriding the pool's `timeout`; `null` waits forever. */
  timeout?: number | null;
}

/**
 * Options of {@linkcode ConnectionPool.disconnect}.
 *
 * @example
 * ```ts
 * import { ConnectionPool, type DisconnectOptions } from "@redwire/redis";
 *
 * const pool = new ConnectionPool();
 * const options: DisconnectOptions = { inUse: true };
 * await pool.disconnect(options);
 * ```
 */
export interface DisconnectOptions {
  /** Also close lent connections (gracefully: in-flight replies finish). @default false */
  inUse?: boolean;
}

/**
 * Acquire wait times over the most recent 1024 acquires, in ms (millisecond
 * resolution; an acquire that found a free connection waited 0).
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, type WaitSummary } from "@redwire/redis";
 *
 * const pool = new BlockingConnectionPool();
 * const waits: WaitSummary = pool.stats().waitTime;
 * if (waits.p99 > 50) console.warn("raise maxConnections?");
 * ```
 */
export interface WaitSummary {
  /** Median wait. */
  p50: number;
  /** 99th percentile wait. */
  p99: number;
  /** Longest wait. */
  max: number;
}

/**
 * A snapshot of a pool's counts. `created`, `acquired`, `released`,
 * `timedOut` and `destroyed` count since the pool was made; the rest are
 * current. Wait times cover the last 1024 acquires.
 *
 * @example
 * ```ts
 * import { ConnectionPool, type PoolStats } from "@redwire/redis";
 *
 * const pool = new ConnectionPool();
 * const stats: PoolStats = pool.stats();
 * console.log(`${stats.inUse}/${stats.maxConnections} in use, p99 wait ${stats.waitTime.p99} ms`);
 * ```
 */
export interface PoolStats {
  /** The cap on open connections. */
  maxConnections: number;
  /** Connections made. */
  created: number;
  /** Connections idle in the pool. */
  idle: number;
  /** Connections lent. */
  inUse: number;
  /** Connections being opened. */
  connecting: number;
  /** Acquirers waiting for a connection. */
  waiting: number;
  /** Successful acquires. */
  acquired: number;
  /** Connections given back. */
  released: number;
  /** Acquires that gave up after `timeout`. */
  timedOut: number;
  /** Connections the pool closed or found closed. */
  destroyed: number;
  /** How long acquirers waited for a free connection, in ms. */
  waitTime: WaitSummary;
}

const EVENT_BITS: Record<string, number> = {
  create: 1,
  acquire: 2,
  release: 4,
  destroy: 8,
  error: 16,
  leak: 32,
};
const NO_OPTIONS: AcquireOptions = {};

type Listener = AnyEventListener | ((event: PoolEvent<never>) => void) | null;

/**
 * A pool of connections to one server. At `maxConnections` lent, a
 * `ConnectionPool` fails at once with {@linkcode PoolExhaustedError} (set
 * `timeout`, or use `BlockingConnectionPool`, to wait instead).
 *
 * Connections that broke, outlived `maxLifetime`, or were lent before
 * `reset()` are closed when they come back instead of being re-pooled.
 * Events (typed by {@linkcode PoolEventMap}): `create`, `acquire`, `release`,
 * `destroy`, `error`, `leak`.
 *
 * @example
 * ```ts
 * import { ConnectionPool } from "@redwire/redis";
 *
 * await using pool = ConnectionPool.fromUrl("redis://127.0.0.1:6379/0", { maxConnections: 20 });
 * {
 *   await using lease = await pool.acquire();
 *   await lease.connection.command(["SET", "greeting", "hello"]);
 * }
 * const conn = await pool.getConnection();
 * try {
 *   console.log(await conn.command(["GET", "greeting"]));
 * } finally {
 *   pool.release(conn);
 * }
 * console.log(pool.stats());
 * ```
 */
export class ConnectionPool extends EventTarget implements AsyncDisposable {
  #o: ResolvedPoolOptions;
  #permits: Semaphore;
  #registry: Registry;
  #maintenance: Maintenance;
  #configuredAddress: string;
  #label: string;
  #connector: Connector;
  #lastAddress: string | undefined;
  #listening = 0;
  #inUse = 0;
  #acquired = 0;
  #released = 0;
  #timedOut = 0;
  #waitTimes = new WaitTimes();
  #releaseLease = (lease: Lease): void => this.#releaseLeaseOf(lease);
  #toLease = (slot: Slot): Lease => this.#leaseOf(slot);

  /**
   * Prepares a pool; no connection is made until the first acquire (or `warmUp()`).
   *
   * @param options Connection options and pool options.
   * @throws {RangeError} If an option is out of range, naming option and value.
   */
  constructor(options: PoolOptions = {}) {
    super();
    const o = this.#o = resolvePoolOptions(options);
    // Checks the connection options now rather than at the first connect.
    const probe = new Connection(o.connection);
    const factoryOnly = o.connectionFactory !== undefined && o.connection.host === undefined &&
      o.connection.port === undefined && o.connection.path === undefined;
    this.#configuredAddress = factoryOnly ? "(connectionFactory)" : probe.address;
    const name = probe.options.clientName;
    this.#label = `db=${probe.options.db}${name ? ` name=${name}` : ""}`;
    this.#permits = new Semaphore(o.maxConnections, {
      timeoutError: (waited) => this.#timeoutError(waited),
    });
    this.#registry = new Registry(o, {
      destroyed: (connection, reason, error) => {
        if (this.#listening & 8) this.#emit("destroy", { connection, reason, error });
      },
      idled: () => this.#maintenance.idled(),
      lost: () => this.#connector.refill(),
    });
    this.#maintenance = new Maintenance(o, this.#registry, {
      refill: () => this.#connector.refill(),
      leak: (slot, heldFor) => this.#reportLeak(slot, heldFor),
    });
    const parts = {
      registry: this.#registry,
      permits: this.#permits,
      maintenance: this.#maintenance,
    };
    this.#connector = new Connector(o, parts, {
      created: (connection) => {
        this.#lastAddress = connection.address;
        if (this.#listening & 1) this.#emit("create", { connection });
      },
      failed: (error, during) => {
        if (this.#listening & 16) this.#emit("error", { error, during });
      },
      closedError: () => this.#closedError(),
    });
  }

  /**
   * Makes a pool from a `redis://`, `rediss://` or `unix://` URL. As in
   * redis-py, what the URL says wins over `options`.
   *
   * @param url The server URL; the password may be percent-encoded.
   * @param options More connection and pool options.
   * @returns A new pool of the class it is called on.
   * @throws {TypeError} If the URL is malformed (the message redacts the password).
   *
   * @example
   * ```ts
   * import { BlockingConnectionPool } from "@redwire/redis";
   *
   * const pool = BlockingConnectionPool.fromUrl("redis://:s3cret@10.0.0.5:6379/2", { timeout: 5000 });
   * console.log(pool.address); // "10.0.0.5:6379"
   * ```
   */
  static fromUrl<P extends ConnectionPool>(
    this: new (options: PoolOptions) => P,
    url: string,
    options: PoolOptions = {},
  ): P {
    return new this({ ...options, ...parseRedisUrl(url) });
  }

  /** Where the connections go (`host:port` or socket path); with a factory, the last one made. */
  get address(): string {
    return this.#lastAddress ?? this.#configuredAddress;
  }

  /**
   * Lends a connection as a {@linkcode Lease}: `await using` releases it.
   *
   * @param options A signal and a timeout overriding the pool's.
   * @returns The lease.
   * @throws {PoolExhaustedError} If all connections are lent and the timeout is 0.
   * @throws {PoolTimeoutError} If none came free within the timeout.
   * @throws {ConnectionError} If a new connection could not be made, or the pool is closed.
   */
  acquire(options: AcquireOptions = NO_OPTIONS): Promise<Lease> {
    return this.#borrow(options, this.#toLease);
  }

  /**
   * Lends an idle, ready connection at once, or returns `undefined` when that
   * would take a wait, a new connection or a health check (then `acquire()`).
   * No promise, no tick: the dispatcher's fast path.
   *
   * @returns A lease, or `undefined`.
   */
  tryAcquire(): Lease | undefined {
    if (this.#registry.closed || !this.#connector.started) return undefined;
    if (this.#registry.idle.length === 0) return undefined;
    const permit = this.#permits.tryAcquire();
    if (permit === null) return undefined;
    const slot = this.#registry.takeIdle();
    if (slot === undefined || this.#connector.needsCheck(slot)) {
      if (slot !== undefined) this.#registry.putIdle(slot);
      permit.release();
      return undefined;
    }
    this.#waitTimes.record(0);
    const stack = this.#o.leakDetectionThreshold === null ? undefined : captureStack();
    this.#lend(slot, permit, 0, stack);
    return this.#leaseOf(slot);
  }

  /**
   * Lends a connection; give it back with {@linkcode ConnectionPool.release}.
   * Prefer {@linkcode ConnectionPool.acquire}, which `await using` cannot forget.
   *
   * @param options A signal and a timeout overriding the pool's.
   * @returns A ready connection.
   * @throws {PoolExhaustedError} If all connections are lent and the timeout is 0.
   * @throws {PoolTimeoutError} If none came free within the timeout.
   * @throws {ConnectionError} If a new connection could not be made, or the pool is closed.
   */
  getConnection(options: AcquireOptions = NO_OPTIONS): Promise<Connection> {
    return this.#borrow(options, connectionOf);
  }

  /**
   * Gives back a connection lent by {@linkcode ConnectionPool.getConnection}.
   *
   * @param connection The connection.
   * @throws {TypeError} If it is not lent by this pool, was already released,
   * or is held by a lease (release the lease instead). No count changes.
   */
  release(connection: Connection): void {
    const slot = this.#registry.slots.get(connection);
    if (slot === undefined || slot.state !== "lent") {
      throw new TypeError(
        slot !== undefined || this.#registry.wasDiscarded(connection)
          ? `${connection} was already released to the pool for ${this.address}; release each connection once`
          : `${connection} was not lent by the pool for ${this.address}; release a connection to the pool it came from`,
      );
    }
    if (slot.holder !== null) {
      throw new TypeError(`${connection} is held by a Lease; call lease.release() instead`);
    }
    this.#giveBack(slot);
  }

  /**
   * Opens connections up to `minIdle` now, instead of after the first acquire.
   *
   * @returns Resolves once they are open.
   * @throws {ConnectionError} The first connection error (the pool stays usable).
   */
  async warmUp(): Promise<void> {
    if (this.#registry.closed) throw this.#closedError();
    await this.#connector.warmUp();
  }

  /**
   * The pool's counts now.
   *
   * @returns A snapshot: see {@linkcode PoolStats}.
   */
  stats(): PoolStats {
    return {
      maxConnections: this.#o.maxConnections,
      created: this.#registry.created,
      idle: this.#registry.idle.length,
      inUse: this.#inUse,
      connecting: this.#connector.connecting,
      waiting: this.#permits.waiting,
      acquired: this.#acquired,
      released: this.#released,
      timedOut: this.#timedOut,
      destroyed: this.#registry.destroyed,
      waitTime: this.#waitTimes.summary(),
    };
  }

  /**
   * Closes the idle connections, and with `inUse` the lent ones too (their
   * in-flight replies finish; they are not re-pooled). The pool stays
   * usable: the next acquire connects again.
   *
   * @param options `inUse: true` also closes lent connections.
   * @returns Resolves once those connections are closed.
   */
  async disconnect(options: DisconnectOptions = {}): Promise<void> {
    this.#connector.started = false;
    const closing = this.#registry.drainIdle("disconnect");
    if (options.inUse) {
      for (const slot of this.#registry.slots.values()) {
        slot.generation = -1; // never re-pooled when it comes back
        closing.push(slot.connection.close().catch(noop));
      }
    }
    this.#maintenance.rearm();
    await Promise.all(closing);
  }

  /**
   * redis-py's reset: closes the idle connections now; connections lent
   * before the reset are closed when they come back, never re-pooled.
   *
   * @returns Resolves once the idle connections are closed.
   */
  reset(): Promise<void> {
    return this.markStale();
  }

  /**
   * Same as {@linkcode ConnectionPool.reset}, for when the server behind the
   * address changed (a Sentinel failover): drops idle connections now, closes
   * lent ones when they come back, and refills `minIdle`.
   *
   * @returns Resolves once the idle connections are closed.
   */
  markStale(): Promise<void> {
    this.#registry.generation++;
    const closing = this.#registry.drainIdle("stale");
    this.#connector.refill();
    this.#maintenance.rearm();
    return Promise.all(closing).then(noop);
  }

  /**
   * Closes the pool for good: waiters reject, idle and lent connections close.
   *
   * @returns Resolves once every connection is closed.
   */
  async close(): Promise<void> {
    if (!this.#registry.closed) {
      this.#registry.closed = true;
      const error = new ConnectionError(
        `The pool for ${this.address} was closed while waiting for a connection`,
      );
      this.#permits.rejectWaiters(error);
      this.#connector.cancelWaits(error);
    }
    // A connection still connecting is closed as soon as it is made.
    await this.#connector.settled();
    await this.disconnect({ inUse: true });
    await this.#registry.settled();
  }

  /** Closes the pool; `await using pool = new ConnectionPool()` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description without credentials, such as `ConnectionPool(127.0.0.1:6379 db=0 name=web 2/20 in use)`. */
  override toString(): string {
    const use = `${this.#inUse}/${this.#o.maxConnections} in use`;
    return `${this.constructor.name}(${this.address} ${this.#label} ${use})`;
  }

  /**
   * Listens to a pool event; `event.detail` is typed by {@linkcode PoolEventMap}.
   *
   * @param type The event type.
   * @param listener Called with each event.
   * @param options EventTarget listener options.
   */
  override addEventListener<K extends keyof PoolEventMap>(
    type: K,
    listener: ((event: PoolEvent<K>) => void) | null,
    options?: ListenerOptions,
  ): void;
  /**
   * Listens to any event, as EventTarget does.
   *
   * @param type The event type.
   * @param listener The listener.
   * @param options EventTarget listener options.
   */
  override addEventListener(
    type: string,
    listener: AnyEventListener | null,
    options?: ListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Listener,
    options?: ListenerOptions,
  ): void {
    // Events nobody listens to are never built: the hot path allocates nothing for them.
    this.#listening |= EVENT_BITS[type] ?? 0;
    super.addEventListener(type, listener as AnyEventListener | null, options);
  }

  /**
   * Stops listening to a pool event.
   *
   * @param type The event type.
   * @param listener The listener given to addEventListener.
   * @param options EventTarget listener options.
   */
  override removeEventListener<K extends keyof PoolEventMap>(
    type: K,
    listener: ((event: PoolEvent<K>) => void) | null,
    options?: ListenerOptions,
  ): void;
  /**
   * Stops listening to any event, as EventTarget does.
   *
   * @param type The event type.
   * @param listener The listener.
   * @param options EventTarget listener options.
   */
  override removeEventListener(
    type: string,
    listener: AnyEventListener | null,
    options?: ListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener,
    options?: ListenerOptions,
  ): void {
    super.removeEventListener(type, listener as AnyEventListener | null, options);
  }

  /**
   * Takes a permit and a connection. The common cases settle without awaiting:
   * a free permit and a ready idle connection, or a waiter granted a permit
   * inside the release() that freed it, which hands it that connection.
   */
  #borrow<T>(options: AcquireOptions, wrap: (slot: Slot) => T): Promise<T> {
    // Captured here, synchronously, so the stack shows the caller.
    const stack = this.#o.leakDetectionThreshold === null ? undefined : captureStack();
    const signal = options.signal;
    if (this.#registry.closed) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#connector.started) this.#start();
    const permit = this.#permits.tryAcquire();
    if (permit !== null) {
      this.#waitTimes.record(0);
      const slot = this.#registry.takeIdle();
      if (slot !== undefined && !this.#connector.needsCheck(slot)) {
        this.#lend(slot, permit, 0, stack);
        return Promise.resolve(wrap(slot));
      }
      return this.#prepare(permit, slot, signal, stack, 0).then(wrap);
    }
    const timeout = options.timeout === undefined ? this.#o.timeout : options.timeout;
    if (timeout === 0) return Promise.reject(this.#exhaustedError());
    return new Promise<T>((resolve, reject) => {
      this.#permits.queue(
        (granted, waited) => {
          this.#waitTimes.record(waited);
          const slot = this.#registry.takeIdle();
          if (slot !== undefined && !this.#connector.needsCheck(slot)) {
            this.#lend(slot, granted, waited, stack);
            resolve(wrap(slot));
          } else {
            this.#prepare(granted, slot, signal, stack, waited).then(
              (ready) => resolve(wrap(ready)),
              reject,
            );
          }
        },
        reject,
        timeout,
        signal,
      );
    });
  }

  #start(): void {
    this.#connector.started = true;
    // After the current acquirer took its permit: warm-up takes what is left.
    if (this.#o.minIdle > 0) queueMicrotask(() => this.#connector.refill());
  }

  /** The slow path for a permit holder: health-check idle ones, or connect a new one. */
  async #prepare(
    permit: Permit,
    first: Slot | undefined,
    signal: AbortSignal | undefined,
    stack: string | undefined,
    waited: number,
  ): Promise<Slot> {
    let slot = first;
    const connector = this.#connector;
    while (slot !== undefined && !(await connector.healthy(slot))) slot = this.#registry.takeIdle();
    if (slot === undefined) slot = await connector.connectFor(permit, signal);
    if (this.#registry.closed || signal?.aborted) {
      const error = this.#registry.closed ? this.#closedError() : signal?.reason;
      this.#registry.putIdle(slot);
      permit.release();
      throw error;
    }
    this.#lend(slot, permit, waited, stack);
    return slot;
  }

  #lend(slot: Slot, permit: Permit, waited: number, stack: string | undefined): void {
    slot.state = "lent";
    slot.permit = permit;
    this.#inUse++;
    this.#acquired++;
    const threshold = this.#o.leakDetectionThreshold;
    if (threshold !== null) {
      slot.acquiredAt = Date.now();
      slot.stack = stack;
      slot.leakReported = false;
      this.#maintenance.wakeBy(slot.acquiredAt + threshold);
    }
    if (this.#listening & 2) this.#emit("acquire", { connection: slot.connection, waited });
  }

  #leaseOf(slot: Slot): Lease {
    const lease = new Lease(slot.connection, this.#releaseLease);
    slot.holder = lease;
    return lease;
  }

  #releaseLeaseOf(lease: Lease): void {
    const slot = this.#registry.slots.get(lease.connection);
    if (slot === undefined || slot.holder !== lease) {
      throw new TypeError(
        `This lease of ${lease.connection} is no longer current; it was already released`,
      );
    }
    this.#giveBack(slot);
  }

  #giveBack(slot: Slot): void {
    const permit = slot.permit!;
    slot.permit = null;
    slot.holder = null;
    slot.stack = undefined;
    this.#inUse--;
    this.#released++;
    const reason = this.#registry.retireReason(slot);
    if (reason === undefined) this.#registry.idleAgain(slot);
    if (this.#listening & 4) this.#emit("release", { connection: slot.connection });
    if (reason !== undefined) this.#registry.discard(slot, reason);
    // Last: this hands the permit to the longest waiter, who takes the idle connection.
    permit.release();
    if (reason !== undefined) this.#connector.refill();
  }

  #reportLeak(slot: Slot, heldFor: number): void {
    const stack = slot.stack ?? "(no stack)";
    if (this.#listening & 32) this.#emit("leak", { connection: slot.connection, heldFor, stack });
    this.#o.logger?.warn(
      `Possible connection leak: ${slot.connection} has been lent for ${heldFor} ms ` +
        `(leakDetectionThreshold ${this.#o.leakDetectionThreshold} ms) without being released; ` +
        `acquired at:\n${stack}`,
    );
  }

  #emit<K extends keyof PoolEventMap>(type: K, detail: PoolEventMap[K]): void {
    this.dispatchEvent(new PoolEvent(type, detail));
  }

  #exhaustedError(): PoolExhaustedError {
    const max = this.#o.maxConnections;
    const hint = this.#o.timeout === 0
      ? "raise maxConnections or use BlockingConnectionPool"
      : "raise maxConnections or pass a timeout";
    return new PoolExhaustedError(
      `Too many connections: ${max} of ${max} in use on ${this.address} (${hint})`,
    );
  }

  #timeoutError(waited: number): PoolTimeoutError {
    this.#timedOut++;
    const max = this.#o.maxConnections;
    return new PoolTimeoutError(
      `Timed out after ${waited} ms waiting for a connection: ${max} of ${max} in use on ${this.address} ` +
        "(raise maxConnections or timeout, or release connections sooner)",
    );
  }

  #closedError(): ConnectionError {
    return new ConnectionError(`The pool for ${this.address} is closed; create a new pool`);
  }
}

function noop(): void {}

function connectionOf(slot: Slot): Connection {
  return slot.connection;
}

function captureStack(): string {
  return (new Error("acquired here").stack ?? "").split("\n").slice(2).join("\n");
}
