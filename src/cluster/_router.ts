/**
 * Sends one command to the node serving its slot and follows the cluster's
 * answers: MOVED (patch the slot, re-send at once), ASK (ASKING + command on
 * the target), TRYAGAIN / CLUSTERDOWN / unreachable node (retried within the
 * command's time budget, the topology re-read in between).
 *
 * @module
 */
import { traceBatch } from "../client/mod.ts";
import { type CommandOptions, sleep } from "../connection/mod.ts";
import {
  ConnectionError,
  CrossSlotError,
  RedirectionError,
  RedisError,
  ReplyError,
  TimeoutError,
} from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { type CommandRouting, commandRouting } from "./_command_routing.ts";
import type { ClusterNode, NodeRegistry } from "./_nodes.ts";
import { type AddressMap, type NodeAddress, nodeAddress, type SlotMap } from "./_slot_map.ts";
import type { TopologyReader } from "./_topology.ts";
import type { LoadBalancing } from "./cluster_options.ts";
import { keySlot } from "./key_slot.ts";

/** Counts kept for `stats()`. */
export interface RouterCounts {
  moved: number;
  ask: number;
  tryAgain: number;
  clusterDown: number;
}

/** Router settings. */
export interface RouterSettings {
  maxRedirects: number;
  readFromReplicas: boolean;
  loadBalancing: LoadBalancing;
  addressMap: AddressMap | undefined;
  tls: boolean;
  /** The time budget of a command without its own timeout, in ms. */
  budget: number;
}

type Fault =
  | { kind: "moved" | "ask"; slot: number; address: string }
  | { kind: "tryAgain" | "clusterDown" | "unreachable" };

/** An identity transform, for raw replies. */
export const RAW = (reply: Reply): Reply => reply;

/** The slot has no owner in the map: retried like CLUSTERDOWN. */
class UncoveredSlot extends RedisError {}

const EMPTY: CommandOptions = Object.freeze({});

/** Routes commands by slot and follows redirections. */
export class Router {
  /** Redirect and retry counts. */
  readonly counts: RouterCounts = { moved: 0, ask: 0, tryAgain: 0, clusterDown: 0 };
  readonly nodes: NodeRegistry;
  readonly topology: TopologyReader;
  #settings: RouterSettings;
  #turn = 0;

  constructor(settings: RouterSettings, nodes: NodeRegistry, topology: TopologyReader) {
    this.#settings = settings;
    this.nodes = nodes;
    this.topology = topology;
  }

  /** The one slot of the command's keys; undefined when keyless; CrossSlotError when several. */
  slotOf(args: readonly RedisArgument[], route: CommandRouting): number | undefined {
    const keys = route.keys;
    if (keys.length === 0) return undefined;
    const slot = argSlot(args[keys[0]!]!);
    for (let i = 1; i < keys.length; i++) {
      if (argSlot(args[keys[i]!]!) !== slot) {
        throw new CrossSlotError(route.name, distinctSlots(keys.map((k) => args[k]!)));
      }
    }
    return slot;
  }

