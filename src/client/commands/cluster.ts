/** Cluster commands: CLUSTER *, ASKING, READONLY, READWRITE. */
import { withOptional } from "./_options.ts";
import type { Reply } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { asIs, text, texts, toFieldsList, toNamedValues, toNumber, toOk } from "./_transforms.ts";
import { AdminCommands } from "./admin.ts";

/**
 * One shard of CLUSTER SHARDS.
 *
 * @example
 * ```ts
 * import type { ClusterShard } from "@redwire/redis";
 *
 * const shard: ClusterShard = { slots: [0, 5460], nodes: [] };
 * ```
 */
export interface ClusterShard {
  /** Slot ranges as a flat list of `start, end` pairs. */
  slots: number[];
  /** Its nodes, keys in camelCase (`id`, `port`, `ip`, `endpoint`, `role`, `replicationOffset`, `health`, ...). */
  nodes: Record<string, Reply>[];
}

function toShards(reply: Reply): ClusterShard[] {
  return toFieldsList<{ slots: Reply[]; nodes: Reply }>(reply).map((shard) => ({
    slots: shard.slots.map(toNumber),
    nodes: toFieldsList(shard.nodes),
  }));
}

/** CLUSTER INFO's `name:value` lines as a record. */
function toInfo(reply: Reply): Record<string, string> {
  return toNamedValues(text(reply).split("\r\n"), ":");
}

/**
 * Cluster commands (and everything before them). They go to the node the
 * client talks to; READONLY / READWRITE / ASKING change only the connection
 * that runs them (RedisCluster manages them itself).
 * @internal
 */
