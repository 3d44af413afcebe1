/**
 * Builds the parts of a cluster client from its startup nodes and options:
 * the node registry, the topology reader, the router and the sharded
 * subscriber, wired to each other.
 *
 * @module
 */
import type { SubscriberHooks } from "../client/mod.ts";
import { NodeRegistry, type PoolWatcher } from "./_nodes.ts";
import { Router } from "./_router.ts";
import { ShardedSubscriber } from "./_sharded_pubsub.ts";
import { nodeAddress } from "./_slot_map.ts";
import { TopologyReader } from "./_topology.ts";
import {
  checkStartupNodes,
  parseClusterUrl,
  type RedisClusterOptions,
  resolveClusterOptions,
} from "./cluster_options.ts";

/** The parts of a cluster client. */
export interface ClusterParts {
  nodes: NodeRegistry;
  topology: TopologyReader;
  router: Router;
  subscriber: ShardedSubscriber;
}

/**
 * Checks the startup nodes and options and builds the parts (no I/O).
 *
 * @param startup `[host, port]` pairs or a cluster URL.
 * @param options The client's options.
 * @param watch Follows every node's pool (client events).
 * @param hooks The sharded subscriber's lost / restored hooks.
 * @returns The parts.
 */
export function assembleCluster(
  startup: [string, number][] | string,
  options: RedisClusterOptions,
  watch: PoolWatcher,
  hooks: SubscriberHooks,
): ClusterParts {
  const fromUrl = typeof startup === "string" ? parseClusterUrl(startup) : undefined;
  const addresses = fromUrl?.nodes ?? checkStartupNodes(startup as [string, number][]);
  const resolved = resolveClusterOptions({ ...fromUrl?.options, ...options });
  const tls = resolved.node.tls !== undefined && resolved.node.tls !== false;
  const context = { tls, addressMap: resolved.addressMap };
  const socketTimeout = resolved.node.socketTimeout;
  const nodes = new NodeRegistry({ ...resolved.node, readOnly: resolved.readFromReplicas }, watch);
  const topology = new TopologyReader({
    startup: addresses.map(([host, port]) =>
      nodeAddress(host, port, { ...context, askedHost: host })
    ),
    context,
    minInterval: resolved.minRefreshInterval,
    movedInterval: Math.max(resolved.minRefreshInterval, 1000),
    checkInterval: resolved.topologyCheckInterval,
    timeout: socketTimeout,
    onMap: () => subscriber.onTopology(),
  }, nodes);
  const router = new Router(
    {
      maxRedirects: resolved.maxRedirects,
      readFromReplicas: resolved.readFromReplicas,
      loadBalancing: resolved.loadBalancing,
      addressMap: resolved.addressMap,
      tls,
      budget: typeof socketTimeout === "number" ? socketTimeout : 30_000,
    },
    nodes,
    topology,
  );
  const subscriber = new ShardedSubscriber(router, hooks);
  return { nodes, topology, router, subscriber };
}
