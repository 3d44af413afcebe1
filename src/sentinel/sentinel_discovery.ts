/**
 * `SentinelDiscovery`: asks Redis Sentinel where a master and its replicas
 * are, watches failovers, and makes the pools that follow them. The client
 * layer's `Sentinel` adds `masterFor()` / `replicaFor()`, which make clients.
 *
 * @module
 */
import {
  Connection,
  type ConnectionOptions,
  type ErrorClass,
  type RetryPolicy,
} from "../connection/mod.ts";
import {
  ConnectionError,
  MasterNotFoundError,
  ReplicaNotFoundError,
  ReplyError,
} from "../errors.ts";
import type { SentinelAnswer } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { addressKey, judgeMaster, judgeReplicas, sentinelPeers } from "./_replies.ts";
import { type FailoverListener, FailoverWatch } from "./failover_watch.ts";
import { SentinelConnectionPool } from "./sentinel_pool.ts";
import {
  configOptions,
  type SentinelAddress,
  type SentinelClientOptions,
  type SentinelConfig,
  type SentinelOptions,
  splitOptions,
} from "./sentinel_options.ts";
import { parseSentinelAddress, parseSentinelUrl } from "./sentinel_url.ts";

/**
 * What a client for one master group needs: its own Sentinel pool (closed
 * with the client) and the dispatcher's retry settings.
 */
export interface SentinelClientInit {
  /** The client's pool, which it closes on close(). */
  pool: SentinelConnectionPool;
  /** Always true: the client owns the pool. */
  autoCloseConnectionPool: true;
  /** The dispatcher's retry settings. */
  retryOnTimeout?: boolean;
  /** The dispatcher's retry settings. */
  retryOnError?: ErrorClass[];
  /** The dispatcher's retry settings. */
  retry?: RetryPolicy;
}

/**
 * Redis Sentinel discovery: where a master and its replicas are, failover
 * announcements, and the pools that follow them. Each question goes to the
 * sentinels in turn; the one that answers moves to the front, and SENTINEL
 * SENTINELS adds sentinels not yet known. No I/O happens until a question.
 * `Sentinel` extends it with `masterFor()` / `replicaFor()`, which make clients.
 *
 * @example
 * ```ts
 * import { Sentinel } from "@redwire/redis";
 *
 * await using sentinel = new Sentinel([["10.0.0.1", 26379], ["10.0.0.2", 26379]], {
 *   socketTimeout: 500,
 *   password: "secret",
 * });
 * console.log(await sentinel.discoverMaster("mymaster")); // ["10.0.0.3", 6379]
 * ```
 */
export class SentinelDiscovery implements AsyncDisposable {
  #sentinels: SentinelAddress[];
  #query: ConnectionOptions;
  #data: SentinelClientOptions;
  #minOtherSentinels: number;
  #serviceName: string | undefined;
  #watch: FailoverWatch;
  #closed = false;

  /**
   * Prepares a Sentinel; nothing is opened until the first question.
   *
   * @param sentinels The sentinels: `[host, port]` pairs or `"host:port"` strings.
   * @param options Sentinel options (`sentinel*`) and data-node options (the rest).
   * @throws {TypeError} If the list is empty or an address is malformed.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(sentinels: (SentinelAddress | string)[], options: SentinelOptions = {}) {
    if (!Array.isArray(sentinels) || sentinels.length === 0) {
      throw new TypeError(
        'Sentinel needs at least one sentinel address, such as [["127.0.0.1", 26379]]',
      );
    }
    this.#sentinels = dedupe(sentinels.map((address) => parseSentinelAddress(address)));
    const split = splitOptions(options);
    this.#data = split.data;
    this.#minOtherSentinels = split.minOtherSentinels;
    this.#serviceName = options.serviceName;
    this.#query = split.query;
    new Connection(this.#query); // checks the options now, without I/O
    this.#watch = new FailoverWatch(
      () => this.#sentinels,
      ([host, port]) => new Connection({ ...this.#query, host, port, socketTimeout: null }),
    );
  }

  /**
   * Makes a Sentinel from RQ's `SENTINEL` settings; `masterFor()` then uses
   * `masterName` and `db` by default.
   *
   * @param config The settings.
   * @returns A Sentinel.
   * @throws {TypeError} If an instance address is malformed.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * const sentinel = Sentinel.fromConfig({
   *   INSTANCES: [["remote.host1.org", 26379], ["remote.host2.org", 26379]],
   *   SOCKET_TIMEOUT: null,
   *   PASSWORD: "secret",
   *   DB: 2,
   *   MASTER_NAME: "master",
   * });
   * await using queue = sentinel.masterFor(); // "master", db 2
   * ```
   */
  static fromConfig<S extends SentinelDiscovery>(
    this: new (sentinels: (SentinelAddress | string)[], options: SentinelOptions) => S,
    config: SentinelConfig,
  ): S {
    const { instances, options } = configOptions(config);
    return new this(instances, options);
  }

