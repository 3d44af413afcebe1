/**
 * The Redis client: typed commands auto-pipelined over a pool.
 *
 * @module
 */
import {
  type CommandOptions,
  type Connection,
  parseRedisUrl,
  resolveConnectionOptions,
  type TraceTarget,
  traceTarget,
} from "../connection/mod.ts";
import { BlockingConnectionPool, type ConnectionPool, type PoolOptions } from "../pool/mod.ts";
import { sentinelClientOptions } from "../sentinel/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import {
  type BlockingOptions,
  type Bulk,
  checkArguments,
  DEDICATED_COMMANDS,
  type RedisKey,
  retryOnNoScript,
  type Script,
  type Transform,
} from "./commands/mod.ts";
import { asIs } from "./commands/_transforms.ts";
import { ClientCommands } from "./commands/iterators.ts";
import { ConnectionError } from "../errors.ts";
import { integerOr } from "../_check.ts";
import { checkClientOptions } from "./_client_options.ts";
import { Dispatcher } from "./dispatcher.ts";
import {
  type ClientEventListener,
  type ClientEventMap,
  ClientEvents,
  type ClientStatus,
} from "./events.ts";
import { traceCommand } from "./_trace.ts";
import { Multi, Pipeline } from "./pipeline.ts";
import { type MessageHandler, Subscriber, type Subscription } from "./pubsub.ts";

/**
 * Options of {@linkcode Redis}: connection and pool options, or a pool to share.
 *
 * @example
 * ```ts
 * import { Redis, type RedisOptions } from "@redwire/redis";
 *
 * const options: RedisOptions = { host: "127.0.0.1", port: 6379, maxConnections: 20 };
 * await using redis = new Redis(options);
 * ```
 */
export interface RedisOptions extends PoolOptions {
  /** A pool to share; the client then never closes it (unless `autoCloseConnectionPool`). */
  pool?: ConnectionPool;
  /** Close `pool` when the client closes (redis-py's auto_close_connection_pool). @default false */
  autoCloseConnectionPool?: boolean;
  /** A `redis://` (or `rediss://`, `unix://`, `redis+sentinel://`) URL; other options override its parts. */
  url?: string;
  /**
   * Commands this client holds at once (waiting for a connection, retrying or
   * waiting for replies) before new ones fail with `OverflowError`: a server
   * that is down cannot make the client grow without bound. @default 10000
   */
  maxQueuedCommands?: number;
  /** The estimated bytes of those commands, likewise. @default 67108864 (64 MiB) */
  maxQueuedBytes?: number;
}

/**
 * Options of {@linkcode Redis.close}.
 *
 * @example
 * ```ts
 * import { type CloseOptions, Redis } from "@redwire/redis";
 *
 * const options: CloseOptions = { timeout: 2000 };
 * await new Redis().close(options);
 * ```
 */
export interface CloseOptions {
  /**
   * How long to wait for commands in flight before destroying the connections
   * still held (blocking commands, subscriptions), in ms; `null` waits forever.
   * @default 5000
   */
  timeout?: number | null;
}

const CLOSE_TIMEOUT = 5000;

/**
 * What bulk-string replies are for a `decodeResponses` setting: `string`
 * when true (the default), `Uint8Array` when the literal `false` is written
 * in the options (`new Redis({ decodeResponses: false })` is a
 * `Redis<false>`). Options typed as a plain `boolean` type replies as text;
 * annotate `Redis<false>` when such a client decodes nothing.
 *
 * @example
 * ```ts
 * import type { Decoded } from "@redwire/redis";
 *
 * type Bytes = Decoded<false>; // Uint8Array
 * ```
 */
export type Decoded<D extends boolean> = [D] extends [false] ? Uint8Array : string;

/** Commands a pooled client must not send: DEDICATED_COMMANDS less the harmless ones. */
const REFUSED = new Set(
  Object.keys(DEDICATED_COMMANDS).filter((name) => !name.includes(" ") && name !== "DEBUG"),
);

/**
 * A client for one Redis server. Commands issued in the same tick share one
 * pooled connection and one write; blocking commands, MULTI, WATCH and
 * subscriptions get connections of their own.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis("redis://localhost:6379/0");
 * await redis.set("greeting", "hello");
 * console.log(await redis.get("greeting")); // "hello"
 * const [a, b] = await redis.pipeline().incr("n").incr("n").exec();
 * ```
 */