  /** The node for `slot` (or any serving primary when undefined), by load balancing for reads. */
  pick(map: SlotMap, slot: number | undefined, readOnly: boolean): ClusterNode {
    if (slot === undefined) {
      const primaries = map.servingPrimaries();
      if (primaries.length === 0) throw new UncoveredSlot("No primary serves any slot");
      return this.nodes.get(primaries[this.#turn++ % primaries.length]!);
    }
    const shard = map.shardOf(slot);
    if (shard === undefined) throw new UncoveredSlot(`No node serves slot ${slot}`);
    if (!readOnly || !this.#settings.readFromReplicas || shard.replicas.length === 0) {
      return this.nodes.get(shard.primary);
    }
    const { replicas } = shard;
    switch (this.#settings.loadBalancing) {
      case "replicas":
        return this.nodes.get(replicas[this.#turn++ % replicas.length]!);
      case "random": {
        const index = Math.floor(Math.random() * (replicas.length + 1));
        return this.nodes.get(index === 0 ? shard.primary : replicas[index - 1]!);
      }
      default: {
        const index = this.#turn++ % (replicas.length + 1);
        return this.nodes.get(index === 0 ? shard.primary : replicas[index - 1]!);
      }
    }
  }

  /**
   * Sends one single-slot (or keyless, one-node) command, following
   * redirections and retrying faults of unwritten commands within its budget.
   */
  async send<T>(
    args: RedisArgument[],
    transform: (reply: Reply) => T,
    options: CommandOptions = EMPTY,
    route: CommandRouting = commandRouting(args),
  ): Promise<T> {
    const slot = this.slotOf(args, route);
    const readOnly = this.#settings.readFromReplicas && route.readOnly;
    const map = this.topology.map;
    // The hot path: the map is known and the first answer is the reply.
    if (map !== undefined) {
      let node: ClusterNode | undefined;
      try {
        node = this.pick(map, slot, readOnly);
      } catch {
        // Uncovered slot: the slow path waits for the topology.
      }
      if (node !== undefined) {
        try {
          return await node.dispatcher.send(args, options, transform);
        } catch (error) {
          return this.#recover(args, transform, options, slot, readOnly, [], error as Error);
        }
      }
    }
    return this.#recover(args, transform, options, slot, readOnly, [], undefined);
  }

  /** The slow path: the first attempt failed (or the map is missing). */
  async #recover<T>(
    args: RedisArgument[],
    transform: (reply: Reply) => T,
    options: CommandOptions,
    slot: number | undefined,
    readOnly: boolean,
    chain: string[],
    failure: Error | undefined,
  ): Promise<T> {
    const deadline = Date.now() + (options.timeout ?? this.#settings.budget);
    let ask: NodeAddress | undefined;
    let attempt = 0;
    for (;;) {
      if (failure !== undefined) {
        const fault = classify(failure);
        if (fault === undefined) throw this.#final(failure);
        if (fault.kind === "moved" || fault.kind === "ask") {
          ask = this.#redirect(fault, args, chain, failure);
          // A redirected read goes where the cluster says: no replica loop.
          readOnly = false;
        } else {
          await this.#backOff(fault.kind, attempt++, deadline, failure);
        }
      }
      // No map yet: the first topology read failing (no node reachable, not
      // a cluster) is the command's answer, not something to retry.
      const map = this.topology.map ?? await beforeDeadline(this.topology.ready(), deadline);
      try {
        if (ask !== undefined) return transform(await this.#asking(ask, args, options));
        const node = this.pick(map, slot, readOnly);
        return await node.dispatcher.send(args, options, transform);
      } catch (error) {
        failure = error as Error;
        ask = undefined;
      }
    }
  }

  /** Records a MOVED / ASK; returns the ASK target. */
  #redirect(
    fault: { kind: "moved" | "ask"; slot: number; address: string },
    args: RedisArgument[],
    chain: string[],
    failure: Error,
  ): NodeAddress | undefined {
    const target = this.#address(fault.address);
    chain.push(`${fault.kind === "moved" ? "MOVED" : "ASK"} ${fault.slot} ${target.key}`);
    if (chain.length > this.#settings.maxRedirects) {
      throw new RedisError(
        `${commandRouting(args).name} was redirected ${chain.length} times (${
          chain.join(" -> ")
        }), more than maxRedirects (${this.#settings.maxRedirects}); the cluster may be resharding: retry later or raise maxRedirects`,
        { cause: failure },
      );
    }
    if (fault.kind === "ask") {
      this.counts.ask++;
      return target;
    }
    this.#moved(fault.slot, target);
    return undefined;
  }

  /** Applies a MOVED seen outside `send` (transactions, WATCH, pipelines). */
  moved(error: RedirectionError): void {
    this.#moved(error.slot, this.#address(error.address));
  }

  #moved(slot: number, target: NodeAddress): void {
    this.counts.moved++;
    this.topology.map?.patch(slot, target);
    this.topology.refreshAfterMoved();
  }

  /** Counts an ASK seen outside `send` and returns the node it points at. */
  asked(error: RedirectionError): ClusterNode {
    this.counts.ask++;
    return this.nodes.get(this.#address(error.address));
  }

  /** The most redirections followed for one command. */
  get maxRedirects(): number {
    return this.#settings.maxRedirects;
  }

  /**
   * For a failure of a command never written (TRYAGAIN, CLUSTERDOWN, a
   * refused connect): waits before the next try and returns true, or returns
   * false when the failure is final or the budget is spent.
   */
  async retryable(failure: Error, attempt: number, deadline: number): Promise<boolean> {
    const fault = classify(failure);
    if (fault === undefined || fault.kind === "moved" || fault.kind === "ask") return false;
    try {
      await this.#backOff(fault.kind, attempt, deadline, failure);
      return true;
    } catch {
      return false;
    }
  }

  /** The time budget of a command without a timeout of its own, in ms. */
  get budget(): number {
    return this.#settings.budget;
  }

  /** Waits before the next try, or throws when the budget is spent. */
  async #backOff(kind: Fault["kind"], attempt: number, deadline: number, failure: Error) {
    if (kind === "tryAgain") this.counts.tryAgain++;
    if (kind === "clusterDown") this.counts.clusterDown++;
    if (kind !== "tryAgain") this.topology.refreshSoon();
    const delay = Math.min(100, 10 * 2 ** attempt) * (0.5 + Math.random() / 2);
    if (Date.now() + delay > deadline) throw this.#final(failure);
    await sleep(delay);
  }

  /** ASKING and the command, on one connection to the target, in one write. */
  async #asking(target: NodeAddress, args: RedisArgument[], options: CommandOptions) {
    const node = this.nodes.get(target);
    const commands = [["ASKING"], args];
    // Traced as a two-command pipeline on the node that was asked.
    const [, reply] = await traceBatch(
      "pipeline",
      commands,
      () => node.pool.traceTarget(),
      () => node.direct(commands, options.timeout),
    );
    if (reply instanceof Error) throw reply;
    return reply as Reply;
  }

  #address(text: string): NodeAddress {
    const at = text.lastIndexOf(":");
    const host = text.slice(0, at).replace(/^\[(.*)\]$/, "$1");
    return nodeAddress(host, Number(text.slice(at + 1)), {
      askedHost: host,
      tls: this.#settings.tls,
      addressMap: this.#settings.addressMap,
    });
  }

  /** The error a command fails with; a connection loss also re-reads the topology. */
  #final(error: Error): Error {
    if (error instanceof ConnectionError || error instanceof TimeoutError) {
      this.topology.refreshSoon();
    }
    return error instanceof UncoveredSlot
      ? new ConnectionError(`${error.message}: the cluster is down or resharding; retry later`)
      : error;
  }
}

