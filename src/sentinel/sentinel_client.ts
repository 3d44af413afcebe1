/**
 * How `Sentinel` builds Redis clients without importing the client layer,
 * which sits above it: the client layer registers a builder when it loads.
 *
 * @module
 */
import type { ErrorClass, RetryPolicy } from "../connection/mod.ts";
// Type only: no runtime import points up the layers.
import type { Redis } from "../client/redis.ts";
import type { SentinelConnectionPool } from "./sentinel_pool.ts";

/**
 * What `masterFor()` hands the client layer to build a client.
 *
 * @example
 * ```ts
 * import type { SentinelClientInit } from "./sentinel_client.ts";
 *
 * const keys: (keyof SentinelClientInit)[] = ["pool", "autoCloseConnectionPool"];
 * ```
 */
export interface SentinelClientInit {
  /** The client's pool, which it closes on close(). */
  pool: SentinelConnectionPool;
  /** Always true: the client owns the pool. */
  autoCloseConnectionPool: true;
  /** The dispatcher's retry settings. */
  retryOnTimeout?: boolean;
  /** The dispatcher's retry settings. */
  retryOnError?: ErrorClass[];
  /** The dispatcher's retry settings. */
  retry?: RetryPolicy;
}

let buildClient: ((init: SentinelClientInit) => Redis) | undefined;

/**
 * Registers how `masterFor()` / `replicaFor()` build clients. The client
 * layer, above this one, calls it once when it loads; users never need to.
 *
 * @param build Makes a client from a pool and retry settings.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 * import { registerSentinelClient } from "./sentinel_client.ts";
 *
 * registerSentinelClient((init) => new Redis(init));
 * ```
 */
export function registerSentinelClient(build: (init: SentinelClientInit) => Redis): void {
  buildClient = build;
}

/**
 * Builds a client with the registered builder.
 *
 * @param init The client's pool and retry settings.
 * @param caller For the message, such as `"masterFor()"`.
 * @returns The client.
 * @throws {TypeError} If no builder was registered (the client layer was never loaded).
 *
 * @example
 * ```ts
 * import { buildSentinelClient } from "./sentinel_client.ts";
 *
 * console.log(typeof buildSentinelClient); // "function"
 * ```
 */
export function buildSentinelClient(init: SentinelClientInit, caller: string): Redis {
  if (buildClient === undefined) {
    throw new TypeError(`${caller} needs the client layer: import Redis from @redwire/redis`);
  }
  return buildClient(init);
}