export abstract class ClusterCommands<K extends ResultKind, S, V extends Bulk = string>
  extends AdminCommands<K, S, V> {
  /** ASKING: the next command may target an importing slot; true. */
  asking(): Result<boolean, K, S> {
    return this.call(["ASKING"], toOk);
  }
  /** CLUSTER ADDSLOTS: true. */
  clusterAddslots(...slots: number[]): Result<boolean, K, S> {
    return this.call(["CLUSTER", "ADDSLOTS", ...slots], toOk);
  }
  /** CLUSTER ADDSLOTSRANGE `[start, end]` ranges: true. */
  clusterAddslotsrange(...ranges: [number, number][]): Result<boolean, K, S> {
    return this.call(["CLUSTER", "ADDSLOTSRANGE", ...ranges.flat()], toOk);
  }
  /** CLUSTER BUMPEPOCH: "BUMPED epoch" or "STILL epoch". */
  clusterBumpepoch(): Result<string, K, S> {
    return this.call(["CLUSTER", "BUMPEPOCH"], text);
  }
  /** CLUSTER COUNT-FAILURE-REPORTS for a node id. */
  clusterCountFailureReports(nodeId: string): Result<number, K, S> {
    return this.call(["CLUSTER", "COUNT-FAILURE-REPORTS", nodeId], toNumber);
  }
  /** CLUSTER COUNTKEYSINSLOT. */
  clusterCountkeysinslot(slot: number): Result<number, K, S> {
    return this.call(["CLUSTER", "COUNTKEYSINSLOT", slot], toNumber);
  }
  /** CLUSTER DELSLOTS: true. */
  clusterDelslots(...slots: number[]): Result<boolean, K, S> {
    return this.call(["CLUSTER", "DELSLOTS", ...slots], toOk);
  }
  /** CLUSTER DELSLOTSRANGE `[start, end]` ranges: true. */
  clusterDelslotsrange(...ranges: [number, number][]): Result<boolean, K, S> {
    return this.call(["CLUSTER", "DELSLOTSRANGE", ...ranges.flat()], toOk);
  }
  /** CLUSTER FAILOVER on a replica: true. */
  clusterFailover(mode?: "FORCE" | "TAKEOVER"): Result<boolean, K, S> {
    return this.call(
      withOptional(["CLUSTER", "FAILOVER"], mode),
      toOk,
    );
  }
  /** CLUSTER FLUSHSLOTS: true. */
  clusterFlushslots(): Result<boolean, K, S> {
    return this.call(["CLUSTER", "FLUSHSLOTS"], toOk);
  }
  /** CLUSTER FORGET a node id: true. */
  clusterForget(nodeId: string): Result<boolean, K, S> {
    return this.call(["CLUSTER", "FORGET", nodeId], toOk);
  }
  /** CLUSTER GETKEYSINSLOT: up to `count` keys of a slot. */
  clusterGetkeysinslot(slot: number, count: number): Result<V[], K, S> {
    return this.call(["CLUSTER", "GETKEYSINSLOT", slot, count], asIs<V[]>);
  }
  /** CLUSTER INFO as a record (`cluster_state`, `cluster_known_nodes`, ...). */
  clusterInfo(): Result<Record<string, string>, K, S> {
    return this.call(["CLUSTER", "INFO"], toInfo);
  }
  /** CLUSTER KEYSLOT: the slot of a key. */
  clusterKeyslot(key: RedisKey): Result<number, K, S> {
    return this.call(["CLUSTER", "KEYSLOT", key], toNumber);
  }
  /** CLUSTER LINKS: one record per cluster-bus link (`direction`, `node`, `createTime`, ...). */
  clusterLinks(): Result<Record<string, Reply>[], K, S> {
    return this.call(["CLUSTER", "LINKS"], toFieldsList<Record<string, Reply>>);
  }
  /** CLUSTER MEET another node: true. */
  clusterMeet(ip: string, port: number, clusterBusPort?: number): Result<boolean, K, S> {
    const args = ["CLUSTER", "MEET", ip, port];
    return this.call(withOptional(args, clusterBusPort), toOk);
  }
  /** CLUSTER MYID: this node's id. */
  clusterMyid(): Result<string, K, S> {
    return this.call(["CLUSTER", "MYID"], text);
  }
  /** CLUSTER NODES, as the server's text (one line per node). */
  clusterNodes(): Result<string, K, S> {
    return this.call(["CLUSTER", "NODES"], text);
  }
  /** CLUSTER REPLICAS of a node: their CLUSTER NODES lines. */
  clusterReplicas(nodeId: string): Result<string[], K, S> {
    return this.call(["CLUSTER", "REPLICAS", nodeId], texts);
  }
  /** CLUSTER REPLICATE a node: true. */
  clusterReplicate(nodeId: string): Result<boolean, K, S> {
    return this.call(["CLUSTER", "REPLICATE", nodeId], toOk);
  }
  /** CLUSTER RESET: true. */
  clusterReset(mode?: "HARD" | "SOFT"): Result<boolean, K, S> {
    return this.call(withOptional(["CLUSTER", "RESET"], mode), toOk);
  }
  /** CLUSTER SAVECONFIG: true. */
  clusterSaveconfig(): Result<boolean, K, S> {
    return this.call(["CLUSTER", "SAVECONFIG"], toOk);
  }
  /** CLUSTER SET-CONFIG-EPOCH: true. */
  clusterSetConfigEpoch(epoch: number): Result<boolean, K, S> {
    return this.call(["CLUSTER", "SET-CONFIG-EPOCH", epoch], toOk);
  }
  /** CLUSTER SETSLOT: IMPORTING / MIGRATING / NODE with a node id, or STABLE; true. */
  clusterSetslot(
    slot: number,
    state: { importing: string } | { migrating: string } | { node: string } | "STABLE",
  ): Result<boolean, K, S> {
    const args: (string | number)[] = ["CLUSTER", "SETSLOT", slot];
    if (state === "STABLE") args.push("STABLE");
    else if ("importing" in state) args.push("IMPORTING", state.importing);
    else if ("migrating" in state) args.push("MIGRATING", state.migrating);
    else args.push("NODE", state.node);
    return this.call(args, toOk);
  }
  /** CLUSTER SHARDS: `{ slots, nodes }` per shard. */
  clusterShards(): Result<ClusterShard[], K, S> {
    return this.call(["CLUSTER", "SHARDS"], toShards);
  }
  /** READONLY: this connection may read from a replica; true. */
  readonly(): Result<boolean, K, S> {
    return this.call(["READONLY"], toOk);
  }
  /** READWRITE: undoes READONLY; true. */
  readwrite(): Result<boolean, K, S> {
    return this.call(["READWRITE"], toOk);
  }
}
