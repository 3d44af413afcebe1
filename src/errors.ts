/**
 * The one error hierarchy of redwire. Every error redwire raises on purpose is a
 * {@linkcode RedisError}; caller mistakes are `TypeError` or `RangeError`.
 *
 * @module
 */

/**
 * Base class for every error redwire raises on purpose.
 *
 * @example Catching any redwire error
 * ```ts
 * import { Redis, RedisError } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * try {
 *   await redis.get("k");
 * } catch (error) {
 *   if (error instanceof RedisError) console.error(error.message);
 * }
 * ```
 */
export class RedisError extends Error {
  /** The class name, `"RedisError"`. */
  override name = "RedisError";
}

/** Options shared by errors that may concern a command already on the wire. */
export interface ConnectionErrorOptions extends ErrorOptions {
  /** Whether the failed command was written to the socket (it may have run). */
  written?: boolean;
}

/**
 * The connection to a server failed, closed or could not be made. `written`
 * says whether the command was sent before the failure: when `true` it may
 * have run on the server; when `false` it never left the client and is safe
 * to retry.
 *
 * @example Retrying only what never left the client
 * ```ts
 * import { ConnectionError, Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * try {
 *   await redis.incr("n");
 * } catch (error) {
 *   if (error instanceof ConnectionError && !error.written) await redis.incr("n");
 * }
 * ```
 */
export class ConnectionError extends RedisError {
  /** The class name, `"ConnectionError"`. */
  override name = "ConnectionError";
  /** Whether the command was written before the failure (it may have run). */
  readonly written: boolean;
  /**
   * Makes the error.
   *
   * @param message What happened, where, and what to do.
   * @param options The cause, and whether the command was written.
   */
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.written = options.written ?? false;
  }
}

/**
 * A non-blocking {@linkcode ConnectionPool} has every connection in use.
 *
 * @example
 * ```ts
 * import { ConnectionPool, PoolExhaustedError } from "@redwire/redis";
 *
 * const pool = new ConnectionPool({ maxConnections: 1 });
 * const conn = await pool.getConnection();
 * try {
 *   await pool.getConnection();
 * } catch (error) {
 *   console.log(error instanceof PoolExhaustedError); // true
 * }
 * pool.release(conn);
 * await pool.disconnect();
 * ```
 */
export class PoolExhaustedError extends ConnectionError {
  /** The class name, `"PoolExhaustedError"`. */
  override name = "PoolExhaustedError";
}

/**
 * A `BlockingConnectionPool` waited `timeout` ms without a free connection.
 *
 * @example
 * ```ts
 * import { BlockingConnectionPool, PoolTimeoutError } from "@redwire/redis";
 *
 * const pool = new BlockingConnectionPool({ maxConnections: 1, timeout: 10 });
 * const lease = await pool.acquire();
 * await pool.acquire().catch((e) => console.log(e instanceof PoolTimeoutError));
 * await lease[Symbol.asyncDispose]();
 * await pool.disconnect();
 * ```
 */
export class PoolTimeoutError extends ConnectionError {
  /** The class name, `"PoolTimeoutError"`. */
  override name = "PoolTimeoutError";
}

/**
 * A command was refused before it left the client because a bound on queued
 * work was reached (`maxPendingCommands` / `maxPendingBytes`, per client and
 * per connection), or because the command alone is larger than
 * `maxPendingBytes`. It never ran (`written` is `false`) and is not retried:
 * slow down, wait for replies, or raise the bound.
 *
 * @example
 * ```ts
 * import { OverflowError, Redis } from "@redwire/redis";
 *
 * await using redis = new Redis({ maxPendingBytes: 1024 });
 * await redis.set("k", "x".repeat(4096)).catch((e) => console.log(e instanceof OverflowError));
 * ```
 */
export class OverflowError extends ConnectionError {
  /** The class name, `"OverflowError"`. */
  override name = "OverflowError";
}

/**
 * The server refused the credentials (WRONGPASS, NOAUTH, or AUTH failed).
 * The message never contains the password.
 *
 * @example
 * ```ts
 * import { AuthenticationError, Redis } from "@redwire/redis";
 *
 * await using redis = new Redis({ password: "wrong" });
 * await redis.ping().catch((e) => console.log(e instanceof AuthenticationError));
 * ```
 */
export class AuthenticationError extends ConnectionError {
  /** The class name, `"AuthenticationError"`. */
  override name = "AuthenticationError";
}

