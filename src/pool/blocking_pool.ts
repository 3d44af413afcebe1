/**
 * `BlockingConnectionPool`: a pool whose acquirers wait for a free connection.
 *
 * @module
 */
import { withBlockingDefaults } from "./_options.ts";
import { ConnectionPool } from "./connection_pool.ts";
import type { PoolOptions } from "./pool_options.ts";
import type { Connection } from "../connection/mod.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/**
 * A {@linkcode ConnectionPool} whose acquirers wait, first come first
 * served, while all `maxConnections` (default 50) are lent: up to `timeout`
 * ms (default 20000; `null` waits forever), then `PoolTimeoutError`. An
 * `AbortSignal` ends a wait early.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, PoolTimeoutError } from "@redwire/redis";
 *
 * await using pool = new BlockingConnectionPool({ maxConnections: 2, timeout: 5000 });
 * const tasks = Array.from({ length: 20 }, async (_, i) => {
 *   await using lease = await pool.acquire();
 *   await lease.connection.command(["SET", `task:${i}`, "done"]);
 * });
 * await Promise.all(tasks);
 * console.log(pool.stats().waitTime);
 * ```
 */
export class BlockingConnectionPool<C extends PooledConnection = Connection>
  extends ConnectionPool<C> {
  /**
   * Prepares a pool; no connection is made until the first acquire.
   *
   * @param options Connection options and pool options; `maxConnections`
   * defaults to 50 and `timeout` to 20000 ms.
   * @throws {RangeError} If an option is out of range, naming option and value.
   */
  constructor(options: PoolOptions<C> = {}) {
    super(withBlockingDefaults(options));
  }
}