/** What a failure means for the cluster, or undefined when it is final. */
export function classify(error: Error): Fault | undefined {
  if (error instanceof RedirectionError) {
    const kind = error.code === "MOVED" ? "moved" : "ask";
    return { kind, slot: error.slot, address: error.address };
  }
  if (error instanceof ReplyError) {
    if (error.code === "TRYAGAIN") return { kind: "tryAgain" };
    if (error.code === "CLUSTERDOWN") return { kind: "clusterDown" };
    return undefined;
  }
  if (error instanceof UncoveredSlot) return { kind: "clusterDown" };
  const unwritten = (error instanceof ConnectionError || error instanceof TimeoutError) &&
    !error.written;
  const refusal = ["PoolTimeoutError", "PoolExhaustedError", "AuthenticationError"]
    .includes(error.name);
  return unwritten && !refusal ? { kind: "unreachable" } : undefined;
}

/** Waiting for the topology counts against the command's deadline too. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  const wait = deadline - Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TimeoutError(
          `The cluster topology was not read within the command's ${wait} ms budget; the command was not sent (check the startup nodes, or raise the timeout)`,
        ),
      );
    }, Math.max(0, wait));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The slot of a key argument (numbers hash as their decimal text, as the server sees them). */
export function argSlot(key: RedisArgument): number {
  return keySlot(typeof key === "string" || key instanceof Uint8Array ? key : String(key));
}

/** The distinct slots of keys, in first-seen order. */
export function distinctSlots(keys: readonly RedisArgument[]): number[] {
  return [...new Set(keys.map(argSlot))];
}
