/**
 * Starts a real Sentinel topology for tests, examples and benchmarks: one
 * master, its replicas and its sentinels (`redis-server <conf> --sentinel`),
 * each with its own config file in a temporary folder, all on 127.0.0.1.
 * Runs on Deno and Node.
 *
 * @module
 */

import * as net from "node:net";
import { type RedisServer, startRedis } from "./redis_server.ts";

/** How {@linkcode startSentinelTopology} builds the topology. */
export interface SentinelTopologyOptions {
  /** The master group name. @default "mymaster" */
  name?: string;
  /** How many replicas. @default 2 */
  replicas?: number;
  /** How many sentinels. @default 3 */
  sentinels?: number;
  /** Sentinels that must agree the master is down. @default a majority */
  quorum?: number;
  /** `down-after-milliseconds`. @default 1000 */
  downAfter?: number;
  /** `failover-timeout`, in ms. @default 3000 */
  failoverTimeout?: number;
  /** `requirepass` on the sentinels. @default none */
  sentinelPassword?: string;
  /** `requirepass` (and `masterauth`) on the data nodes. @default none */
  password?: string;
}

/** A running topology started by {@linkcode startSentinelTopology}. */
export interface SentinelTopology {
  /** The master group name. */
  readonly name: string;
  /** The data nodes; the first was the master at start. */
  readonly nodes: readonly RedisServer[];
  /** The sentinels. */
  readonly sentinels: readonly RedisServer[];
  /** The sentinels as `[host, port]`, for `new Sentinel(...)`. */
  readonly addresses: [string, number][];
  /**
   * Waits until every live sentinel names the same master, that node answers
   * ROLE master, and (with `settled`) every other live node is its connected
   * replica and the sentinels see them all: ready for the next failover.
   */
  waitForMaster(options?: WaitForMasterOptions): Promise<RedisServer>;
  /** Sends SENTINEL FAILOVER to a live sentinel. */
  failover(): Promise<void>;
  /** Starts a stopped or killed node or sentinel again (a sentinel gets its short periods back). */
  restart(server: RedisServer): Promise<void>;
  /**
   * Makes `to` the master by hand, as an operator would: REPLICAOF on the
   * data nodes (which, unlike a sentinel failover, kills no client
   * connection: a client still connected to the old master gets READONLY),
   * then the sentinels monitor `to` afresh. Resolves once they converged.
   */
  moveMasterByHand(to: RedisServer): Promise<void>;
  /** Sends one command to a node or sentinel and returns its reply (errors as values). */
  command(port: number, args: string[], password?: string): Promise<RespValue>;
  /** The members of `ids` missing from the set `key` on the node at `port`. */
  missing(port: number, key: string, ids: readonly string[]): Promise<string[]>;
  /**
   * Records, with MONITOR, the commands named in `commands` that clients
   * (not the replication link) send to the node at `port`, until `stop()`.
   */
  monitor(port: number, commands: string[]): Promise<{ stop(): string[] }>;
  /** The data node or sentinel listening on `port`. */
  server(port: number): RedisServer;
  /** Stops every process (by pid) and removes the folders; twice is harmless. */
  stop(): Promise<void>;
}

/** Options of {@linkcode SentinelTopology.waitForMaster}. */
export interface WaitForMasterOptions {
  /** Give up after this many ms. @default 20000 */
  timeout?: number;
  /** Also wait for every other live node to be a connected replica the sentinels see. @default false */
  settled?: boolean;
  /** Wait for a master other than this one. */
  not?: RedisServer;
}

/** A decoded RESP2 reply: strings, numbers, null, arrays, or an Error for error replies. */
export type RespValue = string | number | null | Error | RespValue[];

const HOST = "127.0.0.1";

/**
 * Starts the data nodes, then the sentinels with shortened periods (`SENTINEL
 * DEBUG`), and waits until every sentinel sees every replica and every other
 * sentinel. Call `stop()` in `after`.
 *
 * @param options Sizes, timings and passwords.
 * @returns The running topology.
 * @throws {Error} If a process does not start or the sentinels do not converge within 20 s.
 *
 * @example
 * ```ts
 * import { startSentinelTopology } from "./sentinel_topology.ts";
 *
 * const topology = await startSentinelTopology();
 * const master = await topology.waitForMaster();
 * console.log(master.port, topology.addresses);
 * await topology.stop();
 * ```
 */
