/**
 * `redis://`, `rediss://` and `unix://` URLs, and their redaction.
 *
 * @module
 */
import type { ConnectionOptions } from "./options.ts";
import { Secret } from "./secret.ts";

const URL_FORMS =
  "redis://[[username]:password@]host[:port][/db], rediss://... for TLS, or unix://[[username]:password@]/path/to/socket[?db=N]";

/**
 * What a URL may set: connection options, and the pool options redis-py
 * URLs carry (`max_connections`, `timeout`).
 *
 * @example
 * ```ts
 * import { parseRedisUrl, type UrlOptions } from "@redwire/redis";
 *
 * const options: UrlOptions = parseRedisUrl("redis://h?max_connections=20&timeout=2.5");
 * console.log(options.maxConnections, options.timeout); // 20 2500
 * ```
 */
export type UrlOptions = ConnectionOptions & {
  /** Most connections a pool opens. */
  maxConnections?: number;
  /** How long a blocking pool waits for a connection, in ms. */
  timeout?: number;
};

type Parser = (value: string) => unknown;

const whole: Parser = (value) => /^\d+$/.test(value) ? Number(value) : undefined;
const text: Parser = (value) => value;
// redis-py's to_bool: "0", "F", "FALSE", "N", "NO" (any case) are false, anything else true.
const bool: Parser = (value) => !["0", "F", "FALSE", "N", "NO"].includes(value.toUpperCase());
// redis-py gives times in (fractional) seconds; redwire's options are milliseconds.
const seconds: Parser = (value) =>
  /^\d+(\.\d*)?$|^\.\d+$/.test(value) ? Math.round(Number(value) * 1000) : undefined;
const certReqs: Parser = (value) => {
  const level = value.toLowerCase().replace(/^cert_/, "");
  return ["none", "optional", "required"].includes(level) ? level : undefined;
};

/**
 * Each query option's parser. A snake_case name is redis-py's spelling of the
 * camelCase option it names (`client_name` sets `clientName`), in redis-py's
 * unit (seconds); camelCase names take redwire's units (ms).
 */
const QUERY: Record<string, Parser> = {
  db: whole,
  protocol: whole,
  username: text,
  password: text,
  clientName: text,
  client_name: text,
  socketTimeout: whole,
  socket_timeout: seconds,
  socketConnectTimeout: whole,
  socket_connect_timeout: seconds,
  healthCheckInterval: whole,
  health_check_interval: seconds,
  decodeResponses: bool,
  decode_responses: bool,
  socketKeepalive: bool,
  socket_keepalive: bool,
  retryOnTimeout: bool,
  retry_on_timeout: bool,
  maxConnections: whole,
  max_connections: whole,
  // redis-py's name, so redis-py's unit.
  timeout: seconds,
  ssl_cert_reqs: certReqs,
  ssl_check_hostname: bool,
};

/**
 * A snake_case, kebab-case or spaced name in camelCase (`client_name`,
 * `client-name` -> `clientName`).
 *
 * @param name The name.
 * @returns The camelCase name.
 */
