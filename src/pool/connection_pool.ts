/**
 * `ConnectionPool`: lends connections to one server, bounded by
 * `maxConnections`, with idle eviction, ageing, health checks, leak
 * detection, stats and events.
 *
 * @module
 */
import {
  Connection,
  type ConnectionOptions,
  parseRedisUrl,
  type PoolAcquireTraceContext,
  traceAcquire,
  traceInstantAcquire,
  type TraceTarget,
  traceTarget,
} from "../connection/mod.ts";
import { ConnectionError, PoolExhaustedError, PoolTimeoutError } from "../errors.ts";
import { Connector } from "./_connector.ts";
import { Maintenance } from "./_maintenance.ts";
import { type ResolvedPoolOptions, resolvePoolOptions } from "./_options.ts";
import { Registry } from "./_registry.ts";
import type { SlotView } from "./_slot.ts";
import { WaitTimes } from "./_wait_times.ts";
import type { AcquireOptions, DisconnectOptions, PoolOptions, PoolStats } from "./pool_options.ts";
import type { PooledConnection } from "./pooled_connection.ts";
import { Lease } from "./lease.ts";
import {
  type AnyEventListener,
  type ListenerOptions,
  PoolEvent,
  type PoolEventMap,
} from "./pool_event.ts";
import { type Permit, Semaphore } from "./semaphore.ts";

/** One bit per event type, set once someone listens: events nobody listens to are never built. */
const EVENT_BITS = {
  create: 1,
  acquire: 2,
  release: 4,
  destroy: 8,
  error: 16,
  leak: 32,
  connecting: 64,
} as const;
const NO_OPTIONS: AcquireOptions = {};

