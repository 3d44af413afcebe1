/**
 * Starts a real Redis Cluster for tests, examples and benchmarks: six
 * `redis-server --cluster-enabled yes` on free loopback ports (each with its
 * bus port, port + 10000, free too), joined by `redis-cli --cluster create
 * --cluster-replicas 1`: three primaries, three replicas. Runs on Deno and Node.
 *
 * @module
 */

import { spawn } from "node:child_process";
import * as net from "node:net";
import { freePort, type RedisServer, startRedis } from "./redis_server.ts";
import { rawCommand, type RespValue } from "./sentinel_topology.ts";

/** How {@linkcode startClusterTopology} builds the cluster. */
export interface ClusterTopologyOptions {
  /** How many primaries. @default 3 */
  primaries?: number;
  /** Replicas per primary. @default 1 */
  replicasPerPrimary?: number;
  /** `cluster-node-timeout`, in ms. @default 1000 */
  nodeTimeout?: number;
  /** Extra arguments for every node. @default none */
  args?: string[];
}

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeInfo {
  /** The node id. */
  id: string;
  /** The client port. */
  port: number;
  /** `"primary"` or `"replica"`. */
  role: "primary" | "replica";
  /** The primary's id, for a replica. */
  primaryId?: string;
  /** Flags such as `fail` or `fail?`. */
  flags: string[];
  /** Slot ranges served (primaries), `[start, end]`. */
  slots: [number, number][];
}

/** A primary and its replicas, read from `CLUSTER NODES` (never from port order). */
export interface ClusterShard {
  /** The shard's primary. */
  primary: RedisServer;
  /** Its replicas. */
  replicas: RedisServer[];
  /** Slot ranges the primary serves. */
  slots: [number, number][];
}

/** A running cluster started by {@linkcode startClusterTopology}. */
export interface ClusterTopology {
  /** Every node process, in start order (not by role). */
  readonly nodes: readonly RedisServer[];
  /** Every node as `[host, port]`, for `new RedisCluster(...)`. */
  readonly addresses: [string, number][];
  /** Sends one command to a node and returns its reply (errors as values). */
  command(port: number, args: string[]): Promise<RespValue>;
  /** `CLUSTER NODES` as seen by the node at `port` (default: the first live node). */
  clusterNodes(port?: number): Promise<ClusterNodeInfo[]>;
  /** The shards with their current roles, as the node at `port` sees them. */
  shards(port?: number): Promise<ClusterShard[]>;
  /** The shard whose primary serves `slot`. */
  shardOf(slot: number): Promise<ClusterShard>;
  /**
   * Waits until every live node reports `cluster_state:ok`, knows every slot
   * and agrees on the primaries (every replica linked to its primary).
   */
  waitForOk(timeout?: number): Promise<void>;
  /**
   * Moves `slot` to the primary at `to` by hand, as an operator would:
   * SETSLOT IMPORTING / MIGRATING, MIGRATE of its keys in small steps, then
   * SETSLOT NODE on every primary (target and source first).
   */
  moveSlot(slot: number, to: number, options?: MoveSlotOptions): Promise<void>;
  /** The node process listening on `port`. */
  server(port: number): RedisServer;
  /** Stops every node (by pid) and removes the folders; twice is harmless. */
  stop(): Promise<void>;
}

/** Options of {@linkcode ClusterTopology.moveSlot}. */
export interface MoveSlotOptions {
  /** Keys per MIGRATE. @default 4 */
  keysPerStep?: number;
  /** Runs after each MIGRATE (keys on both sides meanwhile: ASK at work). */
  afterStep?: () => Promise<void>;
  /** Runs once every key moved, before SETSLOT NODE (the slot still migrating). */
  beforeAssign?: () => Promise<void>;
}

const HOST = "127.0.0.1";
const BUS_OFFSET = 10_000;
const START_ATTEMPTS = 5;

/**
 * Starts the nodes in parallel, creates the cluster with `redis-cli
 * --cluster create`, and waits (bounded) for `cluster_state:ok` on every node.
 *
 * @param options Sizes and timings.
 * @returns The running cluster; call `stop()` in `after`.
 * @throws {Error} If a node does not start or the cluster is not ok within 30 s.
 *
 * @example
 * ```ts
 * import { startClusterTopology } from "./cluster_topology.ts";
 *
 * const cluster = await startClusterTopology();
 * console.log(cluster.addresses, (await cluster.shards()).length); // 3 shards
 * await cluster.stop();
 * ```
 */
export async function startClusterTopology(
  options: ClusterTopologyOptions = {},
): Promise<ClusterTopology> {
  const topology = new Topology();
  try {
    await topology.start(options);
    return topology;
  } catch (error) {
    await topology.stop();
    throw error;
  }
}

