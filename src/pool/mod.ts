/**
 * Connection pools: a FIFO semaphore, `ConnectionPool` (fails at the cap),
 * `BlockingConnectionPool` (waits at the cap), leases, stats and events.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool } from "@redwire/redis";
 *
 * await using pool = new BlockingConnectionPool({ maxConnections: 10, timeout: 2000 });
 * await using lease = await pool.acquire();
 * await lease.connection.command(["PING"]);
 * ```
 *
 * @module
 */
export { ConnectionPool } from "./connection_pool.ts";
export { POOL_OWN_OPTION_NAMES } from "./_options.ts";
export type {
  AcquireOptions,
  DisconnectOptions,
  PoolLogger,
  PoolOptions,
  PoolStats,
  WaitSummary,
} from "./pool_options.ts";
export { BlockingConnectionPool } from "./blocking_pool.ts";
export { Lease } from "./lease.ts";
export type { PooledConnection } from "./pooled_connection.ts";
export { PoolEvent } from "./pool_event.ts";
export type {
  AnyEventListener,
  DestroyReason,
  ListenerOptions,
  PoolEventMap,
} from "./pool_event.ts";
export { Permit, Semaphore } from "./semaphore.ts";
export type { SemaphoreOptions } from "./semaphore.ts";