type Listener = AnyEventListener | ((event: PoolEvent<never, never>) => void) | null;

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
export class ConnectionPool<C extends PooledConnection = Connection> extends EventTarget
  implements AsyncDisposable {
  #options: ResolvedPoolOptions<C>;
  /** `leakDetectionThreshold`, read on every acquire. */
  #leakThreshold: number | null;
  #permits: Semaphore;
  #registry: Registry<C>;
  #maintenance: Maintenance<C>;
  #configuredAddress: string;
  #label: string;
  #connector: Connector<C>;
  #lastAddress: string | undefined;
  #listening = 0;
  #inUse = 0;
  #acquired = 0;
  #released = 0;
  #timedOut = 0;
  #waitTimes = new WaitTimes();
  #target: [string, TraceTarget] | undefined;
  #releaseLease = (lease: Lease<C>): void => this.#releaseLeaseOf(lease);
  #toLease = (slot: SlotView<C>): Lease<C> => this.#leaseOf(slot);

  /**
   * Prepares a pool; no connection is made until the first acquire (or `warmUp()`).
   *
   * @param options Connection options and pool options.
   * @throws {RangeError} If an option is out of range, naming option and value.
   */
  constructor(options: PoolOptions<C> = {}) {
    super();
    const resolved = this.#options = resolvePoolOptions(options);
    this.#leakThreshold = resolved.leakDetectionThreshold;
    // Checks the connection options now rather than at the first connect.
    const probe = new Connection(resolved.connection);
    const factory = resolved.connectionFactory;
    const factoryOnly = factory !== undefined && resolved.connection.host === undefined &&
      resolved.connection.port === undefined && resolved.connection.path === undefined;
    this.#configuredAddress = factoryOnly ? "(connectionFactory)" : probe.address;
    const name = probe.options.clientName;
    this.#label = `db=${probe.options.db}${name ? ` name=${name}` : ""}`;
    this.#permits = new Semaphore(resolved.maxConnections, {
      timeoutError: (waited) => this.#timeoutError(waited),
      clock: resolved.clock,
    });
    this.#registry = new Registry(resolved, {
      destroyed: (connection, reason, error) => {
        if (reason === "broken" || reason === "health") this.#connector.lost();
        if (this.#listening & EVENT_BITS.destroy) {
          this.#emit("destroy", { connection, reason, error });
        }
      },
      idled: () => this.#maintenance.idled(),
      lost: () => this.#connector.refill(),
    });
    this.#maintenance = new Maintenance(resolved, this.#registry, {
      refill: () => this.#connector.refill(),
      leak: (slot, heldFor) => this.#reportLeak(slot, heldFor),
    });
    this.#connector = new Connector(
      resolved,
      // Without a factory the pool holds plain Connections: C is its default,
      // the one type argument a pool without a factory can have.
      factory ?? (() => Promise.resolve(new Connection(resolved.connection) as unknown as C)),
      this.#registry,
      this.#permits,
      this.#maintenance,
      {
        connecting: (attempt, reconnect) => {
          if (this.#listening & EVENT_BITS.connecting) {
            this.#emit("connecting", { attempt, reconnect });
          }
        },
        target: () => this.traceTarget(),
        created: (connection) => {
          this.#lastAddress = connection.address;
          if (this.#listening & EVENT_BITS.create) this.#emit("create", { connection });
        },
        failed: (error, during) => {
          if (this.#listening & EVENT_BITS.error) this.#emit("error", { error, during });
        },
        closedError: () => this.#closedError(),
      },
    );
  }

  /**
   * Makes a pool from a `redis://`, `rediss://` or `unix://` URL. As in
   * redis-py, what the URL says wins over `options`, except that `tls`
   * options (CA certificates, client certificate) refine a `rediss://` URL.
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
    const parsed = parseRedisUrl(url);
    return new this({ ...options, ...parsed, tls: mergeTls(options.tls, parsed.tls) });
  }

  /** Where the connections go (`host:port` or socket path); with a factory, the last one made. */
  get address(): string {
    return this.#lastAddress ?? this.#configuredAddress;
  }

  /** The pool's name in tracing contexts and metrics: the `poolName` option, or `address/db`. */
  get name(): string {
    return this.#options.poolName ?? `${this.address}/${this.#options.connection.db ?? 0}`;
  }

  /**
   * The fields every tracing context about this pool carries: server
   * address and port, database, pool name, client name (never credentials).
   *
   * @returns The fields; the same object until the pool's address changes.
   */
  traceTarget(): TraceTarget {
    const address = this.address;
    // A factory pool (Sentinel) follows its server: a new address, new fields.
    if (this.#target?.[0] === address) return this.#target[1];
    const target = traceTarget(address, this.#options.connection, this.name);
    this.#target = [address, target];
    return target;
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
  acquire(options: AcquireOptions = NO_OPTIONS): Promise<Lease<C>> {
    return traceAcquire(
      this,
      options.signal,
      (trace) => this.#borrow(options, this.#toLease, trace),
    );
  }

  /**
   * Lends an idle, ready connection at once, or returns `undefined` when that
   * would take a wait, a new connection or a health check (then `acquire()`).
   * No promise, no tick: the dispatcher's fast path.
   *
   * @returns A lease, or `undefined`.
   */
  tryAcquire(): Lease<C> | undefined {
    if (this.#registry.closed || !this.#connector.started) return undefined;
    if (this.#registry.idleCount === 0) return undefined;
    const permit = this.#permits.tryAcquire();
    if (permit === null) return undefined;
    const slot = this.#registry.takeIdle();
    if (slot === undefined || this.#connector.needsCheck(slot)) {
      if (slot !== undefined) this.#registry.putIdle(slot);
      permit.release();
      return undefined;
    }
    this.#waitTimes.record(0);
    const stack = this.#leakThreshold === null ? undefined : captureStack();
    this.#lend(slot, permit, 0, stack);
    traceInstantAcquire(this);
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
  getConnection(options: AcquireOptions = NO_OPTIONS): Promise<C> {
    return traceAcquire(
      this,
      options.signal,
      (trace) => this.#borrow(options, connectionOf, trace),
    );
  }

  /**
   * Gives back a connection lent by {@linkcode ConnectionPool.getConnection}.
   *
   * @param connection The connection.
   * @throws {TypeError} If it is not lent by this pool, was already released,
   * or is held by a lease (release the lease instead). No count changes.
   */
  release(connection: C): void {
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
      maxConnections: this.#options.maxConnections,
      minIdle: this.#options.minIdle,
      maxIdle: this.#options.maxIdle,
      created: this.#registry.created,
      idle: this.#registry.idleCount,
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
    this.#connector.stop();
    const closing = this.#registry.drainIdle("disconnect");
    if (options.inUse) closing.push(...this.#registry.closeAll());
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
  async markStale(): Promise<void> {
    this.#registry.markStale();
    this.#connector.resetBackoff();
    const closing = this.#registry.drainIdle("stale");
    this.#connector.refill();
    this.#maintenance.rearm();
    await Promise.all(closing);
  }

  /**
   * Closes the pool for good: waiters reject, idle and lent connections close.
   *
   * @returns Resolves once every connection is closed.
   */
  async close(): Promise<void> {
    if (!this.#registry.closed) {
      this.#registry.close();
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
    const use = `${this.#inUse}/${this.#options.maxConnections} in use`;
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
    listener: ((event: PoolEvent<K, C>) => void) | null,
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
    this.#listening |= EVENT_BITS[type as keyof typeof EVENT_BITS] ?? 0;
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
    listener: ((event: PoolEvent<K, C>) => void) | null,
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
  #borrow<T>(
    options: AcquireOptions,
    wrap: (slot: SlotView<C>) => T,
    trace?: PoolAcquireTraceContext,
  ): Promise<T> {
    // Captured here, synchronously, so the stack shows the caller.
    const stack = this.#leakThreshold === null ? undefined : captureStack();
    const signal = options.signal;
    if (this.#registry.closed) return Promise.reject(this.#closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#connector.start();
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
    const timeout = options.timeout === undefined ? this.#options.timeout : options.timeout;
    if (timeout === 0) return Promise.reject(this.#exhaustedError());
    return new Promise<T>((resolve, reject) => {
      this.#permits.queue(
        (granted, waited) => {
          this.#waitTimes.record(waited);
          if (trace !== undefined) trace.waited = waited;
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

  /** The slow path for a permit holder: health-check idle ones, or connect a new one. */
  async #prepare(
    permit: Permit,
    first: SlotView<C> | undefined,
    signal: AbortSignal | undefined,
    stack: string | undefined,
    waited: number,
  ): Promise<SlotView<C>> {
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

  #lend(slot: SlotView<C>, permit: Permit, waited: number, stack: string | undefined): void {
    this.#inUse++;
    this.#acquired++;
    const threshold = this.#leakThreshold;
    if (threshold === null) {
      this.#registry.lend(slot, permit);
    } else {
      const now = this.#options.clock.now();
      this.#registry.lend(slot, permit, now, stack);
      this.#maintenance.wakeBy(now + threshold);
    }
    if (this.#listening & EVENT_BITS.acquire) {
      this.#emit("acquire", { connection: slot.connection, waited });
    }
  }

  #leaseOf(slot: SlotView<C>): Lease<C> {
    const lease = new Lease(slot.connection, this.#releaseLease);
    this.#registry.hold(slot, lease);
    return lease;
  }

  #releaseLeaseOf(lease: Lease<C>): void {
    const slot = this.#registry.slots.get(lease.connection);
    if (slot === undefined || slot.holder !== lease) {
      throw new TypeError(
        `This lease of ${lease.connection} is no longer current; it was already released`,
      );
    }
    this.#giveBack(slot);
  }

  #giveBack(slot: SlotView<C>): void {
    this.#inUse--;
    this.#released++;
    const { permit, retired: reason } = this.#registry.giveBack(slot);
    if (this.#listening & EVENT_BITS.release) {
      this.#emit("release", { connection: slot.connection });
    }
    if (reason !== undefined) this.#registry.discard(slot, reason);
    // Last: this hands the permit to the longest waiter, who takes the idle connection.
    permit.release();
    if (reason !== undefined) this.#connector.refill();
  }

  #reportLeak(slot: SlotView<C>, heldFor: number): void {
    const stack = slot.stack ?? "(no stack)";
    if (this.#listening & EVENT_BITS.leak) {
      this.#emit("leak", { connection: slot.connection, heldFor, stack });
    }
    this.#options.logger?.warn(
      `Possible connection leak: ${slot.connection} has been lent for ${heldFor} ms ` +
        `(leakDetectionThreshold ${this.#leakThreshold} ms) without being released; ` +
        `acquired at:\n${stack}`,
    );
  }

  #emit<K extends keyof PoolEventMap>(type: K, detail: PoolEventMap<C>[K]): void {
    this.dispatchEvent(new PoolEvent<K, C>(type, detail));
  }

  #exhaustedError(): PoolExhaustedError {
    const max = this.#options.maxConnections;
    const hint = this.#options.timeout === 0
      ? "raise maxConnections or use BlockingConnectionPool"
      : "raise maxConnections or pass a timeout";
    return new PoolExhaustedError(
      `Too many connections: ${max} of ${max} in use on ${this.address} (${hint})`,
    );
  }

  #timeoutError(waited: number): PoolTimeoutError {
    this.#timedOut++;
    const max = this.#options.maxConnections;
    return new PoolTimeoutError(
      `Timed out after ${waited} ms waiting for a connection: ${max} of ${max} in use on ${this.address} ` +
        "(raise maxConnections or timeout, or release connections sooner)",
    );
  }

  #closedError(): ConnectionError {
    return new ConnectionError(`The pool for ${this.address} is closed; create a new pool`);
  }
}

function connectionOf<C extends PooledConnection>(slot: SlotView<C>): C {
  return slot.connection;
}

function captureStack(): string {
  return (new Error("acquired here").stack ?? "").split("\n").slice(2).join("\n");
}

/** A URL's `tls` over the options' one: `true` (from `rediss://`) keeps the options' TLS settings. */
function mergeTls(
  fromOptions: ConnectionOptions["tls"],
  fromUrl: ConnectionOptions["tls"],
): ConnectionOptions["tls"] {
  if (typeof fromOptions !== "object" || !fromUrl) return fromUrl ?? fromOptions;
  return fromUrl === true ? fromOptions : { ...fromOptions, ...fromUrl };
}
