/**
 * Options of `RedisCluster`, their defaults (one table), and the
 * `redis+cluster://` URL.
 *
 * @module
 */
import { checkInteger } from "../_check.ts";
import { checkOptionNames, POOL_OPTION_NAMES } from "../client/mod.ts";
import { parseRedisUrl, redactUrl } from "../connection/mod.ts";
import type { PoolOptions } from "../pool/mod.ts";
import type { AddressMap } from "./_slot_map.ts";

/**
 * How replica reads pick a node: `"round-robin"` over the primary and its
 * replicas, `"replicas"` round-robin over replicas only (the primary when
 * none), `"random"` any of them.
 *
 * @example
 * ```ts
 * import type { LoadBalancing } from "@redwire/redis";
 *
 * const choice: LoadBalancing = "replicas";
 * ```
 */
export type LoadBalancing = "round-robin" | "replicas" | "random";

/**
 * Options of {@linkcode RedisCluster}: every pool and connection option of
 * `Redis` (applied to each node's pool), plus the cluster's own.
 *
 * @example
 * ```ts
 * import type { RedisClusterOptions } from "@redwire/redis";
 *
 * const options: RedisClusterOptions = { maxConnections: 20, readFromReplicas: true };
 * ```
 */
export interface RedisClusterOptions extends PoolOptions {
  /** Send read-only commands (by the command table) to replicas too, with READONLY. @default false */
  readFromReplicas?: boolean;
  /** How replica reads pick a node. @default "round-robin" */
  loadBalancing?: LoadBalancing;
  /** Most MOVED / ASK redirections followed for one command; 0 follows none. @default 16 */
  maxRedirects?: number;
  /** Maps the addresses the cluster announces to reachable ones (NAT, containers). */
  addressMap?: AddressMap;
  /** Least time between two topology reads, in ms. @default 100 */
  minRefreshInterval?: number;
  /** Mean period of the background topology check (jittered), in ms; 0 disables it. @default 60000 */
  topologyCheckInterval?: number;
}

/** Cluster options with every default applied. */
export interface ResolvedClusterOptions {
  readFromReplicas: boolean;
  loadBalancing: LoadBalancing;
  maxRedirects: number;
  addressMap: AddressMap | undefined;
  minRefreshInterval: number;
  topologyCheckInterval: number;
  /** The pool and connection options for every node. */
  node: PoolOptions;
}

const DEFAULTS = {
  readFromReplicas: false,
  loadBalancing: "round-robin",
  maxRedirects: 16,
  minRefreshInterval: 100,
  topologyCheckInterval: 60_000,
} as const;

/** The cluster's own option names; `satisfies` keeps them in step with RedisClusterOptions. */
const CLUSTER_KEYS = {
  readFromReplicas: true,
  loadBalancing: true,
  maxRedirects: true,
  addressMap: true,
  minRefreshInterval: true,
  topologyCheckInterval: true,
} satisfies Record<Exclude<keyof RedisClusterOptions, keyof PoolOptions>, true>;
const NAMES = [...POOL_OPTION_NAMES, ...Object.keys(CLUSTER_KEYS)];

/**
 * Applies the defaults once and checks the cluster's own options.
 *
 * @throws {TypeError} If an option name is unknown (naming the closest one).
 */
export function resolveClusterOptions(options: RedisClusterOptions): ResolvedClusterOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`new RedisCluster() takes an options object, not ${typeof options}`);
  }
  checkOptionNames(options, NAMES, "new RedisCluster()");
  const {
    readFromReplicas = DEFAULTS.readFromReplicas,
    loadBalancing = DEFAULTS.loadBalancing,
    maxRedirects = DEFAULTS.maxRedirects,
    addressMap,
    minRefreshInterval = DEFAULTS.minRefreshInterval,
    topologyCheckInterval = DEFAULTS.topologyCheckInterval,
    ...node
  } = options;
  checkInteger("maxRedirects", maxRedirects, 0);
  checkInteger("minRefreshInterval", minRefreshInterval, 0);
  checkInteger("topologyCheckInterval", topologyCheckInterval, 0);
  if (!["round-robin", "replicas", "random"].includes(loadBalancing)) {
    throw new RangeError(
      `loadBalancing must be "round-robin", "replicas" or "random", got ${String(loadBalancing)}`,
    );
  }
  if (addressMap !== undefined && typeof addressMap !== "function") {
    throw new TypeError(`addressMap must be a function, got ${typeof addressMap}`);
  }
  if (node.host !== undefined || node.port !== undefined || node.path !== undefined) {
    throw new TypeError(
      "RedisCluster takes its nodes as the first argument ([[host, port], ...] or a redis+cluster:// URL), not host/port/path options",
    );
  }
  return {
    readFromReplicas,
    loadBalancing,
    maxRedirects,
    addressMap,
    minRefreshInterval,
    topologyCheckInterval,
    node,
  };
}

/**
 * Parses `redis+cluster://[[user]:password@]h1:7000,h2:7001[?options]`
 * (`rediss+cluster://` for TLS) into startup nodes and options.
 *
 * @param url The URL.
 * @returns The startup nodes and the connection options the URL sets.
 * @throws {TypeError} If the URL is malformed (the message redacts the password).
 */
export function parseClusterUrl(
  url: string,
): { nodes: [string, number][]; options: PoolOptions } {
  const match = /^(rediss?)\+cluster:\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/i
    .exec(url);
  if (match === null) {
    throw new TypeError(
      `Not a cluster URL: ${
        redactUrl(url)
      } (expected redis+cluster://[[user]:password@]host:port,host:port[?options], or rediss+cluster:// for TLS)`,
    );
  }
  const [, scheme, credentials, hostList, path = "", query = ""] = match;
  const nodes = hostList!.split(",").map((entry) => parseHostPort(entry, url));
  const auth = credentials === undefined ? "" : `${credentials}@`;
  const options = parseRedisUrl(`${scheme!.toLowerCase()}://${auth}placeholder${path}${query}`);
  delete options.host;
  delete options.port;
  if ((options.db ?? 0) !== 0) {
    throw new TypeError(`A cluster has database 0 only; ${redactUrl(url)} selects ${options.db}`);
  }
  return { nodes, options };
}

/**
 * Checks startup nodes given as `[host, port]` pairs.
 *
 * @param startup The pairs.
 * @returns The same pairs.
 * @throws {TypeError} If there are none, or one is not a `[host, port]` pair.
 */
export function checkStartupNodes(startup: [string, number][]): [string, number][] {
  if (!Array.isArray(startup) || startup.length === 0) {
    throw new TypeError(
      "RedisCluster needs at least one startup node: [[host, port], ...] or a redis+cluster:// URL",
    );
  }
  for (const entry of startup) {
    const [host, port] = Array.isArray(entry) ? entry : [];
    if (typeof host !== "string" || !Number.isInteger(port) || port! < 1 || port! > 65535) {
      throw new TypeError(`A startup node is a [host, port] pair, got ${JSON.stringify(entry)}`);
    }
  }
  return startup;
}

function parseHostPort(entry: string, url: string): [string, number] {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(entry.trim());
  if (match === null) throw new TypeError(`Bad host "${entry}" in ${redactUrl(url)}`);
  return [match[1] ?? match[2]!, Number(match[3] ?? 6379)];
}
