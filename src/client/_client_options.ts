/** The client's option names, so a misspelt option is a TypeError, not a silent default. */
import { describeValue, unknownOption } from "./commands/mod.ts";
import type { PoolOptions } from "../pool/mod.ts";

/** Every pool and connection option; `satisfies` keeps it in step with PoolOptions. */
// deno-fmt-ignore
const POOL_KEYS = {
  host: true, port: true, path: true, db: true, username: true, password: true, tls: true,
  socketTimeout: true, socketConnectTimeout: true, socketKeepalive: true,
  socketKeepaliveDelay: true, retryOnTimeout: true, retryOnError: true, retry: true,
  healthCheckInterval: true, clientName: true, libName: true, libVersion: true, protocol: true,
  decodeResponses: true, transport: true, maxPendingCommands: true, maxPendingBytes: true,
  maxBulkLength: true, maxDepth: true, onPush: true,
  maxConnections: true, minIdle: true, maxIdle: true, idleTimeout: true, maxLifetime: true,
  leakDetectionThreshold: true, idleOrder: true, timeout: true, connectionFactory: true,
  logLeaks: true, logger: true, clock: true, poolName: true, reconnectBackoff: true,
} satisfies Record<keyof PoolOptions, true>;

/** The name of every pool and connection option (what every node of a cluster takes). */
export const POOL_OPTION_NAMES: readonly string[] = Object.keys(POOL_KEYS);

/** Every option `new Redis()` takes. */
const NAMES = [
  ...POOL_OPTION_NAMES,
  ...["pool", "autoCloseConnectionPool", "url", "maxQueuedCommands", "maxQueuedBytes"],
];

/**
 * Throws a TypeError unless `options` is an object whose keys are all client
 * options; the message names the closest known option.
 */
export function checkClientOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `new Redis() takes a URL, a port, or an options object, not ${describeValue(options)}`,
    );
  }
  checkOptionNames(options, NAMES, "new Redis()");
}

/**
 * Throws a TypeError naming the first key of `options` not in `names`, and
 * the closest known option.
 *
 * @param options The options given.
 * @param names Every option the caller takes.
 * @param caller What the error names, as `"new Redis()"`.
 */
export function checkOptionNames(
  options: object,
  names: readonly string[],
  caller: string,
): void {
  for (const key in options) {
    if (!names.includes(key)) throw unknownOption(caller, key, names, false);
  }
}
