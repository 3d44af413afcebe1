/**
 * The tracing channel names and the target fields every tracing context
 * carries: the part of tracing that does not depend on the runtime having
 * `node:diagnostics_channel` (see `tracing.ts`).
 *
 * @module
 */

/**
 * The channel names, as APM tools subscribe to them with
 * `diagnostics_channel.tracingChannel(name)`.
 *
 * @example
 * ```ts
 * import { TRACING_CHANNELS } from "@redwire/redis";
 *
 * console.log(TRACING_CHANNELS.command); // "redwire:command"
 * ```
 */
export const TRACING_CHANNELS = {
  /** One per command, from the call to its reply or error. */
  command: "redwire:command",
  /** One per write of a pipeline, a transaction or an auto-pipelined tick. */
  batch: "redwire:batch",
  /** One per new connection: connect and handshake. */
  connect: "redwire:connect",
  /** One per acquire of a pooled connection, including the wait. */
  poolAcquire: "redwire:pool:acquire",
} as const;

/**
 * Where a traced operation goes: the fields every context carries.
 *
 * @example
 * ```ts
 * import type { TraceTarget } from "@redwire/redis";
 *
 * const target: TraceTarget = { database: 0, serverAddress: "127.0.0.1", serverPort: 6379 };
 * ```
 */
export interface TraceTarget {
  /** The database index (`db.namespace`). */
  database: number;
  /** Host name or address, or the Unix socket path (`server.address`). */
  serverAddress: string;
  /** TCP port; absent for a Unix socket (`server.port`). */
  serverPort?: number;
  /** The pool's name (`db.client.connection.pool.name`). */
  poolName?: string;
  /** The `clientName` option (CLIENT SETNAME). */
  clientName?: string;
  /** The node a Cluster or Sentinel client chose, as `host:port`. */
  node?: string;
}

/**
 * The target fields of a context.
 *
 * @param address `host:port` (`[v6]:port`) or a Unix socket path.
 * @param options The db and client name.
 * @param poolName The pool's name, if any.
 * @returns The fields, without credentials.
 */
export function traceTarget(
  address: string,
  options: { db?: number; clientName?: string },
  poolName?: string,
): TraceTarget {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  const target: TraceTarget = match === null
    ? { database: options.db ?? 0, serverAddress: address }
    : { database: options.db ?? 0, serverAddress: match[1]!, serverPort: Number(match[2]) };
  if (poolName !== undefined) target.poolName = poolName;
  if (options.clientName !== undefined) target.clientName = options.clientName;
  return target;
}
