/**
 * Redis Sentinel: discovery, `SentinelConnectionPool`, and failover handling.
 *
 * @example
 * ```ts
 * import { Sentinel } from "@redwire/redis";
 *
 * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
 * await using master = sentinel.masterFor("mymaster");
 * await master.set("k", "v");
 * ```
 *
 * @module
 */
export { Sentinel, sentinelClientOptions } from "./sentinel.ts";
export { registerSentinelClient } from "./sentinel_client.ts";
export type { SentinelClientInit } from "./sentinel_client.ts";
export type {
  SentinelAddress,
  SentinelClientOptions,
  SentinelConfig,
  SentinelOptions,
} from "./sentinel_options.ts";
export { SentinelConnectionPool } from "./sentinel_pool.ts";
export type { SentinelPoolOptions } from "./sentinel_pool.ts";
export { parseSentinelUrl } from "./sentinel_url.ts";
export type { SentinelUrl } from "./sentinel_url.ts";
export type { FailoverEvent, FailoverListener } from "./failover_watch.ts";
