/**
 * `Sentinel`: Sentinel discovery plus the clients that follow a master (or
 * its replicas) through failovers. Discovery and pools live below, in
 * `src/sentinel/`; only making clients needs this layer.
 *
 * @module
 */
import { type SentinelClientOptions, SentinelDiscovery } from "../sentinel/mod.ts";
import { Redis } from "./redis.ts";

/**
 * Redis Sentinel: discovery of a master and its replicas, and clients that
 * follow failovers. Each question goes to the sentinels in turn; the one that
 * answers moves to the front, and SENTINEL SENTINELS adds sentinels not yet
 * known. No I/O happens until a question or a command.
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
 * await using master = sentinel.masterFor("mymaster", { db: 0, maxConnections: 20 });
 * await using replica = sentinel.replicaFor("mymaster");
 * await master.set("k", "v");
 * console.log(await replica.get("k"));
 * ```
 */
export class Sentinel extends SentinelDiscovery {
  /**
   * A client for the master of `name`: its pool asks the sentinels for the
   * master at each new connection, checks ROLE, and follows failovers. The
   * client owns the pool: `close()` it when done.
   *
   * @param name The master group name; defaults to the one from `fromConfig` / `fromUrl`.
   * @param options Data-node options for this client, over the Sentinel's.
   * @returns A Redis client.
   * @throws {TypeError} If no name is given and none was configured.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
   * await using master = sentinel.masterFor("mymaster", { db: 0, maxConnections: 20 });
   * await master.set("k", "v");
   * ```
   */
  masterFor(name?: string, options: SentinelClientOptions = {}): Redis {
    return new Redis(this.clientOptionsFor("master", name, options));
  }

  /**
   * A client for the replicas of `name`: each new connection goes to the next
   * replica (round-robin), checked with ROLE; with no usable replica it uses
   * the master, unless `masterFallback: false`.
   *
   * @param name The master group name; defaults to the one from `fromConfig` / `fromUrl`.
   * @param options Data-node options for this client, over the Sentinel's.
   * @returns A Redis client for reads.
   * @throws {TypeError} If no name is given and none was configured.
   *
   * @example
   * ```ts
   * import { Sentinel } from "@redwire/redis";
   *
   * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
   * await using replica = sentinel.replicaFor("mymaster");
   * console.log(await replica.get("k"));
   * ```
   */
  replicaFor(name?: string, options: SentinelClientOptions = {}): Redis {
    return new Redis(this.clientOptionsFor("replica", name, options));
  }
}