export async function startSentinelTopology(
  options: SentinelTopologyOptions = {},
): Promise<SentinelTopology> {
  const topology = new Topology(options);
  try {
    await topology.start();
    return topology;
  } catch (error) {
    await topology.stop();
    throw error;
  }
}

class Topology implements SentinelTopology {
  readonly name: string;
  nodes: RedisServer[] = [];
  sentinels: RedisServer[] = [];
  #o:
    & Required<Omit<SentinelTopologyOptions, "sentinelPassword" | "password">>
    & SentinelTopologyOptions;

  constructor(options: SentinelTopologyOptions) {
    const sentinels = options.sentinels ?? 3;
    this.#o = {
      name: "mymaster",
      replicas: 2,
      sentinels,
      quorum: Math.floor(sentinels / 2) + 1,
      downAfter: 1000,
      failoverTimeout: 3000,
      ...options,
    };
    this.name = this.#o.name;
  }

  get addresses(): [string, number][] {
    return this.sentinels.map((s): [string, number] => [HOST, s.port]);
  }

  async start(): Promise<void> {
    const { password } = this.#o;
    // Full syncs start at once (the default waits 5 s for more replicas).
    const common = ["--repl-diskless-sync-delay", "0"];
    if (password !== undefined) common.push("--masterauth", password);
    const master = await startRedis({ password, args: common });
    this.nodes.push(master);
    const replicaOf = ["--replicaof", HOST, String(master.port)];
    await startAll(
      this.nodes,
      this.#o.replicas,
      () => startRedis({ password, args: [...common, ...replicaOf] }),
    );
    const sentinelPassword = this.#o.sentinelPassword;
    await startAll(
      this.sentinels,
      this.#o.sentinels,
      () => startRedis({ password: sentinelPassword, args: ["--sentinel"] }),
    );
    await Promise.all(this.sentinels.map((s) => this.#monitor(s, master.port)));
    await this.#converge();
  }

  async #monitor(sentinel: RedisServer, masterPort: number): Promise<void> {
    const { name, quorum, downAfter, failoverTimeout, password } = this.#o;
    const run = (args: string[]) => this.#sentinelCommand(sentinel, args);
    await this.#shortenPeriods(sentinel);
    await run(["SENTINEL", "MONITOR", name, HOST, String(masterPort), String(quorum)]);
    const settings = [
      "down-after-milliseconds",
      String(downAfter),
      "failover-timeout",
      String(failoverTimeout),
    ];
    if (password !== undefined) settings.push("auth-pass", password);
    await run(["SENTINEL", "SET", name, ...settings]);
  }

  /** SENTINEL DEBUG is not saved in the config: a restarted sentinel needs it again. */
  async #shortenPeriods(sentinel: RedisServer): Promise<void> {
    // ping-period bounds replica selection: a replica's info is valid for 5
    // pings, and replicas report only once a second during a failover.
    // publish-period bounds how soon a sentinel turns a replica that reports
    // itself master back into a replica (4 periods): it must exceed the time
    // the leader takes to see its promoted replica (up to 1 s) and say so.
    await this.#sentinelCommand(sentinel, [
      "SENTINEL",
      "DEBUG",
      "ping-period",
      "300",
      "info-period",
      "200",
      "ask-period",
      "100",
      "publish-period",
      "750",
    ]);
  }

  async #sentinelCommand(sentinel: RedisServer, args: string[]): Promise<void> {
    const reply = await this.command(sentinel.port, args, this.#o.sentinelPassword);
    if (reply instanceof Error) {
      throw new Error(`${args.join(" ")} on ${sentinel.port}: ${reply.message}`);
    }
  }

  async restart(server: RedisServer): Promise<void> {
    await server.restart();
    if (this.sentinels.includes(server)) await this.#shortenPeriods(server);
  }

  async #converge(): Promise<void> {
    const { name, replicas, sentinels } = this.#o;
    await until(20_000, `sentinels did not converge on ${name}`, async () => {
      for (const sentinel of this.sentinels) {
        const info = fields(
          await this.command(sentinel.port, ["SENTINEL", "MASTER", name], this.#o.sentinelPassword),
        );
        if (Number(info.get("num-slaves")) !== replicas) return false;
        if (Number(info.get("num-other-sentinels")) !== sentinels - 1) return false;
        if (info.get("flags") !== "master") return false; // linked to the master, not down
      }
      return true;
    });
    await this.waitForMaster({ settled: true });
  }

  async waitForMaster(options: WaitForMasterOptions = {}): Promise<RedisServer> {
    const { timeout = 20_000, settled = false, not } = options;
    let found: RedisServer | undefined;
    await until(timeout, `sentinels did not agree on a master for ${this.name}`, async () => {
      found = await this.#agreedMaster(settled);
      return found !== undefined && found !== not;
    });
    return found!;
  }

  async #agreedMaster(settled: boolean): Promise<RedisServer | undefined> {
    const ports = new Set<number>();
    for (const sentinel of this.sentinels) {
      const reply = await this.command(
        sentinel.port,
        ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.name],
        this.#o.sentinelPassword,
      );
      if (reply instanceof ConnectionRefused) continue; // a stopped sentinel has no say
      if (!Array.isArray(reply)) return undefined;
      ports.add(Number(reply[1]));
    }
    if (ports.size !== 1) return undefined;
    const port = [...ports][0]!;
    const role = await this.command(port, ["ROLE"], this.#o.password);
    if (!Array.isArray(role) || role[0] !== "master") return undefined;
    if (settled && !await this.#settled(port)) return undefined;
    return this.nodes.find((node) => node.port === port);
  }

  /** Every other live node replicates `port` with its link up, and the sentinels see them usable. */
  async #settled(port: number): Promise<boolean> {
    const master = await this.command(port, ["ROLE"], this.#o.password);
    if (!Array.isArray(master) || master[0] !== "master") return false;
    let live = 0;
    for (const node of this.nodes) {
      if (node.port === port) continue;
      const role = await this.command(node.port, ["ROLE"], this.#o.password);
      if (role instanceof ConnectionRefused) continue;
      live++;
      if (
        !Array.isArray(role) || role[0] !== "slave" || Number(role[2]) !== port ||
        role[3] !== "connected"
      ) {
        return false;
      }
      // The stream flows: after a diskless full sync a replica receives it
      // only once it has sent its first ACK (up to a second later).
      if (Number(role[4]) < Number(master[1]) || Number(master[1]) === 0) return false;
    }
    for (const sentinel of this.sentinels) {
      const reply = await this.command(
        sentinel.port,
        ["SENTINEL", "REPLICAS", this.name],
        this.#o.sentinelPassword,
      );
      if (reply instanceof ConnectionRefused) continue;
      if (!Array.isArray(reply)) return false;
      const usable = reply.map(fields).filter((f) =>
        !/s_down|o_down|disconnected/.test(f.get("flags") ?? "") &&
        f.get("master-link-status") === "ok" &&
        Number(f.get("master-port")) === port
      );
      if (usable.length !== live) return false;
    }
    return true;
  }

  async moveMasterByHand(to: RedisServer): Promise<void> {
    const { name, sentinelPassword, password } = this.#o;
    const run = async (port: number, args: string[], secret?: string) => {
      const reply = await this.command(port, args, secret);
      if (reply instanceof Error) throw new Error(`${args.join(" ")} on ${port}: ${reply.message}`);
    };
    // Sentinels first: while they monitor, a master reporting itself a replica triggers a failover.
    for (const sentinel of this.sentinels) {
      await run(sentinel.port, ["SENTINEL", "REMOVE", name], sentinelPassword);
    }
    await run(to.port, ["REPLICAOF", "NO", "ONE"], password);
    for (const node of this.nodes) {
      if (node !== to) await run(node.port, ["REPLICAOF", HOST, String(to.port)], password);
    }
    await Promise.all(this.sentinels.map((sentinel) => this.#monitor(sentinel, to.port)));
    await this.#converge();
  }

  async failover(): Promise<void> {
    for (const sentinel of this.sentinels) {
      const reply = await this.command(
        sentinel.port,
        ["SENTINEL", "FAILOVER", this.name],
        this.#o.sentinelPassword,
      );
      if (reply instanceof ConnectionRefused) continue;
      if (reply instanceof Error) {
        throw new Error(`SENTINEL FAILOVER on ${sentinel.port}: ${reply.message}`);
      }
      return;
    }
    throw new Error("SENTINEL FAILOVER: no sentinel is up");
  }

  command(port: number, args: string[], password?: string): Promise<RespValue> {
    return rawCommand(port, password === undefined ? [args] : [["AUTH", password], args]);
  }

  async missing(port: number, key: string, ids: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let at = 0; at < ids.length; at += 5000) {
      const chunk = ids.slice(at, at + 5000);
      const reply = await this.command(port, ["SMISMEMBER", key, ...chunk], this.#o.password);
      if (!Array.isArray(reply)) throw new Error(`SMISMEMBER on ${port}: ${String(reply)}`);
      reply.forEach((found, i) => found === 0 && missing.push(chunk[i]!));
    }
    return missing;
  }

  async monitor(port: number, commands: string[]): Promise<{ stop(): string[] }> {
    const nodePorts = new Set(this.nodes.map((node) => String(node.port)));
    const wanted = new Set(commands.map((name) => name.toLowerCase()));
    const seen: string[] = [];
    const socket = net.connect({ host: HOST, port });
    socket.setEncoding("latin1");
    socket.on("error", () => {});
    let buffer = "";
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\r\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        // +1700000000.123456 [0 127.0.0.1:54321] "sadd" "key" "member"
        const match = /^\+\S+ \[\d+ [^\]]*:(\d+)\] "([^"]+)"/.exec(line);
        if (match && !nodePorts.has(match[1]!) && wanted.has(match[2]!.toLowerCase())) {
          seen.push(line);
        }
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const auth = this.#o.password === undefined ? "" : encode(["AUTH", this.#o.password]);
    socket.write(auth + encode(["MONITOR"]));
    return {
      stop: () => {
        socket.destroy();
        return seen;
      },
    };
  }

  server(port: number): RedisServer {
    const found = [...this.nodes, ...this.sentinels].find((s) => s.port === port);
    if (found === undefined) throw new Error(`no process of this topology listens on ${port}`);
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.nodes].map((server) => server.stop()));
  }
}