export function camelCase(name: string): string {
  return name.replace(/[-_ ]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Replaces the password in a URL with `***`, for messages and logs.
 *
 * @param url Any URL string, valid or not.
 * @returns The URL without its password.
 *
 * @example
 * ```ts
 * import { redactUrl } from "@redwire/redis";
 *
 * console.log(redactUrl("redis://joe:s3cret@host:6379/0")); // "redis://joe:***@host:6379/0"
 * ```
 */
export function redactUrl(url: string): string {
  // WHATWG URL ends the credentials at the authority's last "@" (a password
  // may hold "@"); in a URL that does not parse, hide everything up to the last "@".
  const credentials = URL.canParse(url)
    ? /^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i
    : /^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):.*@/i;
  return url
    .replace(credentials, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/**
 * Parses a `redis://`, `rediss://` or `unix://` URL into connection options,
 * as redis-py's `from_url` does. Query options, camelCase in milliseconds:
 * `db`, `protocol`, `username`, `password`, `clientName`, `socketTimeout`,
 * `socketConnectTimeout`, `healthCheckInterval`, `decodeResponses`,
 * `socketKeepalive`, `retryOnTimeout`, `maxConnections`; and redis-py's
 * snake_case names with redis-py's units (seconds, fractions allowed):
 * `client_name`, `socket_timeout`, `socket_connect_timeout`,
 * `health_check_interval`, `decode_responses`, `socket_keepalive`,
 * `retry_on_timeout`, `max_connections`, `timeout` (the pool's wait),
 * `ssl_cert_reqs` (`none` turns certificate checks off) and
 * `ssl_check_hostname`. Booleans read as redis-py reads them: `0`, `f`,
 * `false`, `n`, `no` (any case) are false, anything else true. The password
 * comes back in a {@linkcode Secret}.
 *
 * @param url The URL; user name and password may be percent-encoded.
 * @returns The options the URL describes.
 * @throws {TypeError} If the URL is malformed; the message redacts the password.
 *
 * @example
 * ```ts
 * import { parseRedisUrl } from "@redwire/redis";
 *
 * const options = parseRedisUrl("rediss://joe:pw@cache.local:6380/2?clientName=web");
 * console.log(options.host, options.port, options.db, options.clientName); // cache.local 6380 2 web
 * ```
 */
export function parseRedisUrl(url: string): UrlOptions {
  const fail = (what: string): never => {
    throw new TypeError(`Invalid Redis URL "${redactUrl(url)}": ${what} (expected ${URL_FORMS})`);
  };
  let parsed: URL;
  try {
    // WHATWG URL refuses credentials without a host, as in the documented
    // unix://user:pw@/path form: parse that with a placeholder host.
    parsed = new URL(url.replace(/^(unix:\/\/[^/]*@)\//i, "$1localhost/"));
  } catch {
    return fail(
      "it cannot be parsed (is the port a number up to 65535, and are special characters in the password percent-encoded?)",
    );
  }
  const options: UrlOptions = {};
  if (parsed.username) options.username = decode(parsed.username, "the user name", fail);
  if (parsed.password) {
    options.password = new Secret(decode(parsed.password, "the password", fail));
  }
  switch (parsed.protocol) {
    case "unix:":
      if (!parsed.pathname || parsed.pathname === "/") fail("the socket path is missing");
      options.path = decode(parsed.pathname, "the socket path", fail);
      break;
    case "rediss:":
      options.tls = true;
    // falls through: rediss is redis over TLS
    case "redis:":
      parseHostPart(parsed, options, fail);
      break;
    default:
      fail(`the scheme "${parsed.protocol}" is not supported`);
  }
  parseQuery(parsed.searchParams, options, fail);
  return options;
}

/** A percent-encoded part of the URL, decoded; `what` names it when it is malformed. */
function decode(part: string, what: string, fail: (what: string) => never): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(`${what} has a malformed percent-escape (write % as %25)`);
  }
}

function parseHostPart(parsed: URL, options: ConnectionOptions, fail: (what: string) => never) {
  // redis:// is not a WHATWG special scheme, so its host stays percent-encoded.
  if (parsed.hostname) {
    options.host = decode(parsed.hostname, "the host", fail).replace(/^\[(.*)\]$/, "$1");
  }
  if (parsed.port) options.port = Number(parsed.port);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "") {
    if (!/^\d+$/.test(db)) fail(`the database "${db}" is not a number`);
    options.db = Number(db);
  }
}

function parseQuery(params: URLSearchParams, options: UrlOptions, fail: (what: string) => never) {
  const record = options as Record<string, unknown>;
  const tls: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const parse = QUERY[key];
    if (parse === undefined) fail(`unknown query option "${key}"`);
    const target = camelCase(key);
    // redis-py skips empty values.
    if (value === "" && parse !== text) continue;
    const parsed = parse!(value);
    if (parsed === undefined) fail(`query option ${key}=${value} ${expected(parse)}`);
    if (target === "password") record.password = new Secret(value);
    else if (target.startsWith("ssl")) tls[target] = parsed;
    else record[target] = parsed;
  }
  applyTls(tls, options, fail);
}

function expected(parse: Parser): string {
  if (parse === whole) return "is not a whole number";
  if (parse === seconds) return "is not a number of seconds";
  return "is not none, optional or required";
}

/** redis-py's ssl_cert_reqs / ssl_check_hostname, as far as every runtime's TLS can follow. */
function applyTls(
  tls: Record<string, unknown>,
  options: UrlOptions,
  fail: (what: string) => never,
) {
  if (Object.keys(tls).length === 0) return;
  if (options.tls === undefined) fail("ssl_cert_reqs / ssl_check_hostname need a rediss:// URL");
  const verify = tls.sslCertReqs !== "none";
  if (!verify) options.tls = { rejectUnauthorized: false };
  if (verify && tls.sslCheckHostname === false) {
    fail(
      "ssl_check_hostname=false while certificates are verified is not supported " +
        "(redwire checks the host name whenever it verifies; add ssl_cert_reqs=none to skip both)",
    );
  }
}
