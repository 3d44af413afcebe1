/**
 * Redis Cluster: `RedisCluster`, its pipelines and transactions, `keySlot`.
 *
 * @module
 */
export { RedisCluster } from "./redis_cluster.ts";
export type { ClusterStats, NodeRole } from "./cluster_stats.ts";
export { ClusterMulti, ClusterPipeline } from "./cluster_pipeline.ts";
export { parseClusterUrl } from "./cluster_options.ts";
export type { LoadBalancing, RedisClusterOptions } from "./cluster_options.ts";
export { keySlot } from "./key_slot.ts";
export type { AddressMap } from "./_slot_map.ts";
