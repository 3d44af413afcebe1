/**
 * The slot map: which shard (a primary and its replicas) serves each of the
 * 16384 slots, read from `CLUSTER SHARDS` or `CLUSTER SLOTS`.
 *
 * @module
 */
import { replyText as text } from "../connection/mod.ts";
import type { Reply } from "../protocol/mod.ts";
import { SLOT_COUNT } from "./key_slot.ts";

/** A node as the cluster announces it, after `addressMap`. */
export interface NodeAddress {
  /** Host to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
  /** `host:port`, the node's name in the client. */
  key: string;
  /** The hostname the node announces, for TLS verification. */
  hostname?: string;
}

/** A primary and its replicas. */
export interface Shard {
  /** The shard's primary. */
  primary: NodeAddress;
  /** Its replicas (healthy ones only). */
  replicas: NodeAddress[];
}

/** Maps an announced address (NAT, containers). */
export type AddressMap = (host: string, port: number) => [string, number];

/** How to read addresses out of a topology reply. */
export interface TopologyContext {
  /** The host the reply came from: nodes announcing no address use it. */
  askedHost: string;
  /** Whether to use the TLS port. */
  tls: boolean;
  /** The user's `addressMap`, when given. */
  addressMap?: AddressMap;
}

/** A parsed topology: shards and the slot ranges they serve. */
export interface Topology {
  /** Every shard. */
  shards: Shard[];
  /** `[start, end, shard index]`. */
  ranges: [number, number, number][];
}

/**
 * Which shard serves each slot. Patched slot by slot on MOVED, replaced
 * whole by a topology refresh.
 */
export class SlotMap {
  #owner = new Int32Array(SLOT_COUNT).fill(-1);
  #shards: Shard[];

  /**
   * Builds the map from a parsed topology.
   *
   * @param topology Shards and ranges.
   */
  constructor(topology: Topology = { shards: [], ranges: [] }) {
    this.#shards = topology.shards;
    for (const [start, end, index] of topology.ranges) this.#owner.fill(index, start, end + 1);
  }

  /** Every shard. */
  get shards(): readonly Shard[] {
    return this.#shards;
  }

