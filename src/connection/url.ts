/**
 * `redis://`, `rediss://` and `unix://` URLs, and their redaction.
 *
 * @module
 */
import type { ConnectionOptions } from "./options.ts";

const URL_FORMS =
  "redis://[[username]:password@]host[:port][/db], rediss://... for TLS, or unix://[[username]:password@]/path/to/socket[?db=N]";

const QUERY_NUMBERS: Record<string, keyof ConnectionOptions> = {
  db: "db",
  protocol: "protocol",
  socketTimeout: "socketTimeout",
  socket_timeout: "socketTimeout",
  socketConnectTimeout: "socketConnectTimeout",
  socket_connect_timeout: "socketConnectTimeout",
  healthCheckInterval: "healthCheckInterval",
  health_check_interval: "healthCheckInterval",
};

const QUERY_STRINGS: Record<string, keyof ConnectionOptions> = {
  clientName: "clientName",
  client_name: "clientName",
  username: "username",
  password: "password",
};

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
 * Parses a `redis://`, `rediss://` or `unix://` URL into connection options.
 * Query options: `db`, `protocol`, `clientName`, `socketTimeout`,
 * `socketConnectTimeout`, `healthCheckInterval` (snake_case accepted too).
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
export function parseRedisUrl(url: string): ConnectionOptions {
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
  const options: ConnectionOptions = {};
  try {
    if (parsed.username) options.username = decodeURIComponent(parsed.username);
    if (parsed.password) options.password = decodeURIComponent(parsed.password);
  } catch {
    fail("the user name or password has a malformed percent-escape (write % as %25)");
  }
  switch (parsed.protocol) {
    case "unix:":
      if (!parsed.pathname || parsed.pathname === "/") fail("the socket path is missing");
      options.path = decodeURIComponent(parsed.pathname);
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

function parseHostPart(parsed: URL, options: ConnectionOptions, fail: (what: string) => never) {
  if (parsed.hostname) options.host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (parsed.port) options.port = Number(parsed.port);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "") {
    if (!/^\d+$/.test(db)) fail(`the database "${db}" is not a number`);
    options.db = Number(db);
  }
}

function parseQuery(
  params: URLSearchParams,
  options: ConnectionOptions,
  fail: (what: string) => never,
) {
  const record = options as Record<string, unknown>;
  for (const [key, value] of params) {
    const numeric = QUERY_NUMBERS[key];
    const text = QUERY_STRINGS[key];
    if (numeric !== undefined) {
      if (!/^\d+$/.test(value)) fail(`query option ${key}=${value} is not a whole number`);
      record[numeric] = Number(value);
    } else if (text !== undefined) {
      record[text] = value;
    } else if (key === "decodeResponses" || key === "decode_responses") {
      record.decodeResponses = value !== "false" && value !== "0";
    } else {
      fail(`unknown query option "${key}"`);
    }
  }
}
