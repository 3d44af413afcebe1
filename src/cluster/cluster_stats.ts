/**
 * What `cluster.stats()` and `cluster.nodes()` speak of.
 *
 * @module
 */
import type { PoolStats } from "../pool/mod.ts";

/**
 * What `cluster.stats()` returns: topology reads, redirections, retries and
 * each node's pool counts.
 *
 * @example
 * ```ts
 * import { RedisCluster, type ClusterStats } from "@redwire/redis";
 *
 * await using cluster = new RedisCluster([["127.0.0.1", 7000]]);
 * const stats: ClusterStats = cluster.stats();
 * console.log(stats.topologyRefreshes, stats.redirects.moved);
 * ```
 */
export interface ClusterStats {
  /** How many times the topology was read. */
  topologyRefreshes: number;
  /** Redirections followed. */
  redirects: { moved: number; ask: number };
  /** Retries after TRYAGAIN and CLUSTERDOWN. */
  retries: { tryAgain: number; clusterDown: number };
  /** Pool stats by `host:port`. */
  nodes: Record<string, PoolStats>;
}

/**
 * Which nodes `cluster.nodes()` returns.
 *
 * @example
 * ```ts
 * import type { NodeRole } from "@redwire/redis";
 *
 * const role: NodeRole = "primary";
 * ```
 */
export type NodeRole = "primary" | "replica" | "all";
