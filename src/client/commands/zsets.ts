/** Sorted-set commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { BlockingOptions, Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { keyList, list, withOptional, withOptions } from "./_options.ts";
import {
  asIs,
  toCursor,
  toKeyMembers,
  toKeyScored,
  toNumber,
  toNumberOrNull,
  toNumbersOrNull,
  toScored,
} from "./_transforms.ts";
import { SCAN_MATCH, type ScanMatchOptions } from "./hashes.ts";
import { SetCommands } from "./sets.ts";

import {
  COMBINE,
  isScored,
  type KeyMembers,
  type KeyScored,
  membersOrScored,
  rangeArgs,
  type ScoreBound,
  type ScoredMember,
  ZADD,
  type ZAddOptions,
  type ZCombineOptions,
  type ZRangeOptions,
} from "./_zsets.ts";

export type {
  KeyMembers,
  KeyScored,
  ScoreBound,
  ScoredMember,
  ZAddOptions,
  ZCombineOptions,
  ZRangeOptions,
} from "./_zsets.ts";

/**
 * Sorted-set commands (and everything before them).
 * @internal
 */
export abstract class SortedSetCommands<K extends ResultKind, S, V extends Bulk = string>
  extends SetCommands<K, S, V> {
  /** BZMPOP: `{ key, members }` from the first non-empty set, or null after `timeout` seconds. */
  bzmpop(
    timeout: number,
    keys: RedisKey | RedisKey[],
    side: "MIN" | "MAX",
    options?: { count?: number } & BlockingOptions,
  ): Result<KeyMembers<V> | null, K, S> {
    const args = [...keyList(["BZMPOP", timeout], keys), side];
    const { signal, ...rest } = options ?? {};
    withOptions(args, rest, { count: true }, "{ count: 2 }");
    return this.call(args, toKeyMembers<V>, { signal });
  }
  /** BZPOPMAX: `{ key, member, score }`, or null after `timeout` seconds. */
  bzpopmax(
    keys: RedisKey | RedisKey[],
    timeout: number,
    options?: BlockingOptions,
  ): Result<KeyScored<V> | null, K, S> {
    return this.call(["BZPOPMAX", ...list(keys), timeout], toKeyScored<V>, options);
  }
  /** BZPOPMIN: `{ key, member, score }`, or null after `timeout` seconds. */
  bzpopmin(
    keys: RedisKey | RedisKey[],
    timeout: number,
    options?: BlockingOptions,
  ): Result<KeyScored<V> | null, K, S> {
    return this.call(["BZPOPMIN", ...list(keys), timeout], toKeyScored<V>, options);
  }
  /** ZADD members with scores: how many were added (changed, with `ch`). */
  zadd(
    key: RedisKey,
    entries: ScoredMember<RedisArgument> | ScoredMember<RedisArgument>[],
    options?: ZAddOptions,
  ): Result<number, K, S> {
    // ioredis-era calls passed entries as more arguments: zadd(k, e1, e2).
    const rest = [...arguments].slice(2) as unknown[];
    const extra = rest.filter(isScored) as ScoredMember<RedisArgument>[];
    const all = [...list(entries), ...extra];
    const args: RedisArgument[] = ["ZADD", key];
    withOptions(args, extra.length > 0 ? undefined : options, ZADD, "{ nx: true }");
    for (const entry of all) args.push(entry.score, entry.member);
    return this.call(args, toNumber);
  }
  /** ZADD ... INCR: the member's new score, or null when a condition prevented it. */
  zaddIncr(
    key: RedisKey,
    member: RedisArgument,
    increment: number,
    options?: ZAddOptions,
  ): Result<number | null, K, S> {
    const args = withOptions(["ZADD", key], options, ZADD, "{ xx: true }");
    return this.call([...args, "INCR", increment, member], toNumberOrNull);
  }
  /** ZCARD: how many members. */
  zcard(key: RedisKey): Result<number, K, S> {
    return this.call(["ZCARD", key], toNumber);
  }
  /** ZCOUNT: members with a score between `min` and `max`. */
  zcount(key: RedisKey, min: ScoreBound, max: ScoreBound): Result<number, K, S> {
    return this.call(["ZCOUNT", key, min, max], toNumber);
  }
  /** ZDIFF: members of the first set not in the others. */
  zdiff(keys: RedisKey | RedisKey[]): Result<V[], K, S>;
  /** ZDIFF ... WITHSCORES. */
  zdiff(
    keys: RedisKey | RedisKey[],
    options: { withScores: true },
  ): Result<ScoredMember<V>[], K, S>;
  zdiff(
    keys: RedisKey | RedisKey[],
    options?: { withScores?: boolean },
  ): Result<V[] | ScoredMember<V>[], K, S> {
    const args = withOptions(
      keyList("ZDIFF", keys),
      options,
      { withScores: true },
      "{ withScores: true }",
    );
    return this.call(args, membersOrScored<V>(options));
  }
  /** ZDIFFSTORE: the size of the stored difference. */
  zdiffstore(destination: RedisKey, keys: RedisKey | RedisKey[]): Result<number, K, S> {
    return this.call(keyList(["ZDIFFSTORE", destination], keys), toNumber);
  }
  /** ZINCRBY: the member's new score. */
  zincrby(key: RedisKey, by: number, member: RedisArgument): Result<number, K, S> {
    return this.call(["ZINCRBY", key, by, member], toNumber);
  }
  /** ZINTER: members of every set. */
  zinter(keys: RedisKey | RedisKey[], options?: ZCombineOptions): Result<V[], K, S>;
  /** ZINTER ... WITHSCORES. */
  zinter(
    keys: RedisKey | RedisKey[],
    options: ZCombineOptions & { withScores: true },
  ): Result<ScoredMember<V>[], K, S>;
  zinter(
    keys: RedisKey | RedisKey[],
    options?: ZCombineOptions & { withScores?: boolean },
  ): Result<V[] | ScoredMember<V>[], K, S> {
    const args = withOptions(keyList("ZINTER", keys), options, {
      ...COMBINE,
      withScores: true,
    }, '{ aggregate: "MAX" }');
    return this.call(args, membersOrScored<V>(options));
  }
  /** ZINTERCARD: the size of the intersection, counting up to `limit` (0: no limit). */
  zintercard(keys: RedisKey | RedisKey[], options?: { limit?: number }): Result<number, K, S> {
    const args = withOptions(
      keyList("ZINTERCARD", keys),
      options,
      { limit: true },
      "{ limit: 10 }",
    );
    return this.call(args, toNumber);
  }
  /** ZINTERSTORE: the size of the stored intersection. */
  zinterstore(
    destination: RedisKey,
    keys: RedisKey | RedisKey[],
    options?: ZCombineOptions,
  ): Result<number, K, S> {
    const args = keyList(["ZINTERSTORE", destination], keys);
    return this.call(
      withOptions(args, options, COMBINE, "{ weights: [1, 2] }"),
      toNumber,
    );
  }
  /** ZLEXCOUNT: members between two lexical bounds ("-", "+", "[a", "(a"). */
  zlexcount(key: RedisKey, min: string, max: string): Result<number, K, S> {
    return this.call(["ZLEXCOUNT", key, min, max], toNumber);
  }
  /** ZMPOP: `{ key, members }` from the first non-empty set, or null. */
  zmpop(
    keys: RedisKey | RedisKey[],
    side: "MIN" | "MAX",
    options?: { count?: number },
  ): Result<KeyMembers<V> | null, K, S> {
    const args = withOptions([...keyList("ZMPOP", keys), side], options, {
      count: true,
    }, "{ count: 2 }");
    return this.call(args, toKeyMembers<V>);
  }
  /** ZMSCORE: one score per member, null where missing. */
  zmscore(key: RedisKey, members: RedisArgument[]): Result<(number | null)[], K, S> {
    return this.call(["ZMSCORE", key, ...members], toNumbersOrNull);
  }
  /** ZPOPMAX: up to `count` (default 1) highest members, removed. */
  zpopmax(key: RedisKey, count?: number): Result<ScoredMember<V>[], K, S> {
    return this.call(withOptional(["ZPOPMAX", key], count), toScored<V>);
  }
  /** ZPOPMIN: up to `count` (default 1) lowest members, removed. */
  zpopmin(key: RedisKey, count?: number): Result<ScoredMember<V>[], K, S> {
    return this.call(withOptional(["ZPOPMIN", key], count), toScored<V>);
  }
  /** ZRANDMEMBER: a random member, or null when missing. */
  zrandmember(key: RedisKey): Result<V | null, K, S>;
  /** ZRANDMEMBER count: up to `count` members (negative: may repeat). */
  zrandmember(key: RedisKey, count: number): Result<V[], K, S>;
  /** ZRANDMEMBER count WITHSCORES. */
  zrandmember(
    key: RedisKey,
    count: number,
    options: { withScores: true },
  ): Result<ScoredMember<V>[], K, S>;
  zrandmember(
    key: RedisKey,
    count?: number,
    options?: { withScores?: boolean },
  ): Result<V | null | V[] | ScoredMember<V>[], K, S> {
    if (count === undefined) return this.call(["ZRANDMEMBER", key], asIs<V | null>);
    const args = withOptions(["ZRANDMEMBER", key, count], options, {
      withScores: true,
    }, "{ withScores: true }");
    return this.call(args, membersOrScored<V>(options));
  }
  /** ZRANGE by rank, score (`byScore`) or lex (`byLex`), inclusive. */
  zrange(
    key: RedisKey,
    start: ScoreBound,
    stop: ScoreBound,
    options?: ZRangeOptions,
  ): Result<V[], K, S>;
  /** ZRANGE ... WITHSCORES. */
  zrange(
    key: RedisKey,
    start: ScoreBound,
    stop: ScoreBound,
    options: ZRangeOptions & { withScores: true },
  ): Result<ScoredMember<V>[], K, S>;
  zrange(
    key: RedisKey,
    start: ScoreBound,
    stop: ScoreBound,
    options?: ZRangeOptions & { withScores?: boolean },
  ): Result<V[] | ScoredMember<V>[], K, S> {
    const args = rangeArgs(["ZRANGE", key, start, stop], "ZRANGE", options);
    return this.call(args, membersOrScored<V>(options));
  }
  /** ZRANGESTORE: how many members were stored at `destination`. */
  zrangestore(
    destination: RedisKey,
    source: RedisKey,
    start: ScoreBound,
    stop: ScoreBound,
    options?: ZRangeOptions,
  ): Result<number, K, S> {
    return this.call(
      rangeArgs(["ZRANGESTORE", destination, source, start, stop], "ZRANGESTORE", options),
      toNumber,
    );
  }
  /** ZRANK: the member's rank (lowest first), or null when missing. */
  zrank(key: RedisKey, member: RedisArgument): Result<number | null, K, S> {
    return this.call(["ZRANK", key, member], toNumberOrNull);
  }
  /** ZREM: how many were removed. */
  zrem(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["ZREM", key, ...members], toNumber);
  }
  /** ZREMRANGEBYLEX: how many were removed. */
  zremrangebylex(key: RedisKey, min: string, max: string): Result<number, K, S> {
    return this.call(["ZREMRANGEBYLEX", key, min, max], toNumber);
  }
  /** ZREMRANGEBYRANK: how many were removed. */
  zremrangebyrank(key: RedisKey, start: number, stop: number): Result<number, K, S> {
    return this.call(["ZREMRANGEBYRANK", key, start, stop], toNumber);
  }
  /** ZREMRANGEBYSCORE: how many were removed. */
  zremrangebyscore(key: RedisKey, min: ScoreBound, max: ScoreBound): Result<number, K, S> {
    return this.call(["ZREMRANGEBYSCORE", key, min, max], toNumber);
  }
  /** ZREVRANK: the member's rank (highest first), or null when missing. */
  zrevrank(key: RedisKey, member: RedisArgument): Result<number | null, K, S> {
    return this.call(["ZREVRANK", key, member], toNumberOrNull);
  }
  /** ZSCAN one step: `[nextCursor, scored members]` (see `zscanIterator`). */
  zscan(
    key: RedisKey,
    cursor: string | number,
    options?: ScanMatchOptions,
  ): Result<[string, ScoredMember<V>[]], K, S> {
    const args = withOptions(
      ["ZSCAN", key, cursor],
      options,
      SCAN_MATCH,
      '{ match: "a*" }',
    );
    return this.call(args, toCursor(toScored<V>));
  }
  /** ZSCORE: the member's score, or null when missing. */
  zscore(key: RedisKey, member: RedisArgument): Result<number | null, K, S> {
    return this.call(["ZSCORE", key, member], toNumberOrNull);
  }
  /** ZUNION: members of any set. */
  zunion(keys: RedisKey | RedisKey[], options?: ZCombineOptions): Result<V[], K, S>;
  /** ZUNION ... WITHSCORES. */
  zunion(
    keys: RedisKey | RedisKey[],
    options: ZCombineOptions & { withScores: true },
  ): Result<ScoredMember<V>[], K, S>;
  zunion(
    keys: RedisKey | RedisKey[],
    options?: ZCombineOptions & { withScores?: boolean },
  ): Result<V[] | ScoredMember<V>[], K, S> {
    const args = withOptions(keyList("ZUNION", keys), options, {
      ...COMBINE,
      withScores: true,
    }, '{ aggregate: "MAX" }');
    return this.call(args, membersOrScored<V>(options));
  }
  /** ZUNIONSTORE: the size of the stored union. */
  zunionstore(
    destination: RedisKey,
    keys: RedisKey | RedisKey[],
    options?: ZCombineOptions,
  ): Result<number, K, S> {
    const args = keyList(["ZUNIONSTORE", destination], keys);
    return this.call(
      withOptions(args, options, COMBINE, "{ weights: [1, 2] }"),
      toNumber,
    );
  }
  /** @deprecated Use `zrange(key, start, stop, { withScores: true })`. */
  zrangeWithScores(key: RedisKey, start: number, stop: number): Result<ScoredMember<V>[], K, S> {
    return this.call(["ZRANGE", key, start, stop, "WITHSCORES"], toScored<V>);
  }
  /** @deprecated ZREVRANGE: use `zrange(key, start, stop, { rev: true })`. */
  zrevrange(key: RedisKey, start: number, stop: number): Result<V[], K, S> {
    return this.call(["ZREVRANGE", key, start, stop], asIs<V[]>);
  }
  /** @deprecated ZRANGEBYSCORE: use `zrange(key, min, max, { byScore: true })`. */
  zrangebyscore(key: RedisKey, min: ScoreBound, max: ScoreBound): Result<V[], K, S> {
    return this.call(["ZRANGEBYSCORE", key, min, max], asIs<V[]>);
  }
}
