/**
 * Named connections, as in RedPipe: clients registered under names that the
 * rest of an application refers to, several names possibly sharing a client.
 *
 * @module
 */
import { Redis, type RedisOptions } from "../client/mod.ts";
import { RedisCluster } from "../cluster/mod.ts";
import { NoConnectionError } from "../errors.ts";

/** The name used when none is given. */
export const DEFAULT_NAME = "default";

/**
 * Options of {@linkcode ConnectionRegistry.connect}.
 *
 * @example Naming a connection
 * ```ts
 * import { connections, type ConnectOptions, Redis } from "@redwire/redis";
 *
 * const options: ConnectOptions = { name: "users", owned: true };
 * connections.connect(new Redis({ port: 6380 }), options);
 * ```
 */
export interface ConnectOptions {
  /** The name to register the client under. @default "default" */
  name?: string;
  /**
   * Whether the registry closes the client when its last name is
   * disconnected, or at `reset()`.
   * @default true for a client the registry creates from a URL or options; false for a client passed in
   */
  owned?: boolean;
}

/**
 * Clients by name. A client may be registered under several names (aliases:
 * handy when data is about to be split across servers, or in tests).
 *
 * Ownership: the registry closes only the clients it owns — those it created
 * from a URL or options, and those connected with `owned: true`. A client
 * registered under several names closes once, when its last name goes.
 * Clients connected without `owned` are never closed by the registry; their
 * creator closes them.
 *
 * @example Two servers and an alias
 * ```ts
 * import { ConnectionRegistry, Redis } from "@redwire/redis";
 *
 * await using registry = new ConnectionRegistry();
 * registry.connect("redis://localhost:6379", { name: "users" });
 * registry.connect("redis://localhost:6380", { name: "messages" });
 * registry.connect(registry.get("users"), { name: "sessions" }); // an alias of "users"
 * console.log(registry.names()); // ["users", "messages", "sessions"]
 * await registry.get("users").set("u{1}", "joe");
 * ```
 */
export class ConnectionRegistry {
  #clients = new Map<string, Redis | RedisCluster>();
  #owned = new Set<Redis | RedisCluster>();

  /**
   * Registers a client under a name. Registering the same client under the
   * same name again is harmless; under another name it becomes an alias.
   *
   * @param client A client, or a URL / options to create one (then owned).
   * @param options The name (default `"default"`) and whether the registry owns the client.
   * @returns The registered client.
   * @throws {TypeError} If the name is empty, is taken by another client, or
   *   `client` is neither a client, a URL nor options.
   *
   * @example Two servers
   * ```ts
   * import { connections, Redis } from "@redwire/redis";
   *
   * connections.connect(new Redis({ port: 6379 }), { name: "users" });
   * const messages = connections.connect("redis://localhost:6380", { name: "messages" });
   * ```
   *
   * @example A cluster
   * ```ts
   * import { connections, RedisCluster } from "@redwire/redis";
   *
   * connections.connect(new RedisCluster([["127.0.0.1", 7000]]), { name: "sessions" });
   * ```
   */
  connect(client: RedisCluster, options?: ConnectOptions): RedisCluster;
  /**
   * Registers a client (or one made from a URL or options) under a name.
   *
   * @param client A client, or a URL / options to create one (then owned).
   * @param options The name and ownership.
   * @returns The registered client.
   */
  connect(client: Redis | string | RedisOptions, options?: ConnectOptions): Redis;
  /**
   * Registers a client of either kind under a name.
   *
   * @param client A Redis or RedisCluster client.
   * @param options The name and ownership.
   * @returns The registered client.
   */
  connect(client: Redis | RedisCluster, options?: ConnectOptions): Redis | RedisCluster;
  connect(
    client: Redis | RedisCluster | string | RedisOptions,
    options: ConnectOptions = {},
  ): Redis | RedisCluster {
    const name = checkName(options.name ?? DEFAULT_NAME);
    const existing = this.#clients.get(name);
    if (existing !== undefined && existing !== client) {
      throw new TypeError(
        `The name "${name}" is already connected to ${existing}; ` +
          `call disconnect("${name}") before connecting another client under it`,
      );
    }
    const given = client instanceof Redis || client instanceof RedisCluster;
    if (!given && (client === null || (typeof client !== "string" && typeof client !== "object"))) {
      throw new TypeError(
        `connect() takes a Redis or RedisCluster client, a URL or options, not ${String(client)}`,
      );
    }
    const redis = given ? client : new Redis(client);
    this.#clients.set(name, redis);
    if (options.owned ?? !given) this.#owned.add(redis);
    return redis;
  }