export class Redis<D extends boolean = true> extends ClientCommands<Decoded<D>> {
  /** The pool this client sends commands through. */
  readonly pool: ConnectionPool;
  #ownsPool: boolean;
  #dispatcher: Dispatcher;
  #subscriber: Subscriber;
  #options: RedisOptions;
  #bytes: Redis<false> | undefined;
  #closing: Promise<void> | undefined;
  #events = new ClientEvents();
  #unwatchPool: () => void;
  #target = (): TraceTarget => this.pool.traceTarget();

  /**
   * Prepares a client; connections open on the first command.
   *
   * @param options A `redis://`, `rediss://`, `unix://` or `redis+sentinel://` URL,
   *   options, or a port (ioredis's `new Redis(port, host)`).
   * @param host With a port: the host.
   * @throws {TypeError} If the URL is malformed or an option name is unknown.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(
    options: string | number | (RedisOptions & { decodeResponses?: D }) = {},
    host?: string,
  ) {
    super();
    const resolved = resolveClientOptions(options, host);
    this.#options = resolved;
    this.#ownsPool = resolved.pool === undefined || resolved.autoCloseConnectionPool === true;
    this.pool = resolved.pool ?? new BlockingConnectionPool(resolved);
    this.#dispatcher = new Dispatcher(this.pool, {
      retryOnTimeout: resolved.retryOnTimeout ?? false,
      retryOnError: resolved.retryOnError ?? [],
      retry: resolved.retry,
      // socketTimeout bounds each whole command: lease wait, connect, retries, reply.
      timeout: resolveConnectionOptions({ socketTimeout: resolved.socketTimeout }).socketTimeout,
      maxQueuedCommands: integerOr("maxQueuedCommands", resolved.maxQueuedCommands, 1, 10_000),
      maxQueuedBytes: integerOr("maxQueuedBytes", resolved.maxQueuedBytes, 1, 64 * 1024 * 1024),
      clock: resolved.clock,
    });
    this.#subscriber = new Subscriber(() => this.pool.acquire(), {
      onLost: (error) => this.#events.emit("subscriptionsLost", error),
      onRestored: () => this.#events.emit("subscriptionsRestored"),
    }, resolved.decodeResponses === false);
    this.#unwatchPool = this.#events.watchPool(this.pool);
  }

  /** Sends a typed command through the dispatcher. */
  protected call<T>(
    args: RedisArgument[],
    transform: Transform<T>,
    options?: BlockingOptions,
  ): Promise<T> {
    try {
      checkArguments(args);
    } catch (error) {
      return Promise.reject(error);
    }
    // Most replies need no shaping: skip the extra closure on the hot path.
    if (transform === asIs) return this.#dispatcher.send(args, options) as Promise<T>;
    return this.#dispatcher.send(args, options, transform);
  }

  /** EVALSHA; on NOSCRIPT, SCRIPT LOAD once and EVALSHA again. */
  protected override callScript<T>(
    script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): Promise<T> {
    return retryOnNoScript(
      () => this.call(args, transform),
      () => this.#dispatcher.send(["SCRIPT", "LOAD", script.lua]),
    );
  }

