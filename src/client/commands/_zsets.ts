/** Sorted-set option and reply types, and the argument helpers the commands share. */
import type { RedisArgument } from "../../protocol/mod.ts";
import { type Limit, pushLimit, withOptions } from "./_options.ts";
import { asIs, type ScoredMember, toScored, type Transform } from "./_transforms.ts";

export type { ScoredMember };

/**
 * A score bound: a number, "-inf" / "+inf", or exclusive "(5"; lexical
 * bounds are "-", "+", "[a" or "(a".
 *
 * @example
 * ```ts
 * import type { ScoreBound } from "@redwire/redis";
 *
 * const bound: ScoreBound = "(10";
 * ```
 */
export type ScoreBound = number | string;

/**
 * Conditions of ZADD.
 *
 * @example
 * ```ts
 * import type { ZAddOptions } from "@redwire/redis";
 *
 * const options: ZAddOptions = { gt: true, ch: true };
 * ```
 */
export interface ZAddOptions {
  /** Only add new members. */
  nx?: boolean;
  /** Only update existing members. */
  xx?: boolean;
  /** Only update when the new score is greater. */
  gt?: boolean;
  /** Only update when the new score is less. */
  lt?: boolean;
  /** Count changed members, not only added ones. */
  ch?: boolean;
}
export const ZADD = { nx: true, xx: true, gt: true, lt: true, ch: true };

/**
 * Options of ZRANGE and ZRANGESTORE.
 *
 * @example
 * ```ts
 * import type { ZRangeOptions } from "@redwire/redis";
 *
 * const options: ZRangeOptions = { byScore: true, rev: true, limit: { offset: 0, count: 10 } };
 * ```
 */
export interface ZRangeOptions {
  /** `start` / `stop` are scores. */
  byScore?: boolean;
  /** `start` / `stop` are lexical bounds. */
  byLex?: boolean;
  /** Highest first. */
  rev?: boolean;
  /** A page (with byScore or byLex). */
  limit?: Limit;
}

/**
 * Options of ZUNION, ZINTER and their STORE forms.
 *
 * @example
 * ```ts
 * import type { ZCombineOptions } from "@redwire/redis";
 *
 * const options: ZCombineOptions = { weights: [1, 2], aggregate: "MAX" };
 * ```
 */
export interface ZCombineOptions {
  /** One multiplier per key. */
  weights?: number[];
  /** How scores combine: "SUM" (default), "MIN" or "MAX". */
  aggregate?: "SUM" | "MIN" | "MAX";
}
export const COMBINE = { weights: true, aggregate: true };

/**
 * What ZMPOP and BZMPOP pop: the key and its scored members.
 *
 * @example
 * ```ts
 * import type { KeyMembers } from "@redwire/redis";
 *
 * const popped: KeyMembers<string> = { key: "z", members: [{ member: "a", score: 1 }] };
 * ```
 */
export interface KeyMembers<V> {
  /** The key the members came from. */
  key: string;
  /** The popped members. */
  members: ScoredMember<V>[];
}

/**
 * What BZPOPMIN and BZPOPMAX pop.
 *
 * @example
 * ```ts
 * import type { KeyScored } from "@redwire/redis";
 *
 * const popped: KeyScored<string> = { key: "z", member: "a", score: 1 };
 * ```
 */
export interface KeyScored<V> extends ScoredMember<V> {
  /** The key the member came from. */
  key: string;
}

export function isScored(value: unknown): boolean {
  return typeof value === "object" && value !== null && "member" in value && "score" in value;
}

export function rangeArgs(
  args: RedisArgument[],
  command: string,
  options?: ZRangeOptions & { withScores?: boolean },
): RedisArgument[] {
  if (options === undefined) return args;
  withOptions(
    args,
    { ...options, limit: undefined },
    {
      byScore: true,
      byLex: true,
      rev: true,
      limit: "",
      withScores: true,
    },
    "{ byScore: true }",
    command,
  );
  return pushLimit(args, options.limit);
}

/** The reply shape of a command that takes `withScores`: scored members, or the members alone. */
export function membersOrScored<V>(
  options: { withScores?: boolean } | undefined,
): Transform<V[] | ScoredMember<V>[]> {
  return options?.withScores ? toScored<V> : asIs<V[]>;
}
