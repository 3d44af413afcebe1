/**
 * `redis+sentinel://` URLs, and sentinel addresses written as text.
 *
 * @module
 */
import { type ConnectionOptions, parseRedisUrl, redactUrl, Secret } from "../connection/mod.ts";
import type { Address } from "./_replies.ts";
import type { SentinelOptions } from "./sentinel_options.ts";

/**
 * The default sentinel port.
 *
 * @example
 * ```ts
 * import { SENTINEL_PORT } from "./sentinel_url.ts";
 *
 * console.log(SENTINEL_PORT); // 26379
 * ```
 */
export const SENTINEL_PORT = 26379;

const URL_FORM =
  "redis+sentinel://[[username]:password@]host1[:port1][,host2[:port2]...]/serviceName[/db][?options] " +
  "(rediss+sentinel:// for TLS)";

/** Query options that concern the sentinels, not the data nodes. */
const SENTINEL_QUERY: Record<string, keyof SentinelOptions> = {
  sentinelPassword: "sentinelPassword",
  sentinel_password: "sentinelPassword",
  sentinelUsername: "sentinelUsername",
  sentinel_username: "sentinelUsername",
};

/**
 * What a `redis+sentinel://` URL says.
 *
 * @example
 * ```ts
 * import { parseSentinelUrl, type SentinelUrl } from "@redwire/redis";
 *
 * const parsed: SentinelUrl = parseSentinelUrl("redis+sentinel://h1:26379,h2/mymaster/0");
 * ```
 */
export interface SentinelUrl {
  /** The sentinels, as `[host, port]`. */
  sentinels: [host: string, port: number][];
  /** The master group name. */
  serviceName: string;
  /** Data-node options (db, username, password, query options) and sentinel credentials. */
  options: SentinelOptions;
}

/**
 * Parses `redis+sentinel://[[username]:password@]h1[:26379][,h2[:26379]...]/serviceName[/db]`.
 * The credentials are the data nodes'; the sentinels' go in the query
 * (`sentinelPassword`, `sentinelUsername`). Other query options are those of
 * `redis://` URLs (`socketTimeout`, `clientName`, ...). `rediss+sentinel://`
 * turns TLS on for data nodes and sentinels.
 *
 * @param url The URL; user name and password may be percent-encoded.
 * @returns The sentinels, the group name and the options.
 * @throws {TypeError} If the URL is malformed; the message redacts the password.
 *
 * @example
 * ```ts
 * import { parseSentinelUrl } from "@redwire/redis";
 *
 * const { sentinels, serviceName, options } = parseSentinelUrl(
 *   "redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380/mymaster/2?sentinelPassword=pw",
 * );
 * console.log(sentinels, serviceName, options.db); // [["10.0.0.1", 26379], ["10.0.0.2", 26380]] "mymaster" 2
 * ```
 */
export function parseSentinelUrl(url: string): SentinelUrl {
  const fail = (what: string): never => {
    throw new TypeError(`Invalid Sentinel URL "${redactUrl(url)}": ${what} (expected ${URL_FORM})`);
  };
  const match = /^(rediss?)\+sentinel:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i.exec(url);
  if (match === null) return fail("it does not have that form");
  const [, scheme, authority = "", path = "", query = ""] = match;
  const at = authority.lastIndexOf("@");
  const hosts = authority.slice(at + 1);
  const sentinels = hosts.split(",").map((part) => parseSentinelAddress(part, fail));
  const [serviceName = "", db, ...extra] = path.split("/").slice(1).map(decodeURIComponent);
  if (serviceName === "") fail("the service (master group) name is missing");
  if (extra.length > 0) fail("the path has more than /serviceName/db");
  // The rest is a redis:// URL's business: credentials, db, query options.
  const params = new URLSearchParams(query);
  const options: SentinelOptions = {};
  for (const [key, name] of Object.entries(SENTINEL_QUERY)) {
    const value = params.get(key);
    if (value === null) continue;
    (options as Record<string, unknown>)[name] = name === "sentinelPassword"
      ? new Secret(value)
      : value;
    params.delete(key);
  }
  const search = params.size > 0 ? `?${params}` : "";
  const userinfo = at >= 0 ? `${authority.slice(0, at)}@` : "";
  const dbPath = db === undefined || db === "" ? "" : `/${db}`;
  let data: ConnectionOptions;
  try {
    data = parseRedisUrl(`redis://${userinfo}localhost${dbPath}${search}`);
  } catch (error) {
    return fail((error as Error).message.replace(/^Invalid Redis URL "[^"]*": /, ""));
  }
  const { host: _placeholder, ...rest } = data;
  Object.assign(options, rest);
  if (scheme!.toLowerCase() === "rediss") options.tls = options.sentinelTls = true;
  return { sentinels, serviceName, options };
}

/**
 * Reads one sentinel address: `[host, port]`, `"host:port"`, `"host"`
 * (port 26379) or `"[::1]:26379"`.
 *
 * @param value The address.
 * @param fail Throws with a description of what is wrong.
 * @returns The address as `[host, port]`.
 * @throws {TypeError} If the address is malformed (with the default `fail`).
 *
 * @example
 * ```ts
 * import { parseSentinelAddress } from "./sentinel_url.ts";
 *
 * console.log(parseSentinelAddress("[::1]:26380"), parseSentinelAddress("h1")); // ["::1", 26380] ["h1", 26379]
 * ```
 */
export function parseSentinelAddress(
  value: unknown,
  fail: (what: string) => never = (what) => {
    throw new TypeError(`Invalid sentinel address: ${what}`);
  },
): Address {
  if (Array.isArray(value)) {
    const [host, port] = value;
    const number = typeof port === "string" ? Number(port) : port;
    if (typeof host !== "string" || host === "" || !isPort(number)) {
      return fail(`${JSON.stringify(value)} is not [host, port]`);
    }
    return [host, number as number];
  }
  if (typeof value !== "string") return fail(`${String(value)} is not "host:port" or [host, port]`);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(value.trim());
  const port = Number(match?.[3] ?? SENTINEL_PORT);
  if (match === null || !isPort(port)) return fail(`"${value}" is not host[:port]`);
  return [match[1] ?? match[2]!, port];
}

function isPort(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 65535;
}
