/** SCAN-family iterators, for the front ends that await replies (client, transaction). */
import type { Bulk, RedisKey } from "./_base.ts";
import type { ScoredMember } from "./_transforms.ts";
import type { ScanOptions } from "./keys.ts";
import type { ScanMatchOptions } from "./hashes.ts";
import { Commands } from "./mod.ts";

/**
 * The command set of front ends whose methods return promises, with the
 * SCAN-family iterators on top. `Redis` and `Transaction` extend it.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * for await (const key of redis.scanIterator({ match: "user:*", count: 100 })) console.log(key);
 * ```
 */
export abstract class ClientCommands<V extends Bulk = string>
  extends Commands<"promise", never, V> {
  /** Every key (matching `match`, of `type`), by SCAN; a key may repeat if the keyspace changes meanwhile. */
  async *scanIterator(options?: ScanOptions): AsyncGenerator<V, void, undefined> {
    let cursor = "0";
    do {
      const [next, keys] = await this.scan(cursor, options);
      cursor = next;
      yield* keys;
    } while (cursor !== "0");
  }
  /** Every `[field, value]` of a hash, by HSCAN. */
  async *hscanIterator(
    key: RedisKey,
    options?: ScanMatchOptions,
  ): AsyncGenerator<[string, V], void, undefined> {
    let cursor = "0";
    do {
      const [next, fields] = await this.hscan(key, cursor, options);
      cursor = next;
      for (const field in fields) yield [field, fields[field]!];
    } while (cursor !== "0");
  }
  /** Every member of a set, by SSCAN. */
  async *sscanIterator(
    key: RedisKey,
    options?: ScanMatchOptions,
  ): AsyncGenerator<V, void, undefined> {
    let cursor = "0";
    do {
      const [next, members] = await this.sscan(key, cursor, options);
      cursor = next;
      yield* members;
    } while (cursor !== "0");
  }
  /** Every `{ member, score }` of a sorted set, by ZSCAN. */
  async *zscanIterator(
    key: RedisKey,
    options?: ScanMatchOptions,
  ): AsyncGenerator<ScoredMember<V>, void, undefined> {
    let cursor = "0";
    do {
      const [next, members] = await this.zscan(key, cursor, options);
      cursor = next;
      yield* members;
    } while (cursor !== "0");
  }
}
