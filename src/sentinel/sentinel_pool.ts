/**
 * `SentinelConnectionPool`: a pool whose connections go wherever the
 * sentinels say the master (or a replica) is, and which follows failovers.
 *
 * @module
 */
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import {
  Connection,
  type ConnectionOptions,
  type TraceTarget,
  traceTarget,
} from "../connection/mod.ts";
import { MasterNotFoundError, ReplicaNotFoundError, type SentinelAnswer } from "../errors.ts";
import { BlockingConnectionPool, type DisconnectOptions, type PoolOptions } from "../pool/mod.ts";
import { type Address, addressKey, roleOf } from "./_replies.ts";
import { SentinelManagedConnection } from "./_managed_connection.ts";
import type { FailoverEvent, FailoverListener } from "./failover_watch.ts";

/**
 * What a {@linkcode SentinelConnectionPool} asks of the sentinels: a
 * `Sentinel` (or `SentinelDiscovery`) is one.
 *
 * @example
 * ```ts
 * import { Sentinel, type SentinelSource } from "@redwire/redis";
 *
 * const source: SentinelSource = new Sentinel([["127.0.0.1", 26379]]);
 * ```
 */
export interface SentinelSource {
  /** The sentinels, in the order they are asked. */
  readonly sentinels: [host: string, port: number][];
  /** Where the master of `name` is now. */
  discoverMaster(name: string): Promise<[host: string, port: number]>;
  /** The usable replicas of `name`. */
  discoverReplicas(name: string): Promise<[host: string, port: number][]>;
  /** Calls `listener` with each failover step for `name`; returns what stops it. */
  onFailover(name: string, listener: FailoverListener): () => void;
}

/**
 * Options of {@linkcode SentinelConnectionPool}: the data nodes' connection
 * and pool options (no host or port: the sentinels give those), and where to go.
 *
 * @example
 * ```ts
 * import { Sentinel, SentinelConnectionPool, type SentinelPoolOptions } from "@redwire/redis";
 *
 * const sentinel = new Sentinel([["127.0.0.1", 26379]]);
 * const options: SentinelPoolOptions = { sentinel, serviceName: "mymaster", role: "replica" };
 * await using pool = new SentinelConnectionPool(options);
 * ```
 */
export interface SentinelPoolOptions extends Omit<PoolOptions, "host" | "port" | "path"> {
  /** The sentinels to ask (a `Sentinel`). */
  sentinel: SentinelSource;
  /** The master group name the sentinels monitor, such as `"mymaster"`. */
  serviceName: string;
  /** Connect to the master, or to replicas in turn. @default "master" */
  role?: "master" | "replica";
  /** Follow the sentinels' failover announcements (drain the old master at once, wait for the new one). @default true */
  watchFailover?: boolean;
  /** Replica pools: use the master when no replica is usable. @default true */
  masterFallback?: boolean;
}

interface Hold {
  /** The master being replaced, as `host:port`. */
  previous: string;
  /** The replica the leader promoted, once announced. */
  promoted?: Address;
  /** When new connections stop waiting and ask the sentinels anyway. */
  until: number;
}

const PROMOTION_POLL = 20;

/**
 * A pool whose connection factory asks the sentinels for the current master
 * (or the next replica, round-robin, falling back to the master) each time it
 * makes a connection, and checks `ROLE` after the handshake.
 *
 * Failover: a READONLY reply or a broken connection marks the pool stale
 * (idle connections close now, lent ones when they come back; the next
 * connection asks the sentinels again). With `watchFailover`, the pool also
 * listens to every sentinel: once a failover starts it drains the old
 * master and new connections wait (up to `socketConnectTimeout`) for the
 * promoted replica, so no write reaches a master about to be demoted.
 *
 * @example
 * ```ts
 * import { Redis, Sentinel, SentinelConnectionPool } from "@redwire/redis";
 *
 * const sentinel = new Sentinel([["127.0.0.1", 26379], ["127.0.0.1", 26380]]);
 * const pool = new SentinelConnectionPool({ sentinel, serviceName: "mymaster", maxConnections: 20 });
 * await using redis = new Redis({ pool, autoCloseConnectionPool: true });
 * await redis.set("greeting", "hello");
 * ```
 */
