/**
 * Options of the WebSocket bridge, their defaults (one table), and their checks.
 *
 * @module
 */

import type { TlsOptions } from "../transport/mod.ts";

/**
 * The one Redis server a bridge connects every WebSocket to. Clients cannot
 * choose another: the bridge is never an open proxy.
 *
 * @example
 * ```ts
 * import type { BridgeTarget } from "@redwire/redis/bridge";
 *
 * const target: BridgeTarget = { host: "10.0.0.5", port: 6380, tls: { servername: "redis.internal" } };
 * ```
 */
export interface BridgeTarget {
  /** Redis host name or address. @default "127.0.0.1" */
  host?: string;
  /** Redis TCP port; required unless `path` is set. */
  port?: number;
  /** Unix socket path; when set, host and port are not used. */
  path?: string;
  /** TLS to Redis: `true` for defaults (certificates verified) or detailed options. @default false */
  tls?: boolean | TlsOptions;
}

/**
 * Decides whether a WebSocket upgrade may go through: resolve `true` to
 * accept; anything else, or a throw, answers 401. It sees the upgrade
 * request only; no byte has reached Redis yet.
 *
 * @example Accepting the token from an `Authorization` header (clients that can set headers)
 * ```ts
 * import type { BridgeAuthenticate } from "@redwire/redis/bridge";
 *
 * const authenticate: BridgeAuthenticate = (request) =>
 *   request.headers.get("authorization") === "Bearer s3cret"; // prefer a constant-time check
 * ```
 */
export type BridgeAuthenticate = (request: Request) => boolean | Promise<boolean>;

/**
 * Where the bridge reports connections opened, closed and refused: `console`
 * fits. Lines never contain the token, request headers or query strings.
 *
 * @example
 * ```ts
 * import type { BridgeLogger } from "@redwire/redis/bridge";
 *
 * const logger: BridgeLogger = { warn: (message) => console.warn(`[bridge] ${message}`) };
 * ```
 */
export interface BridgeLogger {
  /** Connections opened and closed. */
  info?(message: string): void;
  /** Refused upgrades: wrong token, connection cap, malformed handshakes. */
  warn?(message: string): void;
  /** Failures to reach Redis. */
  error?(message: string): void;
}

/**
 * Options of {@linkcode serveBridge}. Set exactly one of `token` and
 * `authenticate`. Times are in ms.
 *
 * @example
 * ```ts
 * import type { BridgeOptions } from "@redwire/redis/bridge";
 *
 * const options: BridgeOptions = {
 *   port: 8080,
 *   target: { host: "127.0.0.1", port: 6379 },
 *   token: "s3cret",
 *   maxConnections: 200,
 * };
 * ```
 */
export interface BridgeOptions {
  /** Port to listen on; 0 picks a free one (read it from `BridgeServer.port`). */
  port: number;
  /** Address to listen on; put a TLS proxy in front, or clients' tokens travel in clear. @default "127.0.0.1" */
  hostname?: string;
  /** The Redis server every WebSocket is connected to. */
  target: BridgeTarget;
  /** The shared secret clients send (see `webSocketTransport`), compared in constant time. */
  token?: string;
  /** Decides who may connect, instead of `token`. */
  authenticate?: BridgeAuthenticate;
  /** Open WebSockets (each with its Redis connection) allowed at once; past it upgrades get 503. @default 1000 */
  maxConnections?: number;
  /**
   * Close both sides after this long without a byte either way; `null` never
   * does. A quiet pub/sub subscriber or a long BLPOP counts as idle (the
   * client reconnects and resubscribes, but messages in between are lost):
   * raise it or use `null` for those. @default 300000
   */
  idleTimeout?: number | null;
  /** Longest wait for the Redis connection of a new WebSocket; `null` waits forever. @default 10000 */
  connectTimeout?: number | null;
  /** Closes the bridge when aborted. */
  signal?: AbortSignal;
  /** Receives what the bridge does; silent when unset. */
  logger?: BridgeLogger;
}

