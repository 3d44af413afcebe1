/**
 * Connection options, their defaults (one table), and their checks.
 *
 * @module
 */
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import { checkDuration, checkInteger } from "../_check.ts";
import type { Reply } from "../protocol/mod.ts";
import type { TlsOptions, TransportFactory } from "../transport/mod.ts";
import type { ErrorClass, RetryPolicy } from "./retry.ts";
import { Secret } from "./secret.ts";

/**
 * How to reach a server and how to behave on the connection. Every level
 * accepts these: `Connection`, `Redis`, pools and `Sentinel.masterFor`.
 *
 * @example
 * ```ts
 * import { Redis, type ConnectionOptions } from "@redwire/redis";
 *
 * const options: ConnectionOptions = { host: "127.0.0.1", port: 6379, db: 2, socketTimeout: 2000 };
 * await using redis = new Redis(options);
 * ```
 */
export interface ConnectionOptions {
  /** Server host name or address. @default "localhost" */
  host?: string;
  /** Server TCP port. @default 6379 */
  port?: number;
  /** Unix socket path; when set, host and port are not used. */
  path?: string;
  /** Database selected after connecting. @default 0 */
  db?: number;
  /** ACL user name (Redis 6+); without it AUTH uses the password alone. */
  username?: string;
  /** Password for AUTH / HELLO; kept in a {@linkcode Secret}, so it is never printed. */
  password?: string | Secret;
  /** TLS: `true` for defaults (certificates verified) or detailed options. @default false */
  tls?: boolean | TlsOptions;
  /** Longest wait for each reply, in ms; `null` waits forever. @default 30000 */
  socketTimeout?: number | null;
  /** Longest wait for connect + TLS + handshake, in ms; `null` waits forever. @default 10000 */
  socketConnectTimeout?: number | null;
  /** Enable TCP keepalive probes. @default true */
  socketKeepalive?: boolean;
  /** Idle time before the first keepalive probe, in ms. @default 10000 */
  socketKeepaliveDelay?: number;
  /** Re-send a command that timed out after being written (it may run twice). @default false */
  retryOnTimeout?: boolean;
  /** Re-send a command that failed with one of these error classes (it may run twice). @default [] */
  retryOnError?: ErrorClass[];
  /** Backoff between retries; commands never written are retried under it too. */
  retry?: RetryPolicy;
  /** PING a pooled connection before lending it when idle longer than this, in ms; 0 disables. @default 0 */
  healthCheckInterval?: number;
  /** CLIENT SETNAME sent in the handshake. */
  clientName?: string;
  /** CLIENT SETINFO LIB-NAME. @default "redwire" */
  libName?: string;
  /** CLIENT SETINFO LIB-VER. @default the package version */
  libVersion?: string;
  /** RESP protocol version: 3 sends HELLO 3. @default 2 */
  protocol?: 2 | 3;
  /** `true`: string replies; `false`: Uint8Array replies. @default true */
  decodeResponses?: boolean;
  /** Opens the byte stream; defaults to the runtime's TCP/TLS/Unix adapter. */
  transport?: TransportFactory;
  /** Commands allowed to wait for replies on one connection before new ones fail. @default 100000 */
  maxPendingCommands?: number;
  /** Unwritten bytes allowed on one connection before new commands fail. @default 67108864 */
  maxPendingBytes?: number;
  /** Longest bulk string or aggregate accepted from the server. @default 536870912 */
  maxBulkLength?: number;
  /** Deepest reply nesting accepted from the server. @default 64 */
  maxDepth?: number;
  /** Receives RESP3 push frames (never the command FIFO), until `enterSubscriberMode` names another receiver. */
  onPush?: (frame: Reply[]) => void;
  /** Reads time and sets timers (deadlines, pool chores); tests pass one they drive. @default the system clock */
  clock?: Clock;
}

/**
 * Connection options with every default applied.
 */
export type ResolvedConnectionOptions =
  & Required<
    Omit<
      ConnectionOptions,
      "path" | "username" | "password" | "clientName" | "transport" | "tls" | "onPush" | "retry"
    >
  >
  & Pick<
    ConnectionOptions,
    "path" | "username" | "clientName" | "transport" | "onPush" | "retry"
  >
  & { tls: TlsOptions | undefined; password: Secret | undefined };

