/**
 * Options of `Sentinel`, its clients, and RQ's SENTINEL settings.
 *
 * @module
 */
import type { ConnectionOptions, Secret } from "../connection/mod.ts";
import type { TlsOptions } from "../transport/mod.ts";
import type { SentinelPoolOptions } from "./sentinel_pool.ts";

/**
 * A sentinel or server address: `[host, port]`.
 *
 * @example
 * ```ts
 * import type { SentinelAddress } from "@redwire/redis";
 *
 * const address: SentinelAddress = ["10.0.0.1", 26379];
 * ```
 */
export type SentinelAddress = [host: string, port: number];

/**
 * Options of `Sentinel`. The `sentinel*` options are for the
 * sentinels; every other option is for the data nodes (master and replicas)
 * and their pools, as in redis-py. `socketTimeout` and `socketConnectTimeout`
 * also apply to the sentinels unless `sentinelSocketTimeout` /
 * `sentinelSocketConnectTimeout` say otherwise.
 *
 * @example
 * ```ts
 * import { Sentinel, type SentinelOptions } from "@redwire/redis";
 *
 * const options: SentinelOptions = {
 *   password: "data-node-secret",
 *   sentinelPassword: "sentinel-secret",
 *   socketTimeout: 500,
 *   maxConnections: 20,
 * };
 * await using sentinel = new Sentinel([["10.0.0.1", 26379], ["10.0.0.2", 26379]], options);
 * ```
 */
export interface SentinelOptions extends SentinelClientOptions {
  /** ACL user name for the sentinels. */
  sentinelUsername?: string;
  /** Password for the sentinels (`requirepass` in sentinel.conf). Never printed. */
  sentinelPassword?: string | Secret;
  /** TLS to the sentinels: `true` or detailed options. @default false */
  sentinelTls?: boolean | TlsOptions;
  /** Longest wait for a sentinel's reply, in ms; `null` waits forever. @default socketTimeout, else 1000 */
  sentinelSocketTimeout?: number | null;
  /** Longest wait to connect to a sentinel, in ms; `null` waits forever. @default socketConnectTimeout, else 1000 */
  sentinelSocketConnectTimeout?: number | null;
  /** Refuse a master whose sentinel sees fewer other sentinels than this (redis-py's min_other_sentinels). @default 0 */
  minOtherSentinels?: number;
  /** The master group `masterFor()` / `replicaFor()` use when given no name. */
  serviceName?: string;
}

/**
 * Options of `masterFor()` / `replicaFor()`: data-node connection and pool options.
 *
 * @example
 * ```ts
 * import { Sentinel, type SentinelClientOptions } from "@redwire/redis";
 *
 * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
 * const options: SentinelClientOptions = { db: 1, maxConnections: 20, watchFailover: true };
 * await using master = sentinel.masterFor("mymaster", options);
 * ```
 */
export type SentinelClientOptions = Omit<SentinelPoolOptions, "sentinel" | "serviceName" | "role">;

/**
 * RQ's `SENTINEL` settings. Keys in camelCase take times in ms; RQ's
 * UPPER_CASE keys are accepted too, with `SOCKET_TIMEOUT` in seconds as in RQ.
 *
 * @example
 * ```ts
 * import { Sentinel, type SentinelConfig } from "@redwire/redis";
 *
 * const config: SentinelConfig = {
 *   instances: [["remote.host1.org", 26379], "remote.host2.org:26379"],
 *   socketTimeout: null,
 *   password: "secret",
 *   db: 2,
 *   masterName: "master",
 * };
 * const sentinel = Sentinel.fromConfig(config);
 * ```
 */
export interface SentinelConfig {
  /** The sentinels: `[host, port]` pairs or `"host:port"` strings. @default [["localhost", 26379]] */
  instances?: (SentinelAddress | string)[];
  /** Reply timeout for data nodes and sentinels, in ms; `null` waits forever. */
  socketTimeout?: number | null;
  /** The data nodes' password. */
  password?: string | Secret;
  /** The data nodes' ACL user name. */
  username?: string;
  /** The database to select. @default 0 */
  db?: number;
  /** The master group name. @default "mymaster" */
  masterName?: string;
  /** TLS to data nodes and sentinels. @default false */
  ssl?: boolean;
  /** Options for the sentinel connections (RQ's CONNECTION_KWARGS), such as `{ password }`. */
  connectionKwargs?: {
    username?: string;
    password?: string | Secret;
    socketTimeout?: number | null;
  };
  /** RQ's spellings. */
  INSTANCES?: (SentinelAddress | string)[];
  /** RQ's spelling, in seconds. */
  SOCKET_TIMEOUT?: number | null;
  /** RQ's spelling. */
  PASSWORD?: string | Secret;
  /** RQ's spelling. */
  USERNAME?: string;
  /** RQ's spelling. */
  DB?: number;
  /** RQ's spelling. */
  MASTER_NAME?: string;
  /** RQ's spelling. */
  SSL?: boolean;
  /** RQ's spelling. */
  CONNECTION_KWARGS?: { username?: string; password?: string | Secret };
}