  /** How many slots have an owner. */
  get covered(): number {
    let count = 0;
    for (const owner of this.#owner) if (owner >= 0) count++;
    return count;
  }

  /** The shard serving `slot`, or undefined when none does. */
  shardOf(slot: number): Shard | undefined {
    const index = this.#owner[slot]!;
    return index < 0 ? undefined : this.#shards[index];
  }

  /** MOVED: `slot` is now served by the primary at `address`. */
  patch(slot: number, address: NodeAddress): void {
    let index = this.#shards.findIndex((shard) => shard.primary.key === address.key);
    if (index < 0) {
      index = this.#shards.length;
      this.#shards = [...this.#shards, { primary: address, replicas: [] }];
    }
    this.#owner[slot] = index;
  }

  /** Every node address, primaries first. */
  nodes(kind: "primary" | "replica" | "all"): NodeAddress[] {
    const primaries = this.#shards.map((shard) => shard.primary);
    const replicas = this.#shards.flatMap((shard) => shard.replicas);
    const chosen = kind === "primary" ? primaries : kind === "replica" ? replicas : [
      ...primaries,
      ...replicas,
    ];
    return [...new Map(chosen.map((node) => [node.key, node])).values()];
  }

  /** The primaries that serve at least one slot. */
  servingPrimaries(): NodeAddress[] {
    const used = new Set(this.#owner);
    return [
      ...new Map(
        this.#shards.filter((_, i) => used.has(i)).map((s) => [s.primary.key, s.primary]),
      ).values(),
    ];
  }
}

/** Builds a node address, applying `addressMap`. */
export function nodeAddress(
  host: string,
  port: number,
  context: TopologyContext,
  hostname?: string,
): NodeAddress {
  const [mappedHost, mappedPort] = context.addressMap?.(host, port) ?? [host, port];
  const key = `${mappedHost.includes(":") ? `[${mappedHost}]` : mappedHost}:${mappedPort}`;
  return { host: mappedHost, port: mappedPort, key, hostname: hostname || undefined };
}

/** Turns a RESP2 flat array or a RESP3 map into a record. */
function fields(reply: Reply): Record<string, Reply> {
  // Names and values are bytes when the client does not decode responses.
  const record: Record<string, Reply> = {};
  if (reply instanceof Map) {
    for (const [name, value] of reply) record[text(name)] = value;
    return record;
  }
  if (!Array.isArray(reply)) return {};
  for (let i = 0; i + 1 < reply.length; i += 2) record[text(reply[i])] = reply[i + 1]!;
  return record;
}

function announcedHost(value: Reply | undefined, context: TopologyContext): string {
  const host = text(value);
  return host === "" || host === "?" ? context.askedHost : host;
}

/**
 * Parses `CLUSTER SHARDS` (Redis 7.0+): each shard's slot ranges and nodes;
 * nodes not `online` are left out, a shard without an online primary too.
 *
 * @param reply The reply.
 * @param context Where it came from, TLS, addressMap.
 * @returns The topology.
 */
export function parseShards(reply: Reply, context: TopologyContext): Topology {
  const topology: Topology = { shards: [], ranges: [] };
  if (!Array.isArray(reply)) throw new TypeError("CLUSTER SHARDS did not answer an array");
  for (const entry of reply) {
    const shard = fields(entry);
    const slots = (shard.slots ?? []) as Reply[];
    let primary: NodeAddress | undefined;
    const replicas: NodeAddress[] = [];
    for (const nodeReply of (shard.nodes ?? []) as Reply[]) {
      const node = fields(nodeReply);
      if (text(node.health) !== "online") continue;
      const port = Number(context.tls ? node["tls-port"] ?? node.port : node.port);
      const host = announcedHost(node.endpoint ?? node.ip, context);
      const hostname = node.hostname === undefined ? undefined : text(node.hostname);
      const address = nodeAddress(host, port, context, hostname);
      if (text(node.role) === "master") primary = address;
      else replicas.push(address);
    }
    if (primary === undefined || slots.length === 0) continue;
    const index = topology.shards.push({ primary, replicas }) - 1;
    for (let i = 0; i + 1 < slots.length; i += 2) {
      topology.ranges.push([Number(slots[i]), Number(slots[i + 1]), index]);
    }
  }
  return topology;
}

/**
 * Parses `CLUSTER SLOTS` (the fallback for servers before 7.0): one entry per
 * slot range, primary first, then replicas.
 *
 * @param reply The reply.
 * @param context Where it came from, TLS, addressMap.
 * @returns The topology.
 */
export function parseSlots(reply: Reply, context: TopologyContext): Topology {
  const topology: Topology = { shards: [], ranges: [] };
  if (!Array.isArray(reply)) throw new TypeError("CLUSTER SLOTS did not answer an array");
  const byPrimary = new Map<string, number>();
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 3) continue;
    const [start, end, ...nodes] = entry as Reply[];
    const addresses = nodes.filter(Array.isArray).map((node) => {
      const [ip, port, , metadata] = node as Reply[];
      const hostname = metadata === undefined ? undefined : fields(metadata).hostname;
      return nodeAddress(
        announcedHost(ip, context),
        Number(port),
        context,
        hostname === undefined ? undefined : text(hostname),
      );
    });
    const [primary, ...replicas] = addresses;
    if (primary === undefined) continue;
    let index = byPrimary.get(primary.key);
    if (index === undefined) {
      index = topology.shards.push({ primary, replicas }) - 1;
      byPrimary.set(primary.key, index);
    }
    topology.ranges.push([Number(start), Number(end), index]);
  }
  return topology;
}
