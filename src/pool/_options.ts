/**
 * Pool option defaults (one table) and their checks.
 *
 * @module
 */
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import { checkDuration, checkInteger } from "../_check.ts";
import type { ConnectionOptions } from "../connection/mod.ts";
import type { PoolLogger, PoolOptions } from "./pool_options.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/** Pool options with every default applied, split from the connection options. */
export interface ResolvedPoolOptions<C extends PooledConnection> {
  maxConnections: number;
  minIdle: number;
  maxIdle: number;
  idleTimeout: number | null;
  maxLifetime: number | null;
  healthCheckInterval: number;
  leakDetectionThreshold: number | null;
  idleOrder: "fifo" | "lifo";
  timeout: number | null;
  connectionFactory: (() => Promise<C>) | undefined;
  logger: PoolLogger | undefined;
  poolName: string | undefined;
  reconnectBackoff: "wait" | "fail";
  /** The connections' clock, which the pool's chores use too. */
  clock: Clock;
  connection: ConnectionOptions;
}

/** `ConnectionPool` defaults; `BlockingConnectionPool` overrides two of them. */
export const POOL_DEFAULTS = {
  /** redis-py's default: effectively unbounded. */
  maxConnections: 2 ** 31,
  minIdle: 0,
  idleTimeout: 300_000,
  maxLifetime: null,
  healthCheckInterval: 0,
  leakDetectionThreshold: null,
  idleOrder: "lifo",
  /** Non-blocking: fail at once with PoolExhaustedError. */
  timeout: 0,
} as const;

/** The pool's own options without a default; `satisfies` keeps the tables naming every option. */
const UNDEFAULTED = {
  maxIdle: true,
  connectionFactory: true,
  logLeaks: true,
  logger: true,
  poolName: true,
  reconnectBackoff: true,
} satisfies Record<
  Exclude<keyof PoolOptions, keyof ConnectionOptions | keyof typeof POOL_DEFAULTS>,
  true
>;

/** The name of every option of a pool's own (not its connections'). */
export const POOL_OWN_OPTION_NAMES: readonly string[] = [
  ...Object.keys(POOL_DEFAULTS),
  ...Object.keys(UNDEFAULTED),
];

/** What `BlockingConnectionPool` changes: redis-py's defaults for it. */
export const BLOCKING_DEFAULTS = { maxConnections: 50, timeout: 20_000 } as const;

/**
 * Applies the defaults once and checks every pool option; connection options
 * are passed through for the connection layer to check.
 */
export function resolvePoolOptions<C extends PooledConnection>(
  options: PoolOptions<C>,
): ResolvedPoolOptions<C> {
  const {
    maxConnections = POOL_DEFAULTS.maxConnections,
    minIdle = POOL_DEFAULTS.minIdle,
    maxIdle,
    idleTimeout = POOL_DEFAULTS.idleTimeout,
    maxLifetime = POOL_DEFAULTS.maxLifetime,
    healthCheckInterval = POOL_DEFAULTS.healthCheckInterval,
    leakDetectionThreshold = POOL_DEFAULTS.leakDetectionThreshold,
    idleOrder = POOL_DEFAULTS.idleOrder,
    timeout = POOL_DEFAULTS.timeout,
    connectionFactory,
    logLeaks,
    logger,
    poolName,
    reconnectBackoff = "wait",
    ...connection
  } = options;
  checkInteger("maxConnections", maxConnections, 1);
  checkInteger("minIdle", minIdle, 0);
  if (minIdle > maxConnections) {
    throw new RangeError(
      `minIdle must be at most maxConnections (${maxConnections}), got ${minIdle}`,
    );
  }
  const idleCap = maxIdle ?? maxConnections;
  checkInteger("maxIdle", idleCap, minIdle);
  checkDuration("idleTimeout", idleTimeout, 1, true);
  checkDuration("maxLifetime", maxLifetime, 1, true);
  checkDuration("healthCheckInterval", healthCheckInterval, 0);
  checkDuration("leakDetectionThreshold", leakDetectionThreshold, 1, true);
  checkDuration("timeout", timeout, 0, true);
  if (idleOrder !== "fifo" && idleOrder !== "lifo") {
    throw new RangeError(`idleOrder must be "fifo" or "lifo", got ${String(idleOrder)}`);
  }
  if (reconnectBackoff !== "wait" && reconnectBackoff !== "fail") {
    throw new RangeError(
      `reconnectBackoff must be "wait" or "fail", got ${String(reconnectBackoff)}`,
    );
  }
  if (poolName !== undefined && (typeof poolName !== "string" || poolName === "")) {
    throw new TypeError(`poolName must be a non-empty string, got ${String(poolName)}`);
  }
  if (connectionFactory !== undefined && typeof connectionFactory !== "function") {
    throw new TypeError(`connectionFactory must be a function, got ${typeof connectionFactory}`);
  }
  return {
    maxConnections,
    minIdle,
    maxIdle: idleCap,
    idleTimeout,
    maxLifetime,
    healthCheckInterval,
    leakDetectionThreshold,
    idleOrder,
    timeout,
    connectionFactory,
    logger: logger ?? (logLeaks ? console : undefined),
    poolName,
    reconnectBackoff,
    clock: connection.clock ?? SYSTEM_CLOCK,
    connection: { ...connection, healthCheckInterval },
  };
}

/**
 * Fills in `BlockingConnectionPool`'s defaults where the caller left a value
 * undefined (an explicit `null` timeout is kept: it means wait forever).
 */
export function withBlockingDefaults<C extends PooledConnection>(
  options: PoolOptions<C>,
): PoolOptions<C> {
  return {
    ...options,
    maxConnections: options.maxConnections ?? BLOCKING_DEFAULTS.maxConnections,
    timeout: options.timeout === undefined ? BLOCKING_DEFAULTS.timeout : options.timeout,
  };
}