/** The package version sent as CLIENT SETINFO LIB-VER. */
export const VERSION = "0.1.0";

const DEFAULTS = {
  host: "localhost",
  port: 6379,
  db: 0,
  socketTimeout: 30_000,
  socketConnectTimeout: 10_000,
  socketKeepalive: true,
  socketKeepaliveDelay: 10_000,
  retryOnTimeout: false,
  retryOnError: [],
  healthCheckInterval: 0,
  libName: "redwire",
  libVersion: VERSION,
  protocol: 2,
  decodeResponses: true,
  maxPendingCommands: 100_000,
  maxPendingBytes: 64 * 1024 * 1024,
  maxBulkLength: 512 * 1024 * 1024,
  maxDepth: 64,
  clock: SYSTEM_CLOCK,
} as const;

/** The options without a default; `satisfies` keeps the two tables naming every option. */
const UNDEFAULTED = {
  path: true,
  username: true,
  password: true,
  tls: true,
  retry: true,
  clientName: true,
  transport: true,
  onPush: true,
} satisfies Record<Exclude<keyof ConnectionOptions, keyof typeof DEFAULTS>, true>;

/** The name of every connection option, for the clients' unknown-option checks. */
export const CONNECTION_OPTION_NAMES: readonly string[] = [
  ...Object.keys(DEFAULTS),
  ...Object.keys(UNDEFAULTED),
];

const COUNTS = ["port", "db", "maxPendingCommands", "maxPendingBytes", "maxBulkLength", "maxDepth"];
const DURATIONS = ["socketKeepaliveDelay", "healthCheckInterval"];
const NULLABLE_DURATIONS = ["socketTimeout", "socketConnectTimeout"];

/**
 * Applies the defaults once and checks every value.
 *
 * @param options The user's options.
 * @returns The options with defaults applied.
 * @throws {RangeError} If a number is out of range, naming option and value.
 */
export function resolveConnectionOptions(
  options: ConnectionOptions = {},
): ResolvedConnectionOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as ConnectionOptions;
  const resolved = {
    ...DEFAULTS,
    ...defined,
    tls: resolveTls(defined.tls),
    password: defined.password === undefined ? undefined : Secret.from(defined.password),
  };
  const record = resolved as unknown as Record<string, unknown>;
  for (const key of COUNTS) checkInteger(key, record[key], 0);
  for (const key of DURATIONS) checkDuration(key, record[key], 0);
  for (const key of NULLABLE_DURATIONS) checkDuration(key, record[key], 0, true);
  if (resolved.port > 65535) {
    throw new RangeError(`port must be at most 65535, got ${resolved.port}`);
  }
  // CLIENT SETNAME refuses spaces, newlines and anything outside "!".."~".
  if (resolved.clientName !== undefined && !/^[!-~]*$/.test(resolved.clientName)) {
    throw new RangeError(
      `clientName must be printable ASCII without spaces or newlines (as CLIENT SETNAME requires), got ${
        JSON.stringify(resolved.clientName)
      }`,
    );
  }
  if (resolved.protocol !== 2 && resolved.protocol !== 3) {
    throw new RangeError(`protocol must be 2 or 3, got ${resolved.protocol}`);
  }
  return resolved as ResolvedConnectionOptions;
}

function resolveTls(tls: ConnectionOptions["tls"]): TlsOptions | undefined {
  if (tls === undefined || tls === false) return undefined;
  return tls === true ? {} : tls;
}

/**
 * Where a connection goes, for messages: `host:port` or the socket path.
 *
 * @param options Resolved or partial options.
 * @returns A printable address that never includes credentials.
 */
export function describeAddress(
  options: Pick<ConnectionOptions, "host" | "port" | "path">,
): string {
  if (options.path !== undefined) return options.path;
  const host = options.host ?? DEFAULTS.host;
  return `${host.includes(":") ? `[${host}]` : host}:${options.port ?? DEFAULTS.port}`;
}
