/**
 * What a pool needs of a connection: `Connection` is one; tests use fakes.
 *
 * @module
 */
import type { ConnectionState } from "../connection/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";

/**
 * The part of a connection a pool uses: its life (connect, close, destroy,
 * onClose), whether it can be lent again, and a PING for health checks.
 * `Connection` implements it; a pool of anything else needs a `connectionFactory`.
 *
 * @example
 * ```ts
 * import { Connection, type PooledConnection } from "@redwire/redis";
 *
 * const pooled: PooledConnection = new Connection({ port: 6379 });
 * ```
 */
export interface PooledConnection {
  /** Where it goes, for messages: `host:port` or the socket path. */
  readonly address: string;
  /** Where it is in its life; only `"ready"` ones are lent. */
  readonly state: ConnectionState;
  /** Whether an error destroyed it (never re-pooled). */
  readonly broken: boolean;
  /** When it last had nothing pending, in ms since the epoch (for health checks). */
  readonly lastUsedAt: number;
  /** Opens it; the pool calls this when a factory returns one not yet ready. */
  connect(): Promise<void>;
  /** Sends one command (the pool sends PING to check an idle connection). */
  command(args: RedisArgument[]): Promise<Reply>;
  /** Closes it gracefully. */
  close(): Promise<void>;
  /** Closes it at once; with an error it counts as broken. */
  destroy(error?: Error): void;
  /** Calls `listener` once when it closes, with the error when it broke. */
  onClose(listener: (error?: Error) => void): void;
}
