/** Hash commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { flattenPairs, withOptions } from "./_options.ts";
import { asIs, toBoolean, toCursor, toNumber, toPairs, toRecord } from "./_transforms.ts";
import { BitmapCommands } from "./bitmaps.ts";
import { invalid } from "./_validate.ts";

/**
 * Options of HSCAN, SSCAN and ZSCAN.
 *
 * @example
 * ```ts
 * import type { ScanMatchOptions } from "@redwire/redis";
 *
 * const options: ScanMatchOptions = { match: "a*", count: 100 };
 * ```
 */
export interface ScanMatchOptions {
  /** Glob pattern the field / member must match. */
  match?: string;
  /** Hint of how many to look at per call. */
  count?: number;
}
/** SCAN tokens shared by HSCAN, SSCAN, ZSCAN. */
export const SCAN_MATCH = { match: true, count: true };

/** Fields of HSET: a record or `[field, value]` pairs. */
export type HashFields =
  | Readonly<Record<string, RedisArgument>>
  | readonly (readonly [RedisKey, RedisArgument])[];

/**
 * Hash commands (and everything before them).
 * @internal
 */
export abstract class HashCommands<K extends ResultKind, S, V extends Bulk = string>
  extends BitmapCommands<K, S, V> {
  /** HDEL: how many fields were removed. */
  hdel(key: RedisKey, ...fields: RedisKey[]): Result<number, K, S> {
    return this.call(["HDEL", key, ...fields], toNumber);
  }
  /** HEXISTS: whether the field exists. */
  hexists(key: RedisKey, field: RedisKey): Result<boolean, K, S> {
    return this.call(["HEXISTS", key, field], toBoolean);
  }
  /** HGET: a field's value, or null. */
  hget(key: RedisKey, field: RedisKey): Result<V | null, K, S> {
    return this.call(["HGET", key, field], asIs<V | null>);
  }
  /** HGETALL: every field as a null-prototype record ({} when missing). */
  hgetall(key: RedisKey): Result<Record<string, V>, K, S> {
    return this.call(["HGETALL", key], toRecord<V>);
  }
  /** HINCRBY: the field's new value. */
  hincrby(key: RedisKey, field: RedisKey, by: number): Result<number, K, S> {
    return this.call(["HINCRBY", key, field, by], toNumber);
  }
  /** HINCRBYFLOAT: the field's new value. */
  hincrbyfloat(key: RedisKey, field: RedisKey, by: number): Result<number, K, S> {
    return this.call(["HINCRBYFLOAT", key, field, by], toNumber);
  }
  /** HKEYS: every field name. */
  hkeys(key: RedisKey): Result<V[], K, S> {
    return this.call(["HKEYS", key], asIs<V[]>);
  }
  /** HLEN: how many fields. */
  hlen(key: RedisKey): Result<number, K, S> {
    return this.call(["HLEN", key], toNumber);
  }
  /** HMGET: values in field order, null where missing. */
  hmget(
    key: RedisKey,
    fields: RedisKey | RedisKey[],
    ...more: RedisKey[]
  ): Result<(V | null)[], K, S> {
    return this.call(["HMGET", key, ...[fields].flat(), ...more], asIs<(V | null)[]>);
  }
  /** HRANDFIELD: one random field, or null when missing. */
  hrandfield(key: RedisKey): Result<V | null, K, S>;
  /** HRANDFIELD count: up to `count` fields (negative: may repeat). */
  hrandfield(key: RedisKey, count: number): Result<V[], K, S>;
  /** HRANDFIELD count WITHVALUES: `[field, value]` pairs. */
  hrandfield(key: RedisKey, count: number, options: { withValues: true }): Result<[V, V][], K, S>;
  hrandfield(
    key: RedisKey,
    count?: number,
    options?: { withValues?: boolean },
  ): Result<V | null | V[] | [V, V][], K, S> {
    if (count === undefined) return this.call(["HRANDFIELD", key], asIs<V | null>);
    const args = withOptions(["HRANDFIELD", key, count], options, {
      withValues: true,
    }, "{ withValues: true }");
    return options?.withValues ? this.call(args, toPairs<V>) : this.call(args, asIs<V[]>);
  }
  /** HSCAN one step: `[nextCursor, fields]` (see `hscanIterator`). */
  hscan(
    key: RedisKey,
    cursor: string | number,
    options?: ScanMatchOptions,
  ): Result<[string, Record<string, V>], K, S> {
    const args = withOptions(
      ["HSCAN", key, cursor],
      options,
      SCAN_MATCH,
      '{ match: "a*" }',
    );
    return this.call(args, toCursor(toRecord<V>));
  }
  /** HSET from a record or pairs: how many fields were added. */
  hset(key: RedisKey, fields: HashFields): Result<number, K, S>;
  /** HSET field value (more pairs may follow, as in ioredis): how many fields were added. */
  hset(
    key: RedisKey,
    field: RedisKey,
    value: RedisArgument,
    ...more: RedisArgument[]
  ): Result<number, K, S>;
  hset(
    key: RedisKey,
    fields: RedisKey | HashFields,
    ...values: RedisArgument[]
  ): Result<number, K, S> {
    if (typeof fields === "object" && !(fields instanceof Uint8Array)) {
      return this.call(["HSET", key, ...flattenPairs(fields, "HSET")], toNumber);
    }
    if (values.length % 2 !== 1) {
      const form =
        `HSET: fields and values must pair up: hset(key, { f1: "v1", f2: "v2" }) or hset(key, "f1", "v1", "f2", "v2")`;
      return this.call(["HSET", ...invalid(new TypeError(form))], toNumber);
    }
    return this.call(["HSET", key, fields, ...values], toNumber);
  }
  /** HSETNX: true when set (the field did not exist). */
  hsetnx(key: RedisKey, field: RedisKey, value: RedisArgument): Result<boolean, K, S> {
    return this.call(["HSETNX", key, field, value], toBoolean);
  }
  /** HSTRLEN: the length of a field's value (0 when missing). */
  hstrlen(key: RedisKey, field: RedisKey): Result<number, K, S> {
    return this.call(["HSTRLEN", key, field], toNumber);
  }
  /** HVALS: every value. */
  hvals(key: RedisKey): Result<V[], K, S> {
    return this.call(["HVALS", key], asIs<V[]>);
  }
}