  /**
   * Makes a Sentinel from a `redis+sentinel://` URL (see `parseSentinelUrl`);
   * `masterFor()` then uses the URL's service name and db by default.
   *
   * @param url The URL.
   * @param options More options; the URL wins where both say something.
   * @returns A Sentinel.
   * @throws {TypeError} If the URL is malformed (the message redacts the password).
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * const sentinel = Sentinel.fromUrl("redis+sentinel://:pw@h1:26379,h2:26379/mymaster/0");
   * await using master = sentinel.masterFor();
   * ```
   */
  static fromUrl<S extends SentinelDiscovery>(
    this: new (sentinels: (SentinelAddress | string)[], options: SentinelOptions) => S,
    url: string,
    options: SentinelOptions = {},
  ): S {
    const parsed = parseSentinelUrl(url);
    return new this(parsed.sentinels, {
      ...options,
      ...parsed.options,
      serviceName: parsed.serviceName,
    });
  }

  /** The sentinels, in the order they are asked (the last to answer first). */
  get sentinels(): SentinelAddress[] {
    return this.#sentinels.map(([host, port]) => [host, port]);
  }

  /**
   * Asks the sentinels, in turn, where the master of `name` is. A sentinel's
   * answer counts when it names a master it does not see as down (s_down /
   * o_down), as in redis-py; the first such answer wins.
   *
   * @param name The master group name.
   * @returns The master's `[host, port]`.
   * @throws {MasterNotFoundError} If no sentinel named a usable master; `answers` says what each said.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * await using sentinel = new Sentinel(["127.0.0.1:26379"]);
   * const [host, port] = await sentinel.discoverMaster("mymaster");
   * ```
   */
  async discoverMaster(name: string): Promise<SentinelAddress> {
    const answers: SentinelAnswer[] = [];
    for (const address of this.#list()) {
      try {
        const [addr, master, peers] = await this.#ask(address, [
          ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name],
          ["SENTINEL", "MASTER", name],
          ["SENTINEL", "SENTINELS", name],
        ]);
        const verdict = judgeMaster(name, addr!, master!, this.#minOtherSentinels);
        if (typeof verdict !== "string") {
          this.#promote(address);
          this.#learn(peers!);
          return verdict;
        }
        answers.push({ sentinel: addressKey(address), answer: verdict });
      } catch (error) {
        answers.push({ sentinel: addressKey(address), answer: describe(error) });
      }
    }
    throw new MasterNotFoundError(
      `No sentinel named a usable master for "${name}": ${summary(answers)} ` +
        `(${advice(answers, `check that the sentinels are up and monitor "${name}"`)})`,
      answers,
    );
  }

  /**
   * Asks the sentinels, in turn, for the replicas of `name`, skipping those a
   * sentinel sees as down or disconnected (s_down, o_down, disconnected).
   *
   * @param name The master group name.
   * @returns The usable replicas; empty when the sentinels know none.
   * @throws {ReplicaNotFoundError} If no sentinel answered; `answers` says what went wrong with each.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * await using sentinel = new Sentinel(["127.0.0.1:26379"]);
   * for (const [host, port] of await sentinel.discoverReplicas("mymaster")) console.log(host, port);
   * ```
   */
  async discoverReplicas(name: string): Promise<SentinelAddress[]> {
    const answers: SentinelAnswer[] = [];
    let answered = false;
    for (const address of this.#list()) {
      try {
        let [reply] = await this.#ask(address, [["SENTINEL", "REPLICAS", name]]);
        // SENTINEL REPLICAS arrived in Redis 5; older sentinels know SLAVES.
        if (reply instanceof ReplyError && /unknown/i.test(reply.message)) {
          [reply] = await this.#ask(address, [["SENTINEL", "SLAVES", name]]);
        }
        if (reply instanceof ReplyError) throw reply;
        answered = true;
        const { usable, skipped } = judgeReplicas(reply!);
        if (usable.length > 0) {
          this.#promote(address);
          return usable;
        }
        const why = skipped.length > 0 ? `none usable (${skipped.join("; ")})` : "no replica";
        answers.push({ sentinel: addressKey(address), answer: why });
      } catch (error) {
        answers.push({ sentinel: addressKey(address), answer: describe(error) });
      }
    }
    if (answered) return [];
    throw new ReplicaNotFoundError(
      `No sentinel listed the replicas of "${name}": ${summary(answers)} (${
        advice(answers, "check that the sentinels are up")
      })`,
      answers,
    );
  }

  /**
   * Calls `listener` with each failover step the sentinels announce for
   * `name`. While any listener (or a client with `watchFailover`) is
   * registered, every sentinel is subscribed to: only the leader of a
   * failover announces its steps, and it can be any of them.
   *
   * @param name The master group name.
   * @param listener Receives the events.
   * @returns Stops the listener.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
   * const stop = sentinel.onFailover("mymaster", (e) => console.log(e.kind, e.master));
   * stop();
   * ```
   */
  onFailover(name: string, listener: FailoverListener): () => void {
    if (this.#closed) return () => {};
    return this.#watch.listen(name, listener);
  }

  /**
   * Stops the failover subscriptions; later questions are refused. Pools and
   * clients made from it (`masterFor()`, `replicaFor()`) stay open until closed themselves.
   *
   * @returns Resolves at once: sentinel questions use short-lived connections.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#watch.stop();
    return Promise.resolve();
  }

  /** Closes the Sentinel; `await using sentinel = new Sentinel(...)` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description without credentials, such as `Sentinel(10.0.0.1:26379, 10.0.0.2:26379)`. */
  toString(): string {
    return `Sentinel(${this.#sentinels.map(addressKey).join(", ")})`;
  }

  /**
   * What a client for `name` needs: a new Sentinel pool for its master (or
   * replicas) with this Sentinel's data-node options under `options`, and the
   * retry settings. `Sentinel.masterFor()` / `replicaFor()` build on it.
   *
   * @param role `"master"` or `"replica"`.
   * @param name The master group name; defaults to the one from `fromConfig` / `fromUrl`.
   * @param options Data-node options, over the Sentinel's.
   * @returns The pool (owned by whoever uses it) and the retry settings.
   * @throws {TypeError} If no name is given and none was configured.
   * @internal
   */
  clientOptionsFor(
    role: "master" | "replica",
    name?: string,
    options: SentinelClientOptions = {},
  ): SentinelClientInit {
    const serviceName = name ?? this.#serviceName;
    if (serviceName === undefined) {
      throw new TypeError(`${role}For() needs the master group name, such as "mymaster"`);
    }
    const merged = { ...this.#data, ...options };
    const pool = new SentinelConnectionPool({ ...merged, sentinel: this, serviceName, role });
    const { retryOnTimeout, retryOnError, retry } = merged;
    return { pool, autoCloseConnectionPool: true, retryOnTimeout, retryOnError, retry };
  }

  #list(): SentinelAddress[] {
    if (this.#closed) {
      throw new ConnectionError(`${this} is closed; make a new Sentinel`);
    }
    return [...this.#sentinels];
  }

  /** One short-lived connection per question: nothing stays open between them. */
  async #ask(address: SentinelAddress, commands: RedisArgument[][]): Promise<Reply[]> {
    const [host, port] = address;
    const connection = new Connection({ ...this.#query, host, port });
    try {
      await connection.connect();
      return await connection.batch(commands);
    } finally {
      connection.destroy();
    }
  }

  #promote(address: SentinelAddress): void {
    const at = this.#sentinels.findIndex((known) => addressKey(known) === addressKey(address));
    if (at > 0) this.#sentinels.unshift(...this.#sentinels.splice(at, 1));
  }

  #learn(reply: Reply): void {
    const known = new Set(this.#sentinels.map(addressKey));
    const fresh = sentinelPeers(reply).filter((peer) => !known.has(addressKey(peer)));
    if (fresh.length === 0) return;
    this.#sentinels.push(...fresh);
    this.#watch.sync();
  }
}

/**
 * The options of `new Redis("redis+sentinel://...")`: a master client's pool,
 * or `undefined` when the URL is not a Sentinel URL. The client layer calls it.
 *
 * @param url Any URL given to `new Redis()`.
 * @returns The client's pool and retry settings, or undefined.
 * @throws {TypeError} If it is a malformed Sentinel URL.
 *
 * @example
 * ```ts
 * import { sentinelClientOptions } from "./sentinel_discovery.ts";
 *
 * console.log(sentinelClientOptions("redis://localhost")); // undefined
 * ```
 */
export function sentinelClientOptions(url: string): SentinelClientInit | undefined {
  if (!/^rediss?\+sentinel:/i.test(url)) return undefined;
  return SentinelDiscovery.fromUrl(url).clientOptionsFor("master");
}

function dedupe(addresses: SentinelAddress[]): SentinelAddress[] {
  const seen = new Set<string>();
  return addresses.filter((address) =>
    !seen.has(addressKey(address)) && seen.add(addressKey(address))
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What to do: a refused password is a setting to fix, not a sentinel to restart. */
function advice(answers: SentinelAnswer[], otherwise: string): string {
  const refused = answers.some(({ answer }) => /\b(NOAUTH|WRONGPASS)\b|credentials/.test(answer));
  return refused
    ? "a sentinel refused the credentials: set sentinelPassword (and sentinelUsername) " +
      "to the sentinels' requirepass, which is separate from the data nodes' password"
    : otherwise;
}

function summary(answers: SentinelAnswer[]): string {
  return answers.map(({ sentinel, answer }) => `${sentinel} → ${answer}`).join("; ");
}
