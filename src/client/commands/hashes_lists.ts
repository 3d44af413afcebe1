/** Hash and list commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { RedisKey, Result, ResultKind } from "./_base.ts";
import { KeyStringCommands } from "./keys_strings.ts";
import { asIs, toBoolean, toKeyValue, toNumber, toRecord } from "./_transforms.ts";

/**
 * Hash and list commands (and everything before them).
 */
export abstract class HashListCommands<K extends ResultKind, S> extends KeyStringCommands<K, S> {
  /** HGET: a field's value, or null. */
  hget(key: RedisKey, field: RedisKey): Result<string | null, K, S> {
    return this.call(["HGET", key, field], asIs<string | null>);
  }
  /** HSET from a record of fields: how many fields were added. */
  hset(key: RedisKey, fields: Record<string, RedisArgument>): Result<number, K, S>;
  /** HSET one field: how many fields were added (0 or 1). */
  hset(key: RedisKey, field: RedisKey, value: RedisArgument): Result<number, K, S>;
  hset(
    key: RedisKey,
    fieldOrFields: RedisKey | Record<string, RedisArgument>,
    value?: RedisArgument,
  ): Result<number, K, S> {
    const pairs = typeof fieldOrFields === "string" || fieldOrFields instanceof Uint8Array
      ? [fieldOrFields, value as RedisArgument]
      : Object.entries(fieldOrFields).flat();
    return this.call(["HSET", key, ...pairs], toNumber);
  }
  /** HMGET: values in field order, null where missing. */
  hmget(key: RedisKey, fields: RedisKey[]): Result<(string | null)[], K, S> {
    return this.call(["HMGET", key, ...fields], asIs<(string | null)[]>);
  }
  /** HGETALL: every field as a record ({} when missing). */
  hgetall(key: RedisKey): Result<Record<string, string>, K, S> {
    return this.call(["HGETALL", key], toRecord);
  }
  /** HDEL: how many fields were removed. */
  hdel(key: RedisKey, ...fields: RedisKey[]): Result<number, K, S> {
    return this.call(["HDEL", key, ...fields], toNumber);
  }
  /** HEXISTS. */
  hexists(key: RedisKey, field: RedisKey): Result<boolean, K, S> {
    return this.call(["HEXISTS", key, field], toBoolean);
  }
  /** HINCRBY: the field's new value. */
  hincrby(key: RedisKey, field: RedisKey, by: number): Result<number, K, S> {
    return this.call(["HINCRBY", key, field, by], toNumber);
  }
  /** HKEYS. */
  hkeys(key: RedisKey): Result<string[], K, S> {
    return this.call(["HKEYS", key], asIs<string[]>);
  }
  /** HVALS. */
  hvals(key: RedisKey): Result<string[], K, S> {
    return this.call(["HVALS", key], asIs<string[]>);
  }
  /** HLEN. */
  hlen(key: RedisKey): Result<number, K, S> {
    return this.call(["HLEN", key], toNumber);
  }
  /** LPUSH: the list's new length. */
  lpush(key: RedisKey, ...values: RedisArgument[]): Result<number, K, S> {
    return this.call(["LPUSH", key, ...values], toNumber);
  }
  /** RPUSH: the list's new length. */
  rpush(key: RedisKey, ...values: RedisArgument[]): Result<number, K, S> {
    return this.call(["RPUSH", key, ...values], toNumber);
  }
  /** LPOP: the first element, or null. */
  lpop(key: RedisKey): Result<string | null, K, S> {
    return this.call(["LPOP", key], asIs<string | null>);
  }
  /** RPOP: the last element, or null. */
  rpop(key: RedisKey): Result<string | null, K, S> {
    return this.call(["RPOP", key], asIs<string | null>);
  }
  /** LRANGE (inclusive; -1 is the last element). */
  lrange(key: RedisKey, start: number, stop: number): Result<string[], K, S> {
    return this.call(["LRANGE", key, start, stop], asIs<string[]>);
  }
  /** LLEN. */
  llen(key: RedisKey): Result<number, K, S> {
    return this.call(["LLEN", key], toNumber);
  }
  /** LINDEX: the element, or null. */
  lindex(key: RedisKey, index: number): Result<string | null, K, S> {
    return this.call(["LINDEX", key, index], asIs<string | null>);
  }
  /** LREM: how many were removed. */
  lrem(key: RedisKey, count: number, value: RedisArgument): Result<number, K, S> {
    return this.call(["LREM", key, count, value], toNumber);
  }
  /** LTRIM. */
  ltrim(key: RedisKey, start: number, stop: number): Result<string, K, S> {
    return this.call(["LTRIM", key, start, stop], asIs<string>);
  }
  /** LMOVE: the element moved, or null. */
  lmove(
    source: RedisKey,
    destination: RedisKey,
    from: "LEFT" | "RIGHT",
    to: "LEFT" | "RIGHT",
  ): Result<string | null, K, S> {
    return this.call(["LMOVE", source, destination, from, to], asIs<string | null>);
  }
  /** BLPOP: `[key, element]`, or null after `timeout` seconds (0 waits forever). Runs on its own connection. */
  blpop(keys: RedisKey | RedisKey[], timeout: number): Result<[string, string] | null, K, S> {
    return this.call(["BLPOP", ...[keys].flat(), timeout], toKeyValue);
  }
  /** BRPOP: `[key, element]`, or null after `timeout` seconds (0 waits forever). Runs on its own connection. */
  brpop(keys: RedisKey | RedisKey[], timeout: number): Result<[string, string] | null, K, S> {
    return this.call(["BRPOP", ...[keys].flat(), timeout], toKeyValue);
  }
  /** BLMOVE: the element moved, or null after `timeout` seconds. Runs on its own connection. */
  blmove(
    source: RedisKey,
    destination: RedisKey,
    from: "LEFT" | "RIGHT",
    to: "LEFT" | "RIGHT",
    timeout: number,
  ): Result<string | null, K, S> {
    return this.call(["BLMOVE", source, destination, from, to, timeout], asIs<string | null>);
  }
}