  /**
   * The client registered under a name.
   *
   * @param name The name. @default "default"
   * @returns The client.
   * @throws {NoConnectionError} If nothing is registered under the name; the
   *   message lists the names that are.
   *
   * @example Looking up a name
   * ```ts
   * import { connections } from "@redwire/redis";
   *
   * connections.connect("redis://localhost:6379", { name: "users" });
   * await connections.get("users").ping();
   * ```
   */
  get(name: string = DEFAULT_NAME): Redis | RedisCluster {
    const client = this.#clients.get(name);
    if (client !== undefined) return client;
    const known = this.names().map((known) => `"${known}"`).join(", ");
    throw new NoConnectionError(
      `No connection named "${name}" (${
        known === "" ? "none are connected" : `connected: ${known}`
      }); ` +
        `register one with connections.connect(client, { name: "${name}" })`,
    );
  }

  /**
   * Whether a client is registered under a name.
   *
   * @param name The name. @default "default"
   * @returns `true` if `get(name)` would return a client.
   *
   * @example Connecting once
   * ```ts
   * import { connections } from "@redwire/redis";
   *
   * if (!connections.has("users")) connections.connect("redis://localhost:6379", { name: "users" });
   * ```
   */
  has(name: string = DEFAULT_NAME): boolean {
    return this.#clients.has(name);
  }

  /**
   * The registered names, in the order they were connected.
   *
   * @returns The names.
   *
   * @example Listing names
   * ```ts
   * import { connections } from "@redwire/redis";
   *
   * console.log(connections.names()); // e.g. ["default", "users"]
   * ```
   */
  names(): string[] {
    return [...this.#clients.keys()];
  }

  /**
   * Removes a name. The client is closed if the registry owns it and no
   * other name still refers to it. An unknown name is ignored.
   *
   * @param name The name to remove.
   * @returns Resolves once an owned client is closed.
   *
   * @example Removing a name
   * ```ts
   * import { connections } from "@redwire/redis";
   *
   * connections.connect("redis://localhost:6379", { name: "users" });
   * await connections.disconnect("users"); // closes it: the registry created it
   * ```
   */
  async disconnect(name: string): Promise<void> {
    const client = this.#clients.get(name);
    if (client === undefined) return;
    this.#clients.delete(name);
    for (const other of this.#clients.values()) if (other === client) return;
    if (this.#owned.delete(client)) await client.close();
  }

  /**
   * Removes every name and closes each owned client once.
   *
   * @returns Resolves once the owned clients are closed.
   * @throws The first error a client's close raised, after every close ran.
   *
   * @example Closing everything
   * ```ts
   * import { connections } from "@redwire/redis";
   *
   * connections.connect("redis://localhost:6379");
   * await connections.reset();
   * console.log(connections.names()); // []
   * ```
   */
  async reset(): Promise<void> {
    const owned = [...this.#owned];
    this.#clients.clear();
    this.#owned.clear();
    const results = await Promise.allSettled(owned.map((client) => client.close()));
    const failure = results.find((result) => result.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  }

  /** Same as {@linkcode ConnectionRegistry.reset}: `await using registry = new ConnectionRegistry()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.reset();
  }
}

/**
 * The application's registry: what named pipelines use unless given another.
 *
 * @example The default registry
 * ```ts
 * import { connections, pipeline, Redis } from "@redwire/redis";
 *
 * connections.connect(new Redis({ port: 6379 }), { name: "users" });
 * connections.connect(new Redis({ port: 6380 }), { name: "messages" });
 * const p = pipeline();
 * p.on("users").hset("u{1}", "name", "joe");
 * p.on("messages").hset("m{1}", "body", "hi");
 * await p.exec();
 * ```
 */
export const connections: ConnectionRegistry = new ConnectionRegistry();

/**
 * A connection name, checked.
 *
 * @param name What was given as a name.
 * @returns The name.
 * @throws {TypeError} If it is not a non-empty string.
 */
export function checkName(name: unknown): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `A connection name must be a non-empty string, not ${JSON.stringify(name)}`,
    );
  }
  return name;
}