const SENTINEL_KEYS = [
  "sentinelUsername",
  "sentinelPassword",
  "sentinelTls",
  "sentinelSocketTimeout",
  "sentinelSocketConnectTimeout",
  "minOtherSentinels",
  "serviceName",
] as const;

const DEFAULTS = {
  sentinelSocketTimeout: 1000,
  sentinelSocketConnectTimeout: 1000,
  minOtherSentinels: 0,
};

/**
 * What `new Sentinel()` keeps from its options: sentinel connections,
 * data-node options, limits.
 *
 * @example
 * ```ts
 * import { splitOptions, type SplitOptions } from "./sentinel_options.ts";
 *
 * const split: SplitOptions = splitOptions({ sentinelSocketTimeout: 200 });
 * ```
 */
export interface SplitOptions {
  /** Connection options for the sentinels. */
  query: ConnectionOptions;
  /** Options for the data nodes and their pools. */
  data: SentinelClientOptions;
  /** redis-py's min_other_sentinels. */
  minOtherSentinels: number;
}

/**
 * Separates the sentinels' options from the data nodes' and applies the
 * defaults: `socketTimeout` / `socketConnectTimeout` also bound the sentinels
 * unless the `sentinel*` ones say otherwise (redis-py copies socket_* options
 * into sentinel_kwargs the same way).
 *
 * @param options The Sentinel's options.
 * @returns The options for each side.
 * @throws {RangeError} If minOtherSentinels is not an integer >= 0.
 *
 * @example
 * ```ts
 * import { splitOptions } from "./sentinel_options.ts";
 *
 * const { query, data } = splitOptions({ password: "data", sentinelPassword: "sentinel" });
 * console.log(query.password, data.password); // "sentinel" "data"
 * ```
 */
export function splitOptions(options: SentinelOptions): SplitOptions {
  const data: Record<string, unknown> = { ...options };
  for (const key of SENTINEL_KEYS) delete data[key];
  const minOtherSentinels = options.minOtherSentinels ?? DEFAULTS.minOtherSentinels;
  if (!Number.isInteger(minOtherSentinels) || minOtherSentinels < 0) {
    throw new RangeError(`minOtherSentinels must be an integer >= 0, got ${minOtherSentinels}`);
  }
  const pick = <T>(own: T | undefined, shared: T | undefined, fallback: T): T =>
    own !== undefined ? own : shared !== undefined ? shared : fallback;
  const query: ConnectionOptions = {
    username: options.sentinelUsername,
    password: options.sentinelPassword,
    tls: options.sentinelTls,
    socketTimeout: pick(
      options.sentinelSocketTimeout,
      options.socketTimeout,
      DEFAULTS.sentinelSocketTimeout,
    ),
    socketConnectTimeout: pick(
      options.sentinelSocketConnectTimeout,
      options.socketConnectTimeout,
      DEFAULTS.sentinelSocketConnectTimeout,
    ),
    socketKeepalive: options.socketKeepalive,
    socketKeepaliveDelay: options.socketKeepaliveDelay,
    transport: options.transport,
  };
  return { query, data: data as SentinelClientOptions, minOtherSentinels };
}

/**
 * Reads RQ's SENTINEL settings: camelCase keys (times in ms) or RQ's
 * UPPER_CASE keys (SOCKET_TIMEOUT in seconds).
 *
 * @param config The settings.
 * @returns The sentinels and the Sentinel options.
 *
 * @example
 * ```ts
 * import { configOptions } from "./sentinel_options.ts";
 *
 * const { instances, options } = configOptions({ INSTANCES: ["h1:26379"], SOCKET_TIMEOUT: 0.5 });
 * console.log(instances, options.socketTimeout); // ["h1:26379"] 500
 * ```
 */
export function configOptions(
  config: SentinelConfig,
): { instances: (SentinelAddress | string)[]; options: SentinelOptions } {
  const seconds = config.SOCKET_TIMEOUT;
  const socketTimeout = config.socketTimeout !== undefined
    ? config.socketTimeout
    : seconds === undefined || seconds === null
    ? seconds
    : Math.round(seconds * 1000);
  const kwargs = config.connectionKwargs ?? config.CONNECTION_KWARGS ?? {};
  const tls = config.ssl ?? config.SSL;
  return {
    instances: config.instances ?? config.INSTANCES ?? [["localhost", 26379]],
    options: {
      socketTimeout,
      password: config.password ?? config.PASSWORD,
      username: config.username ?? config.USERNAME,
      db: config.db ?? config.DB,
      tls,
      sentinelTls: tls,
      sentinelPassword: kwargs.password,
      sentinelUsername: kwargs.username,
      serviceName: config.masterName ?? config.MASTER_NAME ?? "mymaster",
    },
  };
}