export class SentinelConnectionPool extends BlockingConnectionPool {
  /** The sentinels this pool asks. */
  readonly sentinel: SentinelSource;
  /** The master group name. */
  readonly serviceName: string;
  /** Whether connections go to the master or to replicas. */
  readonly role: "master" | "replica";
  #data: ConnectionOptions;
  #clock: Clock;
  #watchFailover: boolean;
  #masterFallback: boolean;
  #holdLimit: number;
  #epoch = 0;
  /** The stale-marking count when each adopted connection was made. */
  #epochOf = new WeakMap<Connection, number>();
  #current: string | undefined;
  #trusted = false;
  #rotation = 0;
  #hold: Hold | undefined;
  #unwatch: (() => void) | undefined;
  #wake: (() => void)[] = [];
  #discovering: Promise<Address> | undefined;

  /**
   * Prepares a pool; nothing is asked or opened until the first acquire.
   *
   * @param options The sentinels, the group name, the role, and data-node options.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(options: SentinelPoolOptions) {
    const { sentinel, serviceName, role = "master", watchFailover = true, masterFallback = true } =
      options;
    const make: { pool?: SentinelConnectionPool } = {};
    super({
      ...poolPart(options),
      // Stable across failovers, unlike the address: metrics keep one series.
      poolName: options.poolName ?? `${serviceName}:${role}/${options.db ?? 0}`,
      connectionFactory: () => make.pool!.#make(),
    });
    make.pool = this;
    if (typeof serviceName !== "string" || serviceName === "") {
      throw new TypeError(`serviceName must be a master group name, got ${String(serviceName)}`);
    }
    this.sentinel = sentinel;
    this.serviceName = serviceName;
    this.role = role;
    this.#data = dataPart(options);
    this.#clock = this.#data.clock ?? SYSTEM_CLOCK;
    this.#watchFailover = watchFailover;
    this.#masterFallback = masterFallback;
    const limit = this.#data.socketConnectTimeout;
    this.#holdLimit = limit === null ? Infinity : limit ?? 10_000;
  }

  /**
   * Drops idle connections now and closes lent ones when they come back; the
   * next connection asks the sentinels again.
   *
   * @returns Resolves once the idle connections are closed.
   */
  override markStale(): Promise<void> {
    this.#epoch++;
    this.#trusted = false;
    return super.markStale();
  }

