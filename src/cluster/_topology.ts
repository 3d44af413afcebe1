/**
 * Reads the cluster's topology: `CLUSTER SHARDS` (falling back to `CLUSTER
 * SLOTS`) on a pooled connection of a known node, never more than one read
 * in flight, at most one per `minInterval`, plus a rare jittered check.
 *
 * @module
 */
import { ConnectionError, ReplyError } from "../errors.ts";
import type { Reply } from "../protocol/mod.ts";
import type { NodeRegistry } from "./_nodes.ts";
import {
  type NodeAddress,
  parseShards,
  parseSlots,
  SlotMap,
  type Topology,
  type TopologyContext,
} from "./_slot_map.ts";
import { SLOT_COUNT } from "./key_slot.ts";

/** Settings of the topology reader. */
export interface TopologySettings {
  /** The startup nodes, tried after the known ones. */
  startup: NodeAddress[];
  /** Address mapping and TLS. */
  context: Omit<TopologyContext, "askedHost">;
  /** Least time between two reads, in ms. */
  minInterval: number;
  /** Least time between a read and one asked for by a MOVED, in ms. */
  movedInterval: number;
  /** Mean period of the background check, in ms; 0 disables it. */
  checkInterval: number;
  /** Reply deadline of a topology read. */
  timeout: number | null | undefined;
  /** Called with each new map. */
  onMap: (map: SlotMap) => void;
}

/** Reads topologies into slot maps; one in flight at a time. */
export class TopologyReader {
  /** How many reads ran. */
  refreshes = 0;
  #settings: TopologySettings;
  #nodes: NodeRegistry;
  #map: SlotMap | undefined;
  #inFlight: Promise<SlotMap> | undefined;
  #lastRead = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #movedTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(settings: TopologySettings, nodes: NodeRegistry) {
    this.#settings = settings;
    this.#nodes = nodes;
  }

  /** The current map, if one was read. */
  get map(): SlotMap | undefined {
    return this.#map;
  }

  /** The map, reading it first when there is none yet. */
  ready(): Promise<SlotMap> {
    return this.#map === undefined ? this.refresh() : Promise.resolve(this.#map);
  }

  /**
   * Reads the topology again, joining a read in flight; a read is never
   * started sooner than `minInterval` after the previous one.
   *
   * @returns The new map.
   */
  refresh(): Promise<SlotMap> {
    this.#inFlight ??= this.#paced().finally(() => this.#inFlight = undefined);
    return this.#inFlight;
  }

  /** Starts a refresh in the background (errors are kept for the next command). */
  refreshSoon(): void {
    if (this.#closed) return;
    this.refresh().catch(() => {});
  }

  /**
   * After a MOVED, which already patched its slot: a refresh that is not
   * urgent, at most one per `movedInterval`, so a reshard of thousands of
   * slots costs a few reads rather than one per redirect.
   */
  refreshAfterMoved(): void {
    if (this.#closed || this.#inFlight !== undefined || this.#movedTimer !== undefined) return;
    const wait = this.#lastRead + this.#settings.movedInterval - Date.now();
    if (wait <= 0) return this.refreshSoon();
    this.#movedTimer = setTimeout(() => {
      this.#movedTimer = undefined;
      this.refreshSoon();
    }, wait);
    (this.#movedTimer as { unref?: () => void }).unref?.();
  }

  async #paced(): Promise<SlotMap> {
    const wait = this.#lastRead + this.#settings.minInterval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.#lastRead = Date.now();
    this.refreshes++;
    const map = new SlotMap(await this.#read());
    this.#map = map;
    this.#settings.onMap(map);
    this.#schedule();
    return map;
  }

  /** Asks the known primaries, then replicas, then the startup nodes, until one answers. */
  async #read(): Promise<Topology> {
    const known = this.#map?.nodes("all") ?? [];
    const candidates = [...shuffled(known), ...this.#settings.startup];
    const seen = new Set<string>();
    const failures: string[] = [];
    for (const address of candidates) {
      if (seen.has(address.key)) continue;
      seen.add(address.key);
      try {
        const topology = await this.#readFrom(address);
        if (topology.ranges.length > 0) return topology;
        failures.push(`${address.key}: serves no slots yet`);
      } catch (error) {
        if (error instanceof NotClusterError) throw error.toConnectionError(address.key);
        failures.push(`${address.key}: ${(error as Error).message}`);
      }
    }
    throw new ConnectionError(
      `No cluster node answered CLUSTER SHARDS / CLUSTER SLOTS (tried ${failures.join("; ")}); ` +
        "check the startup nodes and that the cluster is up",
    );
  }

  async #readFrom(address: NodeAddress): Promise<Topology> {
    const node = this.#nodes.get(address);
    const context = { ...this.#settings.context, askedHost: address.host };
    const [shards] = await node.direct([["CLUSTER", "SHARDS"]], this.#settings.timeout);
    if (!(shards instanceof ReplyError)) return parseShards(shards as Reply, context);
    if (/cluster support disabled/i.test(shards.message)) throw new NotClusterError();
    // Servers before 7.0 know CLUSTER SLOTS only.
    const [slots] = await node.direct([["CLUSTER", "SLOTS"]], this.#settings.timeout);
    if (slots instanceof ReplyError) throw slots;
    return parseSlots(slots as Reply, context);
  }

  /** Arms the jittered background check (0.5 to 1.5 times the interval). */
  #schedule(): void {
    clearTimeout(this.#timer);
    const period = this.#settings.checkInterval;
    if (this.#closed || period <= 0) return;
    this.#timer = setTimeout(() => this.refreshSoon(), period * (0.5 + Math.random()));
    // The check must not keep a process alive (Deno and Node timers).
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the background check. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#movedTimer);
  }
}

/** The node answered that cluster support is disabled. */
class NotClusterError extends Error {
  toConnectionError(where: string): ConnectionError {
    return new ConnectionError(
      `${where} is not in cluster mode (cluster support disabled); ` +
        "use Redis for a single server, or point RedisCluster at cluster nodes",
    );
  }
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Whether every slot is served. */
export function fullyCovered(map: SlotMap): boolean {
  return map.covered === SLOT_COUNT;
}