class Topology implements ClusterTopology {
  nodes: RedisServer[] = [];

  get addresses(): [string, number][] {
    return this.nodes.map((node): [string, number] => [HOST, node.port]);
  }

  async start(options: ClusterTopologyOptions): Promise<void> {
    const { primaries = 3, replicasPerPrimary = 1, nodeTimeout = 1000, args = [] } = options;
    const count = primaries * (1 + replicasPerPrimary);
    const nodeArgs = [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      "nodes.conf",
      "--cluster-node-timeout",
      String(nodeTimeout),
      "--cluster-replica-validity-factor",
      "0",
      // Full syncs start at once (the default waits 5 s for more replicas).
      "--repl-diskless-sync-delay",
      "0",
      // A replica counts as online (CLUSTER SHARDS) once its offset moves:
      // the primary's replication PING moves it every second, not every 10.
      "--repl-ping-replica-period",
      "1",
      ...args,
    ];
    const used = new Set<number>();
    const results = await Promise.allSettled(
      Array.from({ length: count }, () => startNode(nodeArgs, used)),
    );
    for (const result of results) if (result.status === "fulfilled") this.nodes.push(result.value);
    const failure = results.find((result) => result.status === "rejected");
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    await createCluster(this.nodes.map((node) => node.port), replicasPerPrimary);
    await this.waitForOk(30_000);
  }

  command(port: number, args: string[]): Promise<RespValue> {
    return rawCommand(port, [args]);
  }

  async clusterNodes(port?: number): Promise<ClusterNodeInfo[]> {
    const asked = port ?? await this.#livePort();
    const reply = await this.command(asked, ["CLUSTER", "NODES"]);
    if (typeof reply !== "string") throw new Error(`CLUSTER NODES on ${asked}: ${String(reply)}`);
    return parseClusterNodes(reply);
  }

  async shards(port?: number): Promise<ClusterShard[]> {
    const infos = await this.clusterNodes(port);
    const primaries = infos.filter((info) => info.role === "primary" && info.slots.length > 0);
    return primaries.map((primary) => ({
      primary: this.server(primary.port),
      replicas: infos
        .filter((info) => info.primaryId === primary.id)
        .map((info) => this.server(info.port)),
      slots: primary.slots,
    }));
  }

  async shardOf(slot: number): Promise<ClusterShard> {
    const found = (await this.shards()).find((shard) =>
      shard.slots.some(([start, end]) => slot >= start && slot <= end)
    );
    if (found === undefined) throw new Error(`no primary serves slot ${slot}`);
    return found;
  }