/** What one sentinel answered when asked for a master or replicas. */
export interface SentinelAnswer {
  /** The sentinel asked, as `host:port`. */
  sentinel: string;
  /** What it answered, or the error it gave, in words. */
  answer: string;
}

/**
 * No sentinel could name a usable master. `answers` lists each sentinel asked
 * and what it said.
 *
 * @example
 * ```ts
 * import { MasterNotFoundError, Sentinel } from "@redwire/redis";
 *
 * const sentinel = new Sentinel([["127.0.0.1", 26379]]);
 * await sentinel.discoverMaster("mymaster")
 *   .catch((e) => e instanceof MasterNotFoundError && console.log(e.answers));
 * await sentinel.close();
 * ```
 */
export class MasterNotFoundError extends ConnectionError {
  /** The class name, `"MasterNotFoundError"`. */
  override name = "MasterNotFoundError";
  /** Each sentinel asked and what it answered. */
  readonly answers: SentinelAnswer[];
  /**
   * Makes the error.
   *
   * @param message What happened and what to do.
   * @param answers Each sentinel asked and what it answered.
   * @param options The cause.
   */
  constructor(message: string, answers: SentinelAnswer[] = [], options?: ConnectionErrorOptions) {
    super(message, options);
    this.answers = answers;
  }
}

/**
 * No sentinel could name a usable replica (and no master fallback applied).
 *
 * @example
 * ```ts
 * import { ReplicaNotFoundError } from "@redwire/redis";
 *
 * const error = new ReplicaNotFoundError("No replica for mymaster", []);
 * console.log(error.answers.length); // 0
 * ```
 */
export class ReplicaNotFoundError extends MasterNotFoundError {
  /** The class name, `"ReplicaNotFoundError"`. */
  override name = "ReplicaNotFoundError";
}

/**
 * A connect, reply or acquire deadline passed. `written` says whether the
 * command had been sent (it may have run).
 *
 * @example
 * ```ts
 * import { Redis, TimeoutError } from "@redwire/redis";
 *
 * await using redis = new Redis({ socketTimeout: 100 });
 * await redis.sendCommand(["DEBUG", "SLEEP", "1"])
 *   .catch((e) => console.log(e instanceof TimeoutError, e.written));
 * ```
 */
export class TimeoutError extends RedisError {
  /** The class name, `"TimeoutError"`. */
  override name = "TimeoutError";
  /** Whether the command was written before the deadline (it may have run). */
  readonly written: boolean;
  /**
   * Makes the error.
   *
   * @param message What happened, where, and what to do.
   * @param options The cause, and whether the command was written.
   */
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.written = options.written ?? false;
  }
}

/**
 * The bytes from the server are not valid RESP, or break a configured limit.
 * The connection that received them is closed.
 *
 * @example
 * ```ts
 * import { Decoder, ProtocolError } from "@redwire/redis";
 *
 * try {
 *   new Decoder().feed(new TextEncoder().encode("?\r\n"), () => {});
 * } catch (error) {
 *   console.log(error instanceof ProtocolError); // true
 * }
 * ```
 */
export class ProtocolError extends RedisError {
  /** The class name, `"ProtocolError"`. */
  override name = "ProtocolError";
}

/**
 * The server answered a command with an error reply. The stream goes on;
 * only this command's promise rejects.
 *
 * @example
 * ```ts
 * import { Redis, ReplyError } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * await redis.sendCommand(["NOSUCHCOMMAND"])
 *   .catch((e) => e instanceof ReplyError && console.log(e.code)); // "ERR"
 * ```
 */
