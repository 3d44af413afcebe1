/** String commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { flattenPairs, withOptions } from "./_options.ts";
import { asIs, toBoolean, toFields, toNumber, toOk } from "./_transforms.ts";
import { KeyCommands } from "./keys.ts";

/**
 * Options of SET. `get: true` makes SET return the previous value.
 *
 * @example
 * ```ts
 * import { Redis, type SetOptions } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const options: SetOptions = { ex: 60, nx: true };
 * await redis.set("session", "token", options);
 * ```
 */
export interface SetOptions {
  /** Expire after this many seconds. */
  ex?: number;
  /** Expire after this many milliseconds. */
  px?: number;
  /** Expire at this Unix time, in seconds. */
  exat?: number;
  /** Expire at this Unix time, in milliseconds. */
  pxat?: number;
  /** Set only if the key does not exist. */
  nx?: boolean;
  /** Set only if the key exists. */
  xx?: boolean;
  /** Keep the key's current time to live. */
  keepttl?: boolean;
  /** @deprecated Use `keepttl` (redis-py's name). */
  keepTtl?: boolean;
  /** Return the previous value (SET ... GET). */
  get?: boolean;
}
const SET = {
  ex: true,
  px: true,
  exat: true,
  pxat: true,
  nx: true,
  xx: true,
  keepttl: true,
  keepTtl: true,
  get: true,
};

/**
 * Options of GETEX: one expiry, or `persist`.
 *
 * @example
 * ```ts
 * import type { GetExOptions } from "@redwire/redis";
 *
 * const options: GetExOptions = { ex: 60 };
 * ```
 */
export interface GetExOptions {
  /** Expire after this many seconds. */
  ex?: number;
  /** Expire after this many milliseconds. */
  px?: number;
  /** Expire at this Unix time, in seconds. */
  exat?: number;
  /** Expire at this Unix time, in milliseconds. */
  pxat?: number;
  /** Remove the expiry. */
  persist?: boolean;
}

/**
 * Options of LCS.
 *
 * @example
 * ```ts
 * import type { LcsOptions } from "@redwire/redis";
 *
 * const options: LcsOptions = { minMatchLen: 2, withMatchLen: true };
 * ```
 */
export interface LcsOptions {
  /** Ignore matches shorter than this. */
  minMatchLen?: number;
  /** Include each match's length. */
  withMatchLen?: boolean;
}

/**
 * LCS ... IDX: the matches as `[[start, end] in key1, [start, end] in key2, length?]`.
 *
 * @example
 * ```ts
 * import type { LcsMatches } from "@redwire/redis";
 *
 * const reply: LcsMatches = { matches: [[[4, 7], [5, 8], 4]], len: 6 };
 * ```
 */
export interface LcsMatches {
  /** Every match, longest first. */
  matches: [[number, number], [number, number], number?][];
  /** The length of the longest common subsequence. */
  len: number;
}

/** A string value or record of values for MSET / MSETNX. */
type Entries =
  | Readonly<Record<string, RedisArgument>>
  | readonly (readonly [RedisKey, RedisArgument])[];

/**
 * String commands (and the key commands before them).
 * @internal
 */