  /**
   * The same commands, replying with bytes (`Uint8Array`) instead of text:
   * `await redis.bytes.get("image")`. On a client with `decodeResponses:
   * false` this is the client itself; otherwise its commands go through a
   * second pool with the same options, opened on first use and closed with
   * the client.
   *
   * @throws {TypeError} On a client built on a shared `pool` (it has no options to copy):
   *   create a second client with `decodeResponses: false` instead.
   */
  get bytes(): Redis<false> {
    if (this.#options.decodeResponses === false) return this as unknown as Redis<false>;
    if (this.#options.pool !== undefined) {
      throw new TypeError(
        "redis.bytes needs connection options, and this client was given a pool: " +
          "create a second client with decodeResponses: false on a pool of its own",
      );
    }
    return this.#bytes ??= new Redis({ ...this.#options, decodeResponses: false });
  }

  /**
   * Sends any command and resolves with its reply. Calls issued in the same
   * tick share one write; replies come back in call order.
   *
   * @param args The command name followed by its arguments.
   * @param options A signal and a per-command timeout.
   * @returns The decoded reply.
   * @throws {ReplyError} If the server answers with an error reply.
   * @throws {TypeError} For commands that would change a shared connection's state (SELECT, MULTI, SUBSCRIBE ...).
   */
  sendCommand(args: RedisArgument[], options?: CommandOptions): Promise<Reply> {
    try {
      checkArguments(args);
      if (args.length === 0) {
        throw new TypeError('sendCommand needs a command: sendCommand(["PING"])');
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const name = typeof args[0] === "string" ? args[0].toUpperCase() : "";
    if (REFUSED.has(name)) {
      return Promise.reject(
        new TypeError(
          `${name} would change a pooled connection's state: ${DEDICATED_COMMANDS[name]}`,
        ),
      );
    }
    return this.#dispatcher.send(args, options);
  }

  /**
   * Starts a pipeline: commands queued, then sent in one write on one connection.
   *
   * @returns An empty pipeline; call `exec()` to send it.
   */
  pipeline(): Pipeline<Decoded<D>> {
    return new Pipeline((fn) => this.#dispatcher.withConnection(fn), this.#target);
  }

  /**
   * Starts a MULTI/EXEC transaction on one connection.
   *
   * @returns An empty transaction; call `exec()` to run it atomically.
   */
  multi(): Multi<Decoded<D>> {
    return new Multi((fn) => this.#dispatcher.withConnection(fn), this.#target);
  }

  /**
   * WATCHes keys on a connection of its own and runs `fn` with a client bound
   * to it: read, then `tx.multi()...exec()`, which resolves `null` when a
   * watched key changed meanwhile. UNWATCH runs before the connection goes back.
   *
   * @param keys The keys to watch.
   * @param fn Reads through `tx` and returns, typically, `tx.multi()...exec()`.
   * @returns What `fn` returns.
   *
   * @example Optimistic increment
   * ```ts
   * import { Redis } from "@redwire/redis";
   *
   * await using redis = new Redis();
   * const result = await redis.watch(["balance"], async (tx) => {
   *   const balance = Number(await tx.get("balance"));
   *   return await tx.multi().set("balance", balance + 10).exec(); // null: retry
   * });
   * ```
   */
  watch<T>(keys: RedisKey[], fn: (tx: Transaction<Decoded<D>>) => Promise<T>): Promise<T> {
    return this.#dispatcher.withConnection(async (connection) => {
      await connection.command(["WATCH", ...keys]);
      try {
        return await fn(new Transaction<Decoded<D>>(connection));
      } finally {
        if (connection.state === "ready") await connection.command(["UNWATCH"]);
      }
    });
  }

  /**
   * Subscribes to channels; `handler` gets every message until `unsubscribe()`.
   * Subscriptions share one dedicated connection, restored after a reconnect.
   *
   * @param channels One channel or several.
   * @param handler Called with `(message, channel)`.
   * @returns The subscription, once the server confirmed it.
   */
  subscribe(
    channels: string | string[],
    handler: MessageHandler<Decoded<D>>,
  ): Promise<Subscription> {
    return this.#subscriber.subscribe("channel", [channels].flat(), handler);
  }

  /**
   * Subscribes to channel patterns (`news.*`).
   *
   * @param patterns One pattern or several.
   * @param handler Called with `(message, channel, pattern)`.
   * @returns The subscription, once the server confirmed it.
   */
  psubscribe(
    patterns: string | string[],
    handler: MessageHandler<Decoded<D>>,
  ): Promise<Subscription> {
    return this.#subscriber.subscribe("pattern", [patterns].flat(), handler);
  }

  /**
   * Ends subscriptions and closes the pool when this client created it
   * (a shared `pool` stays open). New commands are refused at once; commands
   * already sent get their replies. Bounded: after `timeout` ms the
   * connections of blocking commands (BLPOP ...), pipelines, transactions and
   * subscriptions still held are destroyed, and their commands reject with a
   * `ConnectionError` whose `written` is `true`. Calling it twice is harmless.
   *
   * @param options `timeout`: how long to wait for a graceful close, in ms
   *   (`null` waits forever). @default 5000
   * @returns Resolves when connections are closed.
   * @throws {RangeError} If the timeout is negative or not a number.
   */
  close(options: CloseOptions = {}): Promise<void> {
    const timeout = options.timeout === undefined ? CLOSE_TIMEOUT : options.timeout;
    if (timeout !== null && (!Number.isFinite(timeout) || timeout < 0)) {
      throw new RangeError(`close timeout must be a number >= 0 or null, got ${timeout}`);
    }
    this.#closing ??= this.#close(timeout);
    return this.#closing;
  }

  async #close(timeout: number | null): Promise<void> {
    this.#dispatcher.close(
      new ConnectionError(
        `This client for ${this.pool.address} is closed; commands after close() are refused (create a new Redis)`,
      ),
    );
    const graceful = (async () => {
      await this.#subscriber.close();
      await this.#bytes?.close({ timeout });
      // close(), not disconnect(): a disconnected pool reconnects on the next
      // command, which would open connections nobody closes.
      if (this.#ownsPool) await this.pool.close();
      this.#unwatchPool();
      this.#events.closed();
    })();
    if (timeout === null) return graceful;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeout);
    });
    const late = await Promise.race([graceful.then(() => false), expired]);
    clearTimeout(timer);
    if (!late) return;
    const error = new ConnectionError(
      `redis.close() did not finish within ${timeout} ms, so the connections to ${this.pool.address} ` +
        "still held by blocking commands, pipelines or subscriptions were destroyed",
    );
    this.#dispatcher.destroyDedicated(error);
    this.#subscriber.destroy(error);
    await graceful;
  }

  /**
   * Where the client is in its life: `"wait"` (nothing connected yet),
   * `"connecting"`, `"ready"`, `"reconnecting"` (a connection broke or an
   * attempt failed; the next command connects again) or `"closed"`.
   */
  get status(): ClientStatus {
    return this.#events.status;
  }

  /**
   * Listens to a client event: `connect`, `ready`, `error`, `reconnecting`,
   * `close`, `subscriptionsLost`, `subscriptionsRestored` (arguments typed by
   * {@linkcode ClientEventMap}).
   *
   * @param event The event.
   * @param listener Called with the event's arguments.
   * @returns This client, to chain.
   *
   * @example
   * ```ts
   * import { Redis } from "@redwire/redis";
   *
   * await using redis = new Redis();
   * redis.on("error", (error) => console.error(`redis: ${error.message}`))
   *   .on("ready", () => console.log("redis ready"));
   * ```
   */
  on<K extends keyof ClientEventMap>(event: K, listener: ClientEventListener<K>): this {
    this.#events.on(event, listener);
    return this;
  }

  /**
   * Stops listening to a client event.
   *
   * @param event The event.
   * @param listener The listener given to `on`.
   * @returns This client, to chain.
   */
  off<K extends keyof ClientEventMap>(event: K, listener: ClientEventListener<K>): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Closes the client; `await using redis = new Redis()` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description without credentials. */
  override toString(): string {
    return `Redis(${this.pool.address})`;
  }
}