export class ReplyError extends RedisError {
  /** The class name, `"ReplyError"`. */
  override name = "ReplyError";
  /** First word of the reply, such as `"WRONGTYPE"` or `"NOSCRIPT"`. */
  readonly code: string;
  /**
   * Makes the error from the server's error reply.
   *
   * @param message The reply's text, such as `"WRONGTYPE Operation against a key ..."`.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = message.split(" ", 1)[0] ?? "ERR";
  }
}

/**
 * The server is a read-only replica (`READONLY`): the command did not run.
 */
export class ReadOnlyError extends ReplyError {
  /** The class name, `"ReadOnlyError"`. */
  override name = "ReadOnlyError";
}

/**
 * `EVALSHA` named a script the server does not have (`NOSCRIPT`).
 */
export class NoScriptError extends ReplyError {
  /** The class name, `"NoScriptError"`. */
  override name = "NoScriptError";
}

/**
 * The server is loading its dataset (`LOADING`); retry shortly.
 */
export class BusyLoadingError extends ReplyError {
  /** The class name, `"BusyLoadingError"`. */
  override name = "BusyLoadingError";
}

/**
 * The server is busy running a script (`BUSY`).
 */
export class BusyError extends ReplyError {
  /** The class name, `"BusyError"`. */
  override name = "BusyError";
}

/**
 * The server refused credentials in a reply (`WRONGPASS`, `NOAUTH`).
 */
export class AuthReplyError extends ReplyError {
  /** The class name, `"AuthReplyError"`. */
  override name = "AuthReplyError";
}

/**
 * The ACL user lacks a permission (`NOPERM`).
 */
export class NoPermissionError extends ReplyError {
  /** The class name, `"NoPermissionError"`. */
  override name = "NoPermissionError";
}

/**
 * A cluster redirection (`MOVED` / `ASK`), kept for the cluster client to come.
 */
export class RedirectionError extends ReplyError {
  /** The class name, `"RedirectionError"`. */
  override name = "RedirectionError";
  /** The hash slot named by the redirection. */
  readonly slot: number;
  /** The `host:port` the server redirects to. */
  readonly address: string;
  /**
   * Makes the error from a `MOVED` or `ASK` reply.
   *
   * @param message The reply, such as `"MOVED 3999 127.0.0.1:6381"`.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const [, slot = "-1", address = ""] = message.split(" ");
    this.slot = Number(slot);
    this.address = address;
  }
}

/**
 * Keys that must share one hash slot (a transaction, WATCH, MSETNX, any
 * multi-key command the cluster cannot split) hash to several. Nothing was
 * sent. Give the keys a common `{hash tag}`, such as `{user1}:a` and `{user1}:b`.
 *
 * @example
 * ```ts
 * import { CrossSlotError, RedisCluster } from "@redwire/redis";
 *
 * await using cluster = new RedisCluster([["127.0.0.1", 7000]]);
 * await cluster.multi().incr("a").incr("b").exec().catch((e) => console.log(e instanceof CrossSlotError));
 * ```
 */
export class CrossSlotError extends RedisError {
  /** The class name, `"CrossSlotError"`. */
  override name = "CrossSlotError";
  /** The distinct slots the keys hash to. */
  readonly slots: readonly number[];
  /**
   * Makes the error for `what` (such as `"MULTI"`) over keys in `slots`.
   *
   * @param what The command or transaction refused.
   * @param slots The distinct slots.
   */
  constructor(what: string, slots: readonly number[]) {
    super(
      `${what} needs its keys in one hash slot, but they hash to slots ${slots.join(", ")}; ` +
        "nothing was sent (give the keys a common {hash tag}, such as {user1}:a and {user1}:b)",
    );
    this.slots = slots;
  }
}

/**
 * No connection was given, and none is current in the context, the stack or
 * the global default.
 *
 * @example
 * ```ts
 * import { NoConnectionError, resolveConnection } from "@redwire/redis";
 *
 * try {
 *   resolveConnection();
 * } catch (error) {
 *   console.log(error instanceof NoConnectionError); // true
 * }
 * ```
 */
export class NoConnectionError extends RedisError {
  /** The class name, `"NoConnectionError"`. */
  override name = "NoConnectionError";
}

const REPLY_ERRORS: Record<string, typeof ReplyError> = {
  READONLY: ReadOnlyError,
  NOSCRIPT: NoScriptError,
  LOADING: BusyLoadingError,
  BUSY: BusyError,
  WRONGPASS: AuthReplyError,
  NOAUTH: AuthReplyError,
  NOPERM: NoPermissionError,
  MOVED: RedirectionError,
  ASK: RedirectionError,
};

/**
 * Builds the most specific {@linkcode ReplyError} for an error reply.
 *
 * @param message The error reply's text, such as `"READONLY You can't write"`.
 * @returns A ReplyError subclass chosen by the message's first word.
 */
export function toReplyError(message: string): ReplyError {
  const ErrorClass = REPLY_ERRORS[message.split(" ", 1)[0] ?? ""] ?? ReplyError;
  return new ErrorClass(message);
}

/**
 * What a thrown value says, for a message: an error's message, anything else as text.
 *
 * @param error What was thrown.
 * @returns The text.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