  async waitForOk(timeout = 20_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.#notOk();
      if (last === "") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`cluster not ok within ${timeout} ms: ${last}`);
  }

  /** Why the cluster is not settled yet, or "" when it is. */
  async #notOk(): Promise<string> {
    const views = new Set<string>();
    for (const node of this.nodes) {
      const info = await this.command(node.port, ["CLUSTER", "INFO"]);
      if (info instanceof Error) {
        if (/ECONNREFUSED|closed|no reply/.test(info.message)) continue; // a stopped node
        return `${node.port}: ${info.message}`;
      }
      if (!/cluster_state:ok/.test(String(info))) return `${node.port}: cluster_state not ok`;
      if (!/cluster_slots_ok:16384/.test(String(info))) return `${node.port}: slots not ok`;
      const infos = await this.clusterNodes(node.port);
      const live = infos.filter((i) => !i.flags.some((f) => /fail|handshake|noaddr/.test(f)));
      const primaries = live.filter((i) => i.role === "primary" && i.slots.length > 0);
      views.add(primaries.map((p) => `${p.port}=${JSON.stringify(p.slots)}`).sort().join(" "));
      const unhealthy = await this.#unhealthyLive(node.port);
      if (unhealthy !== undefined) return `${node.port} sees ${unhealthy} not online yet`;
      const self = infos.find((i) => i.flags.includes("myself"));
      if (self?.role === "replica") {
        const role = await this.command(node.port, ["ROLE"]);
        if (!Array.isArray(role) || role[3] !== "connected") return `${node.port}: link not up`;
      }
    }
    return views.size === 1 ? "" : `nodes disagree on the primaries: ${[...views].join(" | ")}`;
  }

  /** A live node that `port`'s CLUSTER SHARDS does not report online (loading replicas). */
  async #unhealthyLive(port: number): Promise<number | undefined> {
    const reply = await this.command(port, ["CLUSTER", "SHARDS"]);
    if (!Array.isArray(reply)) return port;
    for (const shard of reply) {
      const nodes = (shard as RespValue[])[3] as RespValue[][];
      for (const fields of nodes) {
        const at = (name: string) => fields[fields.indexOf(name) + 1];
        const nodePort = Number(at("port"));
        if (at("health") === "online") continue;
        if (await this.command(nodePort, ["PING"]) === "PONG") return nodePort;
      }
    }
    return undefined;
  }

  async #livePort(): Promise<number> {
    for (const node of this.nodes) {
      const reply = await this.command(node.port, ["PING"]);
      if (reply === "PONG") return node.port;
    }
    throw new Error("no cluster node answers PING");
  }

  async moveSlot(slot: number, to: number, options: MoveSlotOptions = {}): Promise<void> {
    const { keysPerStep = 4, afterStep, beforeAssign } = options;
    const nodes = await this.clusterNodes();
    const serves = (n: ClusterNodeInfo) => n.slots.some(([a, b]) => slot >= a && slot <= b);
    const source = nodes.find((n) => n.role === "primary" && serves(n));
    const target = nodes.find((n) => n.port === to);
    if (source === undefined || target === undefined) {
      throw new Error(`cannot move ${slot} to ${to}`);
    }
    const run = async (port: number, args: string[]) => {
      const reply = await this.command(port, args);
      if (reply instanceof Error) throw new Error(`${args.join(" ")} on ${port}: ${reply.message}`);
      return reply;
    };
    await run(target.port, ["CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id]);
    await run(source.port, ["CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id]);
    for (;;) {
      const keys = await run(source.port, [
        "CLUSTER",
        "GETKEYSINSLOT",
        String(slot),
        String(keysPerStep),
      ]);
      if (!Array.isArray(keys) || keys.length === 0) break;
      const migrate = ["MIGRATE", HOST, String(target.port), "", "0", "5000", "KEYS"];
      await run(source.port, [...migrate, ...keys.map(String)]);
      await afterStep?.();
    }
    await beforeAssign?.();
    const others = nodes.filter((n) => n.role === "primary" && n !== source && n !== target);
    for (const node of [target, source, ...others]) {
      await run(node.port, ["CLUSTER", "SETSLOT", String(slot), "NODE", target.id]);
    }
  }

  server(port: number): RedisServer {
    const found = this.nodes.find((node) => node.port === port);
    if (found === undefined) throw new Error(`no node of this cluster listens on ${port}`);
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}

/** Starts one cluster node on a port whose bus port (port + 10000) is free too. */
async function startNode(args: string[], used: Set<number>): Promise<RedisServer> {
  for (let attempt = 1;; attempt++) {
    const port = await freeClusterPort(used);
    try {
      return await startRedis({ port, args });
    } catch (error) {
      // Another process may take a free port before redis binds it.
      if (!String(error).includes("Address already in use") || attempt === START_ATTEMPTS) {
        throw error;
      }
    }
  }
}

/** A free port below 55536 whose bus port is free as well, not handed out before. */
async function freeClusterPort(used: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + BUS_OFFSET > 65_535 || used.has(port) || used.has(port + BUS_OFFSET)) continue;
    if (!await isFree(port + BUS_OFFSET)) continue;
    used.add(port);
    used.add(port + BUS_OFFSET);
    return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** Runs `redis-cli --cluster create` (bounded by 30 s); its output is in the error. */
function createCluster(ports: number[], replicas: number): Promise<void> {
  const args = [
    "--cluster",
    "create",
    ...ports.map((port) => `${HOST}:${port}`),
    "--cluster-replicas",
    String(replicas),
    "--cluster-yes",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => output = (output + String(chunk)).slice(-4000));
    child.stderr?.on("data", (chunk) => output = (output + String(chunk)).slice(-4000));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-cli --cluster create could not run: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`redis-cli --cluster create failed (${code ?? signal}):\n${output}`));
    });
  });
}

/**
 * Parses `CLUSTER NODES`: `<id> <ip:port@bus> <flags> <primary> <ping> <pong>
 * <epoch> <link> <slot> ...` (slots being `n` or `a-b`; importing/migrating
 * entries in brackets are skipped).
 *
 * @param text The reply.
 * @returns One entry per line.
 */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text.trim().split("\n").filter((line) => line !== "").map((line) => {
    const [id = "", address = "", flagText = "", primary = "-", , , , , ...slotText] = line.trim()
      .split(" ");
    const flags = flagText.split(",");
    const port = Number(/:(\d+)@/.exec(address)?.[1] ?? -1);
    const slots = slotText.filter((s) => !s.startsWith("[")).map((s): [number, number] => {
      const [start, end = start] = s.split("-");
      return [Number(start), Number(end)];
    });
    const role = flags.includes("master") ? "primary" : "replica";
    return { id, port, role, primaryId: primary === "-" ? undefined : primary, flags, slots };
  });
}
