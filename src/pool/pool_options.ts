/**
 * The public option and stats types of the pools.
 *
 * @module
 */
import type { Connection, ConnectionOptions } from "../connection/mod.ts";
import type { PooledConnection } from "./pooled_connection.ts";

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
export interface PoolOptions<C extends PooledConnection = Connection> extends ConnectionOptions {
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
  connectionFactory?: () => Promise<C>;
  /** Log leak reports to `console.warn` (or to `logger`). @default false */
  logLeaks?: boolean;
  /** Receives leak reports; setting it turns logging on. */
  logger?: PoolLogger;
  /**
   * While connects to the server fail, new attempts take turns behind one
   * shared backoff (`"wait"`: a few attempts per second at most); `"fail"`
   * rejects a connect that would wait with a ConnectionError (`written:
   * false`) at once, for callers that would rather go elsewhere (RedisCluster's
   * node pools re-read the topology instead). @default "wait"
   */
  reconnectBackoff?: "wait" | "fail";
  /** Names the pool in tracing contexts and metrics (`db.client.connection.pool.name`). @default "address/db", such as "127.0.0.1:6379/0" */
  poolName?: string;
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
  /** The `minIdle` option: idle connections kept open. */
  minIdle: number;
  /** The `maxIdle` option: most idle connections kept. */
  maxIdle: number;
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
