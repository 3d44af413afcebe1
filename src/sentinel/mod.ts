/**
 * Redis Sentinel below the client: discovery, `SentinelConnectionPool`, and
 * failover announcements. `Sentinel` (in the client layer) adds the methods
 * that make clients.
 *
 * @module
 */
export { sentinelClientOptions, SentinelDiscovery } from "./sentinel_discovery.ts";
export type { SentinelClientInit } from "./sentinel_discovery.ts";
export type {
  SentinelAddress,
  SentinelClientOptions,
  SentinelConfig,
  SentinelOptions,
} from "./sentinel_options.ts";
export { SentinelConnectionPool } from "./sentinel_pool.ts";
export type { SentinelPoolOptions, SentinelSource } from "./sentinel_pool.ts";
export { parseSentinelUrl } from "./sentinel_url.ts";
export type { SentinelUrl } from "./sentinel_url.ts";
export type { FailoverEvent, FailoverListener } from "./failover_watch.ts";