export abstract class StringCommands<K extends ResultKind, S, V extends Bulk = string>
  extends KeyCommands<K, S, V> {
  /** APPEND: the new length. */
  append(key: RedisKey, value: RedisArgument): Result<number, K, S> {
    return this.call(["APPEND", key, value], toNumber);
  }
  /** DECR: the new value. */
  decr(key: RedisKey): Result<number, K, S> {
    return this.call(["DECR", key], toNumber);
  }
  /** DECRBY: the new value. */
  decrby(key: RedisKey, by: number): Result<number, K, S> {
    return this.call(["DECRBY", key, by], toNumber);
  }
  /** GET: the value, or null. */
  get(key: RedisKey): Result<V | null, K, S> {
    return this.call(["GET", key], asIs<V | null>);
  }
  /** GETDEL: the value, removing the key; null when missing. */
  getdel(key: RedisKey): Result<V | null, K, S> {
    return this.call(["GETDEL", key], asIs<V | null>);
  }
  /** GETEX: the value, changing its expiry; null when missing. */
  getex(key: RedisKey, options?: GetExOptions): Result<V | null, K, S> {
    const args = withOptions(["GETEX", key], options, {
      ex: true,
      px: true,
      exat: true,
      pxat: true,
      persist: true,
    }, "{ ex: 60 }");
    return this.call(args, asIs<V | null>);
  }
  /** GETRANGE: a substring by byte offsets (inclusive). */
  getrange(key: RedisKey, start: number, end: number): Result<V, K, S> {
    return this.call(["GETRANGE", key, start, end], asIs<V>);
  }
  /** INCR: the new value. */
  incr(key: RedisKey): Result<number, K, S> {
    return this.call(["INCR", key], toNumber);
  }
  /** INCRBY: the new value. */
  incrby(key: RedisKey, by: number): Result<number, K, S> {
    return this.call(["INCRBY", key, by], toNumber);
  }
  /** INCRBYFLOAT: the new value. */
  incrbyfloat(key: RedisKey, by: number): Result<number, K, S> {
    return this.call(["INCRBYFLOAT", key, by], toNumber);
  }
  /** LCS: the longest common subsequence of two strings. */
  lcs(key1: RedisKey, key2: RedisKey): Result<V, K, S> {
    return this.call(["LCS", key1, key2], asIs<V>);
  }
  /** LCS ... LEN: the length of the longest common subsequence. */
  lcsLen(key1: RedisKey, key2: RedisKey): Result<number, K, S> {
    return this.call(["LCS", key1, key2, "LEN"], toNumber);
  }
  /** LCS ... IDX: the matching ranges. */
  lcsIdx(key1: RedisKey, key2: RedisKey, options?: LcsOptions): Result<LcsMatches, K, S> {
    const args = ["LCS", key1, key2, "IDX"];
    withOptions(
      args,
      options,
      { minMatchLen: true, withMatchLen: true },
      "{ minMatchLen: 2 }",
    );
    return this.call(args, toFields<LcsMatches>);
  }
  /** MGET: values in key order, null where missing. Takes an array (or keys as arguments). */
  mget(keys: RedisKey | RedisKey[], ...more: RedisKey[]): Result<(V | null)[], K, S> {
    const args: RedisArgument[] = ["MGET"];
    if (Array.isArray(keys)) args.push(...keys);
    else args.push(keys);
    if (more.length > 0) args.push(...more);
    return this.call(args, asIs<(V | null)[]>);
  }
  /** MSET from a record or `[key, value]` pairs: true. */
  mset(entries: Entries): Result<boolean, K, S> {
    return this.call(["MSET", ...flattenPairs(entries, "MSET")], toOk);
  }
  /** MSETNX: true when every key was set (none existed). */
  msetnx(entries: Entries): Result<boolean, K, S> {
    return this.call(["MSETNX", ...flattenPairs(entries, "MSETNX")], toBoolean);
  }
  /** PSETEX: sets with an expiry in ms; true. */
  psetex(key: RedisKey, milliseconds: number, value: RedisArgument): Result<boolean, K, S> {
    return this.call(["PSETEX", key, milliseconds, value], toOk);
  }
  /** SET ... GET: the previous value, or null. */
  set(
    key: RedisKey,
    value: RedisArgument,
    options: SetOptions & { get: true },
  ): Result<V | null, K, S>;
  /** SET: true when set, false when NX / XX prevented it. */
  set(key: RedisKey, value: RedisArgument, options?: SetOptions): Result<boolean, K, S>;
  set(
    key: RedisKey,
    value: RedisArgument,
    options?: SetOptions,
  ): Result<boolean | V | null, K, S> {
    if (options === undefined) return this.call(["SET", key, value], toOk);
    const args = withOptions(["SET", key, value], options, SET, "{ ex: 10 }");
    return options.get === true ? this.call(args, asIs<V | null>) : this.call(args, toOk);
  }
  /** SETEX: sets with an expiry in seconds; true. */
  setex(key: RedisKey, seconds: number, value: RedisArgument): Result<boolean, K, S> {
    return this.call(["SETEX", key, seconds, value], toOk);
  }
  /** SETNX: true when set (the key did not exist). */
  setnx(key: RedisKey, value: RedisArgument): Result<boolean, K, S> {
    return this.call(["SETNX", key, value], toBoolean);
  }
  /** SETRANGE: overwrites from `offset`; the new length. */
  setrange(key: RedisKey, offset: number, value: RedisArgument): Result<number, K, S> {
    return this.call(["SETRANGE", key, offset, value], toNumber);
  }
  /** STRLEN: the value's length. */
  strlen(key: RedisKey): Result<number, K, S> {
    return this.call(["STRLEN", key], toNumber);
  }
}