  /**
   * Closes connections as `ConnectionPool.disconnect` does, and stops
   * listening to the sentinels until the pool is used again.
   *
   * @param options `inUse: true` also closes lent connections.
   * @returns Resolves once those connections are closed.
   */
  override disconnect(options?: DisconnectOptions): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#hold = undefined;
    this.#wakeAll();
    return super.disconnect(options);
  }

  /**
   * The fields of tracing contexts: the node the sentinels chose (as
   * `serverAddress` / `serverPort` and `node`), the data nodes' database and
   * client name, and the pool's name.
   *
   * @returns The fields, without credentials.
   */
  override traceTarget(): TraceTarget {
    const address = this.address;
    return { ...traceTarget(address, this.#data, this.name), node: address };
  }

  /** A description without credentials. */
  override toString(): string {
    return `SentinelConnectionPool(${this.serviceName} ${this.role} at ${this.address})`;
  }

  #make(): Promise<Connection> {
    if (this.#watchFailover && this.#unwatch === undefined) {
      this.#unwatch = this.sentinel.onFailover(
        this.serviceName,
        (event) => this.#onFailover(event),
      );
    }
    return this.role === "master" ? this.#makeMaster() : this.#makeReplica();
  }

  // ---- master ----

  async #makeMaster(): Promise<Connection> {
    // A failover the sentinels announced: wait for its promoted replica
    // rather than write to a master about to be demoted (those writes would be lost).
    for (let hold = this.#hold; hold !== undefined; hold = this.#hold) {
      if (this.#clock.now() >= hold.until) {
        this.#hold = undefined; // the failover took too long: ask the sentinels as usual
        break;
      }
      if (hold.promoted !== undefined) {
        const connection = await this.#tryMaster(hold.promoted);
        if (connection !== undefined) return this.#adopt(connection, hold.promoted);
      }
      await this.#nextEvent(hold.promoted ? PROMOTION_POLL : hold.until - this.#clock.now());
    }
    const address = await this.#discoverMaster();
    const connection = await this.#open(address);
    const role = await this.#role(connection);
    if (role === "master") return this.#adopt(connection, address);
    connection.destroy();
    const where = addressKey(address);
    throw new MasterNotFoundError(
      `The sentinels name ${where} as master of "${this.serviceName}", but it answers ROLE ${role}: ` +
        "a failover is under way (commands not yet sent are retried)",
      [{ sentinel: this.#asked(), answer: `${where} (ROLE ${role})` }],
    );
  }

  /** One question to the sentinels at a time: a burst of new connections shares its answer. */
  #discoverMaster(): Promise<Address> {
    this.#discovering ??= this.sentinel.discoverMaster(this.serviceName).finally(() => {
      this.#discovering = undefined;
    });
    return this.#discovering;
  }

  /** A connection to `address` if it answers ROLE master now, else undefined. */
  async #tryMaster(address: Address): Promise<Connection | undefined> {
    try {
      const connection = await this.#open(address);
      if (await this.#role(connection) === "master") return connection;
      connection.destroy();
    } catch {
      // Not promoted yet (or its clients were just killed by the promotion): poll again.
    }
    return undefined;
  }

  // ---- replicas ----

  async #makeReplica(): Promise<Connection> {
    const answers: SentinelAnswer[] = [];
    let replicas: Address[] = [];
    try {
      replicas = await this.sentinel.discoverReplicas(this.serviceName);
      if (replicas.length === 0) {
        answers.push({ sentinel: this.#asked(), answer: "no usable replica" });
      }
    } catch (error) {
      answers.push(...answersOf(error));
    }
    const start = this.#rotation++;
    for (let i = 0; i < replicas.length; i++) {
      const address = replicas[(start + i) % replicas.length]!;
      const verdict = await this.#tryRole(address, "slave");
      if (verdict instanceof Connection) return this.#adopt(verdict, address);
      answers.push({
        sentinel: this.#asked(),
        answer: `replica ${addressKey(address)}: ${verdict}`,
      });
    }
    if (this.#masterFallback) {
      try {
        const address = await this.#discoverMaster();
        const verdict = await this.#tryRole(address, "master");
        if (verdict instanceof Connection) return this.#adopt(verdict, address);
        answers.push({
          sentinel: this.#asked(),
          answer: `master ${addressKey(address)}: ${verdict}`,
        });
      } catch (error) {
        answers.push(...answersOf(error));
      }
    }
    const fallback = this.#masterFallback ? " nor the master" : " (masterFallback is off)";
    throw new ReplicaNotFoundError(
      `No usable replica${fallback} for "${this.serviceName}": ` +
        answers.map((a) => `${a.sentinel} → ${a.answer}`).join("; "),
      answers,
    );
  }

  /** A connection when `address` answers ROLE `wanted`, else why not. */
  async #tryRole(address: Address, wanted: string): Promise<Connection | string> {
    try {
      const connection = await this.#open(address);
      const role = await this.#role(connection);
      if (role === wanted) return connection;
      connection.destroy();
      return `answers ROLE ${role}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  // ---- shared ----

  async #open(address: Address): Promise<Connection> {
    const [host, port] = address;
    const options = { ...this.#data, host, port };
    const connection = this.role === "master"
      ? new SentinelManagedConnection(options, (c) => this.#staleIfCurrent(c))
      : new Connection(options);
    await connection.connect();
    return connection;
  }

  async #role(connection: Connection): Promise<string> {
    try {
      return roleOf(await connection.command(["ROLE"]));
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /** Keeps a checked connection: remembers the address and watches for breakage. */
  #adopt(connection: Connection, address: Address): Connection {
    const key = addressKey(address);
    if (this.role === "master") {
      // The master moved while nothing told this pool: drop what points at the old one.
      if (this.#trusted && this.#current !== key) void this.markStale();
      this.#current = key;
      this.#trusted = true;
    }
    const epoch = this.#epoch;
    this.#epochOf.set(connection, epoch);
    connection.onClose((error) => {
      if (error !== undefined && epoch === this.#epoch) void this.markStale();
    });
    return connection;
  }

  #staleIfCurrent(connection: SentinelManagedConnection): void {
    // One READONLY (or one broken connection) is enough; the others on
    // connections from before are already condemned.
    if (this.#epochOf.get(connection) === this.#epoch) void this.markStale();
  }

  #asked(): string {
    const first = this.sentinel.sentinels[0];
    return first === undefined ? "(no sentinel)" : addressKey(first);
  }

  // ---- failover announcements ----

  #onFailover(event: FailoverEvent): void {
    const previous = addressKey(event.previous);
    if (this.role === "replica") {
      if (event.kind === "switched") void this.markStale();
      return;
    }
    const hold = this.#hold;
    switch (event.kind) {
      case "down":
      case "started":
      case "promoted":
        // Late news about a master this pool already left is not ours.
        if (hold === undefined && this.#current !== undefined && this.#current !== previous) return;
        this.#hold = {
          previous,
          promoted: event.master ?? hold?.promoted,
          until: hold?.until ?? this.#clock.now() + this.#holdLimit,
        };
        if (hold === undefined) void this.markStale();
        break;
      case "switched":
        this.#hold = undefined;
        if (this.#current !== undefined && this.#current !== addressKey(event.master!)) {
          void this.markStale();
        }
        break;
      case "aborted":
      case "up":
        if (hold?.promoted === undefined) this.#hold = undefined;
        break;
    }
    this.#wakeAll();
  }

  /** Resolves at the next failover event, or after `ms`. */
  #nextEvent(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const clock = this.#clock;
      const timer = Number.isFinite(ms) ? clock.setTimeout(done, Math.max(0, ms)) : undefined;
      const wake = this.#wake;
      function done(): void {
        clock.clearTimeout(timer);
        const at = wake.indexOf(done);
        if (at >= 0) wake.splice(at, 1);
        resolve();
      }
      wake.push(done);
    });
  }

  #wakeAll(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }
}

function answersOf(error: unknown): SentinelAnswer[] {
  if (error instanceof MasterNotFoundError && error.answers.length > 0) return error.answers;
  const message = error instanceof Error ? error.message : String(error);
  return [{ sentinel: "(sentinels)", answer: message }];
}

const POOL_KEYS = [
  "maxConnections",
  "minIdle",
  "maxIdle",
  "idleTimeout",
  "maxLifetime",
  "leakDetectionThreshold",
  "idleOrder",
  "timeout",
  "logLeaks",
  "logger",
  "healthCheckInterval",
  "poolName",
] as const;

const OWN_KEYS = ["sentinel", "serviceName", "role", "watchFailover", "masterFallback"];

/** The pool options among `options` (the factory replaces any connectionFactory). */
function poolPart(options: SentinelPoolOptions): PoolOptions {
  const picked: Record<string, unknown> = {};
  for (const key of POOL_KEYS) if (options[key] !== undefined) picked[key] = options[key];
  // The pool's chores keep the connections' time.
  if (options.clock !== undefined) picked.clock = options.clock;
  return picked as PoolOptions;
}

/** The connection options for data nodes: everything but pool and sentinel keys. */
function dataPart(options: SentinelPoolOptions): ConnectionOptions {
  const skip = new Set<string>([
    ...POOL_KEYS,
    ...OWN_KEYS,
    "connectionFactory",
    "host",
    "port",
    "path",
  ]);
  skip.delete("healthCheckInterval"); // a connection option too
  const entries = Object.entries(options).filter(([key]) => !skip.has(key));
  return Object.fromEntries(entries) as ConnectionOptions;
}
