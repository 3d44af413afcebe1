/**
 * The Redis Cluster client: the typed commands of `Redis`, routed by slot
 * over one pool per node.
 *
 * @module
 */
import {
  checkArguments,
  ClientCommands,
  type ClientEventListener,
  type ClientEventMap,
  ClientEvents,
  type ClientStatus,
  type Decoded,
  DEDICATED_COMMANDS,
  type MessageHandler,
  type Redis,
  type RedisKey,
  retryOnNoScript,
  type ScanOptions,
  type Script,
  type Subscription,
  type Transaction,
  type Transform,
} from "../client/mod.ts";
import type { CommandOptions } from "../connection/mod.ts";
import { RedirectionError } from "../errors.ts";
import type { PoolStats } from "../pool/mod.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { CLUSTER_STATE_COMMANDS, commandRouting } from "./_command_routing.ts";
import { fanOut, SPLIT, splitBySlot } from "./_fanout.ts";
import { assembleCluster } from "./_assemble.ts";
import type { NodeRegistry } from "./_nodes.ts";
import { distinctSlots, type Router } from "./_router.ts";
import type { ShardedSubscriber } from "./_sharded_pubsub.ts";
import type { TopologyReader } from "./_topology.ts";
import { ClusterMulti, ClusterPipeline } from "./cluster_pipeline.ts";
import type { RedisClusterOptions } from "./cluster_options.ts";
import type { ClusterStats, NodeRole } from "./cluster_stats.ts";
import { CrossSlotError } from "../errors.ts";

/**
 * A client for a Redis Cluster: one pool per node, commands routed by the
 * hash slot of their keys (read from `CLUSTER SHARDS`), MOVED / ASK followed,
 * failovers ridden out within each command's time budget.
 *
 * @example
 * ```ts
 * import { RedisCluster } from "@redwire/redis";
 *
 * await using cluster = new RedisCluster([["127.0.0.1", 7000], ["127.0.0.1", 7001]]);
 * await cluster.set("user:1", "joe");
 * console.log(await cluster.mget(["user:1", "user:2"])); // split by slot, merged in order
 * const [a, b] = (await cluster.multi().incr("{u1}:a").incr("{u1}:b").exec())!;
 * ```
 */
