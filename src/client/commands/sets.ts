/** Set commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { keyList, withOptions } from "./_options.ts";
import { asIs, toArray, toBoolean, toBooleans, toCursor, toNumber } from "./_transforms.ts";
import { SCAN_MATCH, type ScanMatchOptions } from "./hashes.ts";
import { ListCommands } from "./lists.ts";

/**
 * Set commands (and everything before them).
 * @internal
 */
export abstract class SetCommands<K extends ResultKind, S, V extends Bulk = string>
  extends ListCommands<K, S, V> {
  /** SADD: how many members were added. */
  sadd(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["SADD", key, ...members], toNumber);
  }
  /** SCARD: how many members. */
  scard(key: RedisKey): Result<number, K, S> {
    return this.call(["SCARD", key], toNumber);
  }
  /** SDIFF: members of the first set not in the others. */
  sdiff(...keys: RedisKey[]): Result<V[], K, S> {
    return this.call(["SDIFF", ...keys], toArray<V>);
  }
  /** SDIFFSTORE: the size of the stored difference. */
  sdiffstore(destination: RedisKey, ...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["SDIFFSTORE", destination, ...keys], toNumber);
  }
  /** SINTER: members of every set. */
  sinter(...keys: RedisKey[]): Result<V[], K, S> {
    return this.call(["SINTER", ...keys], toArray<V>);
  }
  /** SINTERCARD: the size of the intersection, counting up to `limit` (0: no limit). */
  sintercard(keys: RedisKey | RedisKey[], options?: { limit?: number }): Result<number, K, S> {
    const args = keyList("SINTERCARD", keys);
    return this.call(
      withOptions(args, options, { limit: true }, "{ limit: 10 }"),
      toNumber,
    );
  }
  /** SINTERSTORE: the size of the stored intersection. */
  sinterstore(destination: RedisKey, ...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["SINTERSTORE", destination, ...keys], toNumber);
  }
  /** SISMEMBER: whether `member` is in the set. */
  sismember(key: RedisKey, member: RedisArgument): Result<boolean, K, S> {
    return this.call(["SISMEMBER", key, member], toBoolean);
  }
  /** SMEMBERS: every member. */
  smembers(key: RedisKey): Result<V[], K, S> {
    return this.call(["SMEMBERS", key], toArray<V>);
  }
  /** SMISMEMBER: one boolean per member. */
  smismember(key: RedisKey, members: RedisArgument[]): Result<boolean[], K, S> {
    return this.call(["SMISMEMBER", key, ...members], toBooleans);
  }
  /** SMOVE: true when moved. */
  smove(source: RedisKey, destination: RedisKey, member: RedisArgument): Result<boolean, K, S> {
    return this.call(["SMOVE", source, destination, member], toBoolean);
  }
  /** SPOP: a random member, removed; null when empty. */
  spop(key: RedisKey): Result<V | null, K, S>;
  /** SPOP count: up to `count` random members, removed. */
  spop(key: RedisKey, count: number): Result<V[], K, S>;
  spop(key: RedisKey, count?: number): Result<V | null | V[], K, S> {
    if (count === undefined) return this.call(["SPOP", key], asIs<V | null>);
    return this.call(["SPOP", key, count], toArray<V>);
  }
  /** SRANDMEMBER: a random member; null when empty. */
  srandmember(key: RedisKey): Result<V | null, K, S>;
  /** SRANDMEMBER count: up to `count` members (negative: may repeat). */
  srandmember(key: RedisKey, count: number): Result<V[], K, S>;
  srandmember(key: RedisKey, count?: number): Result<V | null | V[], K, S> {
    if (count === undefined) return this.call(["SRANDMEMBER", key], asIs<V | null>);
    return this.call(["SRANDMEMBER", key, count], toArray<V>);
  }
  /** SREM: how many members were removed. */
  srem(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["SREM", key, ...members], toNumber);
  }
  /** SSCAN one step: `[nextCursor, members]` (see `sscanIterator`). */
  sscan(
    key: RedisKey,
    cursor: string | number,
    options?: ScanMatchOptions,
  ): Result<[string, V[]], K, S> {
    const args = withOptions(
      ["SSCAN", key, cursor],
      options,
      SCAN_MATCH,
      '{ match: "a*" }',
    );
    return this.call(args, toCursor(toArray<V>));
  }
  /** SUNION: members of any set. */
  sunion(...keys: RedisKey[]): Result<V[], K, S> {
    return this.call(["SUNION", ...keys], toArray<V>);
  }
  /** SUNIONSTORE: the size of the stored union. */
  sunionstore(destination: RedisKey, ...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["SUNIONSTORE", destination, ...keys], toNumber);
  }
}