/**
 * Bridge options with every default applied.
 *
 * @example
 * ```ts
 * import { resolveBridgeOptions, type ResolvedBridgeOptions } from "./options.ts";
 *
 * const resolved: ResolvedBridgeOptions = resolveBridgeOptions({ port: 0, target: { port: 6379 }, token: "t" });
 * ```
 */
export interface ResolvedBridgeOptions {
  port: number;
  hostname: string;
  target: { host: string; port: number; path?: string; tls?: TlsOptions };
  token?: string;
  authenticate?: BridgeAuthenticate;
  maxConnections: number;
  idleTimeout: number | null;
  connectTimeout: number | null;
  signal?: AbortSignal;
  logger: BridgeLogger;
}

const DEFAULTS = {
  hostname: "127.0.0.1",
  targetHost: "127.0.0.1",
  maxConnections: 1000,
  idleTimeout: 300_000,
  connectTimeout: 10_000,
} as const;

/**
 * Applies the defaults once and checks every value.
 *
 * @param options The user's options.
 * @returns The options with defaults applied.
 * @throws {TypeError} If `target`, `token` or `authenticate` is missing or malformed.
 * @throws {RangeError} If a number is out of range, naming option and value.
 *
 * @example
 * ```ts
 * import { resolveBridgeOptions } from "./options.ts";
 *
 * const resolved = resolveBridgeOptions({ port: 8080, target: { port: 6379 }, token: "t" });
 * console.log(resolved.hostname, resolved.maxConnections); // "127.0.0.1" 1000
 * ```
 */
export function resolveBridgeOptions(options: BridgeOptions): ResolvedBridgeOptions {
  const { token, authenticate } = options;
  if ((token === undefined) === (authenticate === undefined)) {
    throw new TypeError("serveBridge needs exactly one of token and authenticate");
  }
  if (token !== undefined && (typeof token !== "string" || token === "")) {
    throw new TypeError("token must be a non-empty string");
  }
  if (authenticate !== undefined && typeof authenticate !== "function") {
    throw new TypeError("authenticate must be a function");
  }
  checkPort("port", options.port);
  const maxConnections = options.maxConnections ?? DEFAULTS.maxConnections;
  checkCount("maxConnections", maxConnections, 1);
  const idleTimeout = orDefault(options.idleTimeout, DEFAULTS.idleTimeout);
  const connectTimeout = orDefault(options.connectTimeout, DEFAULTS.connectTimeout);
  if (idleTimeout !== null) checkCount("idleTimeout", idleTimeout, 1);
  if (connectTimeout !== null) checkCount("connectTimeout", connectTimeout, 0);
  return {
    port: options.port,
    hostname: options.hostname ?? DEFAULTS.hostname,
    target: resolveTarget(options.target),
    token,
    authenticate,
    maxConnections,
    idleTimeout,
    connectTimeout,
    signal: options.signal,
    logger: options.logger ?? {},
  };
}

function resolveTarget(target: BridgeTarget | undefined): ResolvedBridgeOptions["target"] {
  if (typeof target !== "object" || target === null) {
    throw new TypeError("serveBridge needs a target: { host, port } or { path }");
  }
  const tls = target.tls === true ? {} : target.tls === false ? undefined : target.tls;
  const host = target.host ?? DEFAULTS.targetHost;
  if (target.path !== undefined) return { host, port: 0, path: target.path, tls };
  if (target.port === undefined) throw new TypeError("target needs a port (or a path)");
  checkPort("target.port", target.port);
  return { host, port: target.port, tls };
}

function orDefault(value: number | null | undefined, fallback: number): number | null {
  return value === undefined ? fallback : value;
}

function checkPort(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new RangeError(`${name} must be an integer from 0 to 65535, got ${String(value)}`);
  }
}

function checkCount(name: string, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
