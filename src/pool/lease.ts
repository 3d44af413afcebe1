/**
 * A connection lent by a pool until it is released or disposed.
 *
 * @module
 */
import type { Connection } from "../connection/mod.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/**
 * A connection lent by a pool. Release it once, or let `await using` do it:
 * after an explicit `release()`, disposing is harmless.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool } from "@redwire/redis";
 *
 * await using pool = new BlockingConnectionPool({ maxConnections: 4 });
 * {
 *   await using lease = await pool.acquire({ timeout: 1000 });
 *   await lease.connection.command(["SET", "k", "v"]);
 * } // released here, even if the command threw
 * ```
 */
export class Lease<C extends PooledConnection = Connection> implements AsyncDisposable, Disposable {
  /** The lent connection; do not use it after the lease is released. */
  readonly connection: C;
  #giveBack: ((lease: Lease<C>) => void) | null;

  /**
   * Made by pools; not constructed by users.
   *
   * @param connection The lent connection.
   * @param giveBack Returns the connection to its pool.
   */
  constructor(connection: C, giveBack: (lease: Lease<C>) => void) {
    this.connection = connection;
    this.#giveBack = giveBack;
  }

  /** Whether the lease was released. */
  get released(): boolean {
    return this.#giveBack === null;
  }

  /**
   * Returns the connection to its pool.
   *
   * @throws {TypeError} If the lease was already released (no count changes).
   */
  release(): void {
    const giveBack = this.#giveBack;
    if (giveBack === null) {
      throw new TypeError(
        `This lease of a connection to ${this.connection.address} was already released; release each lease once`,
      );
    }
    this.#giveBack = null;
    giveBack(this);
  }

  /** Releases the lease unless it was already released. */
  [Symbol.dispose](): void {
    if (this.#giveBack !== null) this.release();
  }

  /** Releases the lease unless it was already released; `await using` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#giveBack !== null) this.release();
    return Promise.resolve();
  }
}