/**
 * Commands bound to one connection, inside `redis.watch()`.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * await redis.watch(["k"], async (tx) => tx.multi().set("k", (await tx.get("k")) ?? "0").exec());
 * ```
 */
export class Transaction<V extends Bulk = string> extends ClientCommands<V> {
  #connection: Connection;

  /**
   * Made by `redis.watch()`; not constructed by users.
   *
   * @param connection The watched connection.
   */
  constructor(connection: Connection) {
    super();
    this.#connection = connection;
  }

  /** Sends a typed command on the watched connection. */
  protected async call<T>(args: RedisArgument[], transform: Transform<T>): Promise<T> {
    checkArguments(args);
    return transform(await this.#send(args));
  }

  /** EVALSHA; on NOSCRIPT, SCRIPT LOAD once and EVALSHA again. */
  protected override callScript<T>(
    script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): Promise<T> {
    return retryOnNoScript(
      () => this.call(args, transform),
      () => this.#connection.command(["SCRIPT", "LOAD", script.lua]),
    );
  }

  /**
   * Sends any command on the watched connection.
   *
   * @param args The command and its arguments.
   * @returns The reply.
   */
  sendCommand(args: RedisArgument[]): Promise<Reply> {
    return this.call(args, asIs<Reply>);
  }

  /** Sends on the watched connection, traced when someone listens. */
  #send(args: RedisArgument[]): Promise<Reply> {
    return traceCommand(args, this.#target, () => this.#connection.command(args));
  }

  #target = (): TraceTarget => traceTarget(this.#connection.address, this.#connection.options);

  /**
   * Starts the MULTI/EXEC block on the watched connection.
   *
   * @returns A transaction whose `exec()` resolves `null` if a watched key changed.
   */
  multi(): Multi<V> {
    return new Multi((fn) => fn(this.#connection), this.#target);
  }
}

/** Options from the constructor's forms: a URL, a port and host, or options (with `url`). */
function resolveClientOptions(options: unknown, host: string | undefined): RedisOptions {
  if (typeof options === "number") {
    return { port: options, ...(host === undefined ? {} : { host }) };
  }
  if (host !== undefined) {
    throw new TypeError(
      'new Redis(port, host) takes a port number first: new Redis(6380, "127.0.0.1")',
    );
  }
  if (typeof options === "string") return urlOptions(options);
  checkClientOptions(options);
  const { url, ...rest } = options as RedisOptions;
  return url === undefined ? rest : { ...urlOptions(url), ...rest };
}

function urlOptions(url: string): RedisOptions {
  return sentinelClientOptions(url) ?? parseRedisUrl(url);
}
