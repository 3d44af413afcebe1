/** The client's option names, so a misspelt option is a TypeError, not a silent default. */
import { closestName, describeValue } from "./commands/mod.ts";
import type { PoolOptions } from "../pool/mod.ts";

/** Every option `new Redis()` takes; `satisfies` keeps it in step with PoolOptions. */
// deno-fmt-ignore
const KNOWN = {
  host: true, port: true, path: true, db: true, username: true, password: true, tls: true,
  socketTimeout: true, socketConnectTimeout: true, socketKeepalive: true,
  socketKeepaliveDelay: true, retryOnTimeout: true, retryOnError: true, retry: true,
  healthCheckInterval: true, clientName: true, libName: true, libVersion: true, protocol: true,
  decodeResponses: true, transport: true, maxPendingCommands: true, maxPendingBytes: true,
  maxBulkLength: true, maxDepth: true, onPush: true,
  maxConnections: true, minIdle: true, maxIdle: true, idleTimeout: true, maxLifetime: true,
  leakDetectionThreshold: true, idleOrder: true, timeout: true, connectionFactory: true,
  logLeaks: true, logger: true, clock: true, poolName: true, reconnectBackoff: true,
  pool: true, autoCloseConnectionPool: true, url: true, maxQueuedCommands: true, maxQueuedBytes: true,
} satisfies Record<
  keyof PoolOptions | "pool" | "autoCloseConnectionPool" | "url" | "maxQueuedCommands" | "maxQueuedBytes",
  true
>;
const NAMES = Object.keys(KNOWN);

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
  for (const key in options) {
    if (key in KNOWN) continue;
    const near = closestName(key, NAMES);
    throw new TypeError(
      `new Redis(): unknown option "${key}"` +
        (near === undefined ? "" : `; did you mean "${near}"?`),
    );
  }
}
