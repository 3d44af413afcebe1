/** Set and sorted-set commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { RedisKey, Result, ResultKind } from "./_base.ts";
import { HashListCommands } from "./hashes_lists.ts";
import {
  asIs,
  toArray,
  toBoolean,
  toKeyMemberScore,
  toNumber,
  toNumberOrNull,
  toScored,
} from "./_transforms.ts";

/**
 * A sorted-set member with its score.
 *
 * @example
 * ```ts
 * import type { ScoredMember } from "@redwire/redis";
 *
 * const entry: ScoredMember = { member: "alice", score: 42 };
 * ```
 */
export interface ScoredMember {
  /** The member. */
  member: string;
  /** Its score. */
  score: number;
}

/**
 * Set and sorted-set commands (and everything before them).
 */
export abstract class SetCommands<K extends ResultKind, S> extends HashListCommands<K, S> {
  /** SADD: how many members were added. */
  sadd(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["SADD", key, ...members], toNumber);
  }
  /** SREM: how many members were removed. */
  srem(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["SREM", key, ...members], toNumber);
  }
  /** SMEMBERS. */
  smembers(key: RedisKey): Result<string[], K, S> {
    return this.call(["SMEMBERS", key], toArray);
  }
  /** SISMEMBER. */
  sismember(key: RedisKey, member: RedisArgument): Result<boolean, K, S> {
    return this.call(["SISMEMBER", key, member], toBoolean);
  }
  /** SCARD. */
  scard(key: RedisKey): Result<number, K, S> {
    return this.call(["SCARD", key], toNumber);
  }
  /** SPOP: a random member, removed; null when empty. */
  spop(key: RedisKey): Result<string | null, K, S> {
    return this.call(["SPOP", key], asIs<string | null>);
  }
  /** SRANDMEMBER: a random member; null when empty. */
  srandmember(key: RedisKey): Result<string | null, K, S> {
    return this.call(["SRANDMEMBER", key], asIs<string | null>);
  }
  /** SINTER. */
  sinter(...keys: RedisKey[]): Result<string[], K, S> {
    return this.call(["SINTER", ...keys], toArray);
  }
  /** SUNION. */
  sunion(...keys: RedisKey[]): Result<string[], K, S> {
    return this.call(["SUNION", ...keys], toArray);
  }
  /** SDIFF. */
  sdiff(...keys: RedisKey[]): Result<string[], K, S> {
    return this.call(["SDIFF", ...keys], toArray);
  }
  /** ZADD from members with scores: how many were added. */
  zadd(key: RedisKey, ...entries: ScoredMember[]): Result<number, K, S> {
    return this.call(["ZADD", key, ...entries.flatMap((e) => [e.score, e.member])], toNumber);
  }
  /** ZREM: how many were removed. */
  zrem(key: RedisKey, ...members: RedisArgument[]): Result<number, K, S> {
    return this.call(["ZREM", key, ...members], toNumber);
  }
  /** ZRANGE by rank (inclusive). */
  zrange(key: RedisKey, start: number, stop: number): Result<string[], K, S> {
    return this.call(["ZRANGE", key, start, stop], asIs<string[]>);
  }
  /** ZRANGE by rank WITHSCORES. */
  zrangeWithScores(key: RedisKey, start: number, stop: number): Result<ScoredMember[], K, S> {
    return this.call(["ZRANGE", key, start, stop, "WITHSCORES"], toScored);
  }
  /** ZREVRANGE by rank (inclusive), highest score first. */
  zrevrange(key: RedisKey, start: number, stop: number): Result<string[], K, S> {
    return this.call(["ZREVRANGE", key, start, stop], asIs<string[]>);
  }
  /** ZRANGEBYSCORE (use "-inf" / "+inf" / "(5" for open bounds). */
  zrangebyscore(key: RedisKey, min: number | string, max: number | string): Result<string[], K, S> {
    return this.call(["ZRANGEBYSCORE", key, min, max], asIs<string[]>);
  }
  /** ZSCORE, or null when missing. */
  zscore(key: RedisKey, member: RedisArgument): Result<number | null, K, S> {
    return this.call(["ZSCORE", key, member], toNumberOrNull);
  }
  /** ZINCRBY: the new score. */
  zincrby(key: RedisKey, by: number, member: RedisArgument): Result<number, K, S> {
    return this.call(["ZINCRBY", key, by, member], toNumber);
  }
  /** ZCARD. */
  zcard(key: RedisKey): Result<number, K, S> {
    return this.call(["ZCARD", key], toNumber);
  }
  /** ZCOUNT between scores. */
  zcount(key: RedisKey, min: number | string, max: number | string): Result<number, K, S> {
    return this.call(["ZCOUNT", key, min, max], toNumber);
  }
  /** ZRANK, or null when missing. */
  zrank(key: RedisKey, member: RedisArgument): Result<number | null, K, S> {
    return this.call(["ZRANK", key, member], toNumberOrNull);
  }
  /** BZPOPMIN: `[key, member, score]`, or null after `timeout` seconds. Runs on its own connection. */
  bzpopmin(
    keys: RedisKey | RedisKey[],
    timeout: number,
  ): Result<[string, string, number] | null, K, S> {
    return this.call(["BZPOPMIN", ...[keys].flat(), timeout], toKeyMemberScore);
  }
}