export class RedisCluster<D extends boolean = true> extends ClientCommands<Decoded<D>> {
  #router: Router;
  #nodes: NodeRegistry;
  #topology: TopologyReader;
  #subscriber: ShardedSubscriber;
  #classic: Redis | undefined;
  #config: { startup: [string, number][] | string; options: RedisClusterOptions };
  #bytes: RedisCluster<false> | undefined;
  #events = new ClientEvents();
  #subscriberHooks = {
    onLost: (error: Error) => this.#events.emit("subscriptionsLost", error),
    onRestored: () => this.#events.emit("subscriptionsRestored"),
  };
  #closed = false;

  /**
   * Prepares a client; nothing connects until the first command.
   *
   * @param startup Startup nodes as `[host, port]` pairs, or a
   *   `redis+cluster://` / `rediss+cluster://` URL with several hosts.
   * @param options Pool and connection options for every node, and the cluster's own.
   * @throws {TypeError} If no startup node is given or the URL is malformed.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(
    startup: [string, number][] | string,
    options: RedisClusterOptions & { decodeResponses?: D } = {},
  ) {
    super();
    this.#config = { startup, options };
    const parts = assembleCluster(
      startup,
      options,
      (pool) => this.#events.watchPool(pool),
      this.#subscriberHooks,
    );
    this.#nodes = parts.nodes;
    this.#topology = parts.topology;
    this.#router = parts.router;
    this.#subscriber = parts.subscriber;
  }

  /** Sends a typed command, routed by slot. */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): Promise<T> {
    try {
      checkArguments(args);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#dispatch(args, transform, undefined);
  }

  /**
   * EVALSHA on the slot's node; on NOSCRIPT (a new node, a failover), SCRIPT
   * LOAD on every primary and EVALSHA again.
   */
  protected override callScript<T>(
    script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): Promise<T> {
    return retryOnNoScript(
      () => this.call(args, transform),
      () => this.#dispatch(["SCRIPT", "LOAD", script.lua], (reply) => reply, undefined),
    );
  }

  #dispatch<T>(
    args: RedisArgument[],
    transform: Transform<T>,
    options: CommandOptions | undefined,
  ): Promise<T> {
    const route = commandRouting(args);
    if (route.fanOut !== undefined) {
      return fanOut(this.#router, args, route, options ?? {}).then(transform);
    }
    const split = SPLIT[route.name];
    if (split !== undefined) {
      if (args.length === 1) return Promise.resolve(transform(route.name === "MGET" ? [] : 0));
      const keys = route.keys.map((index) => args[index]!);
      if (distinctSlots(keys).length > 1) {
        return splitBySlot(this.#router, args, route, options ?? {}).then(transform);
      }
    }
    try {
      return this.#router.send(args, transform, options, route);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends any command, routed by its keys (from the command table); keyless
   * commands follow their request / response policy (DBSIZE summed, FLUSHALL
   * on every primary, ...), DEL / EXISTS / MGET / MSET / TOUCH / UNLINK are
   * split by slot (not atomic).
   *
   * @param args The command name followed by its arguments.
   * @param options A signal and a per-command timeout (also the retry budget).
   * @returns The decoded reply.
   * @throws {CrossSlotError} If a multi-key command that cannot be split spans slots.
   * @throws {TypeError} For commands that would change a shared connection's state.
   */
  sendCommand(args: RedisArgument[], options?: CommandOptions): Promise<Reply> {
    const name = typeof args[0] === "string" ? args[0].toUpperCase() : "";
    const advice = CLUSTER_STATE_COMMANDS[name] ??
      (name !== "DEBUG" ? DEDICATED_COMMANDS[name]?.replaceAll("redis.", "cluster.") : undefined);
    if (advice !== undefined) {
      return Promise.reject(
        new TypeError(`${name} would change a pooled connection's state: ${advice}`),
      );
    }
    return this.#dispatch(args, (reply) => reply, options);
  }

  /**
   * Starts a pipeline: split by node and sent in parallel, replies in call order.
   *
   * @returns An empty pipeline; call `exec()` to send it.
   */
  pipeline(): ClusterPipeline {
    return new ClusterPipeline(
      this.#router,
      (args, transform) => this.#dispatch(args, transform, undefined),
    );
  }

  /**
   * Starts a MULTI/EXEC transaction; its keys must share one slot.
   *
   * @returns An empty transaction; `exec()` throws CrossSlotError (nothing sent) when keys span slots.
   */
  multi(): ClusterMulti {
    return new ClusterMulti(this.#router);
  }

  /**
   * WATCHes keys (all in one slot) on the slot's primary and runs `fn` with a
   * client bound to that connection, as `Redis.watch`.
   *
   * @param keys The keys to watch.
   * @param fn Reads through `tx` and returns, typically, `tx.multi()...exec()`.
   * @returns What `fn` returns.
   * @throws {CrossSlotError} If the keys span slots (nothing is sent).
   */
  async watch<T>(keys: RedisKey[], fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const slots = distinctSlots(keys);
    if (slots.length !== 1) throw new CrossSlotError("WATCH", slots);
    let redirects = 0;
    for (;;) {
      const map = await this.#topology.ready();
      const node = this.#router.pick(map, slots[0], false);
      let started = false;
      try {
        return await node.client.watch(keys, (tx) => {
          started = true;
          return fn(tx);
        });
      } catch (error) {
        // WATCH itself was redirected: fn never ran, so trying again is safe.
        if (started || !(error instanceof RedirectionError)) throw error;
        if (redirects++ >= this.#router.maxRedirects) throw error;
        if (error.code === "MOVED") this.#router.moved(error);
      }
    }
  }

  /**
   * Subscribes to channels on one node (classic pub/sub reaches every node).
   *
   * @param channels One channel or several.
   * @param handler Called with `(message, channel)`.
   * @returns The subscription, once the server confirmed it.
   */
  async subscribe(channels: string | string[], handler: MessageHandler): Promise<Subscription> {
    return (await this.#pubsubClient()).subscribe(channels, handler);
  }

  /**
   * Subscribes to channel patterns on one node.
   *
   * @param patterns One pattern or several.
   * @param handler Called with `(message, channel, pattern)`.
   * @returns The subscription, once the server confirmed it.
   */
  async psubscribe(patterns: string | string[], handler: MessageHandler): Promise<Subscription> {
    return (await this.#pubsubClient()).psubscribe(patterns, handler);
  }

  async #pubsubClient(): Promise<Redis> {
    if (this.#classic !== undefined) return this.#classic;
    const map = await this.#topology.ready();
    const client = this.#router.pick(map, undefined, false).client;
    this.#classic ??= client
      .on("subscriptionsLost", this.#subscriberHooks.onLost)
      .on("subscriptionsRestored", this.#subscriberHooks.onRestored);
    return this.#classic;
  }

  /**
   * Subscribes to sharded channels (SSUBSCRIBE) on the node serving each
   * channel's slot; followed to the new owner when the slot moves.
   *
   * @param channels One channel or several.
   * @param handler Called with `(message, channel)`.
   * @returns The subscription, once every node confirmed it.
   */
  ssubscribe(channels: string | string[], handler: MessageHandler): Promise<Subscription> {
    return this.#subscriber.subscribe([channels].flat(), handler);
  }

  /**
   * Iterates over every key of every primary (SCAN on each, one after the other).
   *
   * @param options MATCH, COUNT and TYPE.
   * @returns The keys; a key may appear twice if it moved during the scan.
   */
  override async *scanIterator(
    options?: ScanOptions,
  ): AsyncGenerator<Decoded<D>, void, undefined> {
    const map = await this.#topology.ready();
    for (const address of map.servingPrimaries()) {
      const client = this.#nodes.get(address).client as unknown as Redis<D>;
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, options);
        cursor = next;
        yield* keys;
      } while (cursor !== "0");
    }
  }

  /**
   * A client per node, for per-node commands; loads the topology first.
   * The clients share the cluster's pools (closing them closes nothing).
   *
   * @param role Primaries, replicas or both.
   * @returns One client per node, named by `toString()`.
   */
  async nodes(role: NodeRole = "primary"): Promise<Redis<D>[]> {
    const map = await this.#topology.ready();
    // The node pools decode as this client's options say: the clients reply as D says.
    return map.nodes(role).map((address) => this.#nodes.get(address).client as Redis<D>);
  }

  /**
   * The same commands, replying with bytes (`Uint8Array`) instead of text:
   * `await cluster.bytes.get("image")`. On a client with `decodeResponses:
   * false` this is the client itself; otherwise its commands go through a
   * second cluster client with the same nodes and options (its own pools and
   * topology), made on first use and closed with this one.
   */
  get bytes(): RedisCluster<false> {
    if (this.#config.options.decodeResponses === false) {
      return this as unknown as RedisCluster<false>;
    }
    return this.#bytes ??= new RedisCluster(this.#config.startup, {
      ...this.#config.options,
      decodeResponses: false,
    });
  }

  /**
   * Topology reads, redirections, retries and each node's pool counts.
   *
   * @returns A snapshot.
   */
  stats(): ClusterStats {
    const counts = this.#router.counts;
    const nodes: Record<string, PoolStats> = {};
    for (const node of this.#nodes.all()) nodes[node.address.key] = node.pool.stats();
    return {
      topologyRefreshes: this.#topology.refreshes,
      redirects: { moved: counts.moved, ask: counts.ask },
      retries: { tryAgain: counts.tryAgain, clusterDown: counts.clusterDown },
      nodes,
    };
  }

  /**
   * Ends subscriptions and closes every node's pool. Calling it twice is harmless.
   *
   * @returns Resolves when connections are closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#topology.close();
    await this.#subscriber.close();
    await this.#bytes?.close();
    await this.#nodes.close();
    this.#events.closed();
  }

  /**
   * Where the client is in its life, over every node's pool: `"wait"`
   * (nothing connected yet), `"connecting"`, `"ready"`, `"reconnecting"` (a
   * connection to some node broke or an attempt failed) or `"closed"`.
   */
  get status(): ClientStatus {
    return this.#events.status;
  }

  /**
   * Listens to a client event of any node: `connect` (with the node's
   * address), `ready`, `error`, `reconnecting`, `close`, `subscriptionsLost`,
   * `subscriptionsRestored` (arguments typed by {@linkcode ClientEventMap}),
   * as `Redis.on`.
   *
   * @param event The event.
   * @param listener Called with the event's arguments.
   * @returns This client, to chain.
   *
   * @example
   * ```ts
   * import { RedisCluster } from "@redwire/redis";
   *
   * await using cluster = new RedisCluster([["127.0.0.1", 7000]]);
   * cluster.on("error", (error) => console.error(`cluster: ${error.message}`))
   *   .on("connect", (address) => console.log(`connected to ${address}`));
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

  /** Closes the client; `await using cluster = new RedisCluster(...)` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description without credentials. */
  override toString(): string {
    const known = this.#topology.map?.nodes("primary").map((node) => node.key) ?? [];
    return `RedisCluster(${known.length > 0 ? known.join(",") : "not connected"})`;
  }
}