/** Starts `count` servers at once into `into`; the started ones stay listed (to be stopped) when one fails. */
async function startAll(
  into: RedisServer[],
  count: number,
  start: () => Promise<RedisServer>,
): Promise<void> {
  const results = await Promise.allSettled(Array.from({ length: count }, start));
  for (const result of results) if (result.status === "fulfilled") into.push(result.value);
  const failure = results.find((result) => result.status === "rejected");
  if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
}

/** A failure to reach the server (error replies are plain `Error`s). */
export class ConnectionRefused extends Error {}

/** Polls `check` every 50 ms until it is true; throws `what` after `timeout` ms. */
async function until(timeout: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} within ${timeout} ms`);
}

function fields(reply: RespValue): Map<string, string> {
  const map = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  }
  return map;
}

/**
 * Sends commands on a fresh socket and resolves with the last reply; a
 * connection failure resolves with a `ConnectionRefused` (bounded by 2 s).
 *
 * @param port The server's port on 127.0.0.1.
 * @param commands Sent in one write; only the last reply is returned.
 * @returns The last reply, decoded (error replies as `Error`).
 */
export function rawCommand(port: number, commands: string[][]): Promise<RespValue> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let buffer = "";
    let settled = false;
    const done = (value: RespValue) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(new ConnectionRefused(`no reply from ${port}`)), 2000);
    socket.setEncoding("latin1");
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const replies: RespValue[] = [];
      let at = 0;
      while (replies.length < commands.length) {
        const parsed = parse(buffer, at);
        if (parsed === undefined) return;
        replies.push(parsed[0]);
        at = parsed[1];
      }
      done(replies.at(-1)!);
    });
    socket.on("error", (error) => done(new ConnectionRefused(error.message)));
    socket.on("close", () => done(new ConnectionRefused(`${port} closed the connection`)));
  });
}

function encode(args: string[]): string {
  const parts = args.map((arg) => `$${new TextEncoder().encode(arg).length}\r\n${arg}\r\n`);
  return `*${args.length}\r\n${parts.join("")}`;
}

/** Parses one RESP2 value at `at`; undefined when incomplete. */
function parse(text: string, at: number): [RespValue, number] | undefined {
  const end = text.indexOf("\r\n", at);
  if (end < 0) return undefined;
  const line = text.slice(at + 1, end);
  const next = end + 2;
  switch (text[at]) {
    case "+":
      return [line, next];
    case "-":
      return [new Error(line), next];
    case ":":
      return [Number(line), next];
    case "$": {
      const length = Number(line);
      if (length < 0) return [null, next];
      if (text.length < next + length + 2) return undefined;
      return [text.slice(next, next + length), next + length + 2];
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items: RespValue[] = [];
      let position = next;
      for (let i = 0; i < count; i++) {
        const item = parse(text, position);
        if (item === undefined) return undefined;
        items.push(item[0]);
        position = item[1];
      }
      return [items, position];
    }
    default:
      return [
        new Error(`unexpected reply ${JSON.stringify(text.slice(at, at + 20))}`),
        text.length,
      ];
  }
}

/** What {@linkcode startWriteLoad} saw. */
export interface WriteLoadReport {
  /** Ids of acknowledged writes, in acknowledgement order. */
  acked: string[];
  /** When each write in `acked` was acknowledged (`performance.now()`), in the same order. */
  ackedAt: number[];
  /** What each acknowledged write resolved with, in the same order. */
  results: unknown[];
  /** Errors the writers saw, in order. */
  errors: Error[];
  /** Longest time without an acknowledged write, in ms, from the first ack to `stop()`. */
  longestGap: number;
}

/** A running load started by {@linkcode startWriteLoad}. */
export interface WriteLoad {
  /** Stops the writers, waits for their last write, and reports. */
  stop(): Promise<WriteLoadReport>;
}

/**
 * Runs `writers` loops that each call `write(id)` with a unique id, back to
 * back, until `stop()`; after an error a writer pauses `pauseOnError` ms.
 *
 * @param write Sends one write, such as `(id) => redis.sadd("acked", id)`.
 * @param options How many writers, and the pause after an error.
 * @returns The load; `stop()` reports what was acknowledged.
 *
 * @example
 * ```ts
 * import { startWriteLoad } from "./sentinel_topology.ts";
 *
 * let n = 0;
 * const load = startWriteLoad(async () => n++, { writers: 2 });
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * console.log((await load.stop()).acked.length === n);
 * ```
 */
export function startWriteLoad(
  write: (id: string) => Promise<unknown>,
  options: { writers?: number; pauseOnError?: number } = {},
): WriteLoad {
  const { writers = 8, pauseOnError = 5 } = options;
  const report: WriteLoadReport = {
    acked: [],
    ackedAt: [],
    results: [],
    errors: [],
    longestGap: 0,
  };
  let stopped = false;
  let last: number | undefined;
  const loop = async (writer: number) => {
    for (let i = 0; !stopped; i++) {
      const id = `${writer}:${i}`;
      try {
        const result = await write(id);
        const now = performance.now();
        if (last !== undefined) report.longestGap = Math.max(report.longestGap, now - last);
        last = now;
        report.acked.push(id);
        report.ackedAt.push(now);
        report.results.push(result);
      } catch (error) {
        report.errors.push(error as Error);
        await new Promise((resolve) => setTimeout(resolve, pauseOnError));
      }
    }
  };
  const running = Array.from({ length: writers }, (_, writer) => loop(writer));
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(running);
      if (last !== undefined) {
        report.longestGap = Math.max(report.longestGap, performance.now() - last);
      }
      return report;
    },
  };
}
