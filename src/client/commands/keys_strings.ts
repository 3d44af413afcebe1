/** Key, expiry and string commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import { CommandBase, type RedisKey, type Result, type ResultKind } from "./_base.ts";
import { asIs, toBoolean, toNumber, toNumberOrNull, toOk } from "./_transforms.ts";

/**
 * Options of SET.
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
  /** Set only if the key does not exist. */
  nx?: boolean;
  /** Set only if the key exists. */
  xx?: boolean;
  /** Keep the key's current time to live. */
  keepTtl?: boolean;
}

/**
 * Options of SCAN.
 *
 * @example
 * ```ts
 * import type { ScanOptions } from "@redwire/redis";
 *
 * const options: ScanOptions = { match: "user:*", count: 100 };
 * ```
 */
export interface ScanOptions {
  /** Glob pattern keys must match. */
  match?: string;
  /** Hint of how many keys to look at per call. */
  count?: number;
  /** Only keys of this type. */
  type?: string;
}

/**
 * Key, expiry and string commands.
 */
export abstract class KeyStringCommands<K extends ResultKind, S> extends CommandBase<K, S> {
  /** GET: the value, or null. */
  get(key: RedisKey): Result<string | null, K, S> {
    return this.call(["GET", key], asIs<string | null>);
  }
  /** SET: `true` when set (false when NX/XX prevented it). */
  set(key: RedisKey, value: RedisArgument, options: SetOptions = {}): Result<boolean, K, S> {
    const args: RedisArgument[] = ["SET", key, value];
    if (options.ex !== undefined) args.push("EX", options.ex);
    if (options.px !== undefined) args.push("PX", options.px);
    if (options.nx) args.push("NX");
    if (options.xx) args.push("XX");
    if (options.keepTtl) args.push("KEEPTTL");
    return this.call(args, toOk);
  }
  /** MGET: values in key order, null where missing. */
  mget(keys: RedisKey[]): Result<(string | null)[], K, S> {
    return this.call(["MGET", ...keys], asIs<(string | null)[]>);
  }
  /** MSET from a record. */
  mset(entries: Record<string, RedisArgument>): Result<boolean, K, S> {
    return this.call(["MSET", ...Object.entries(entries).flat()], toOk);
  }
  /** GETDEL: the value, removing the key. */
  getdel(key: RedisKey): Result<string | null, K, S> {
    return this.call(["GETDEL", key], asIs<string | null>);
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
  /** DECR: the new value. */
  decr(key: RedisKey): Result<number, K, S> {
    return this.call(["DECR", key], toNumber);
  }
  /** DECRBY: the new value. */
  decrby(key: RedisKey, by: number): Result<number, K, S> {
    return this.call(["DECRBY", key, by], toNumber);
  }
  /** APPEND: the new length. */
  append(key: RedisKey, value: RedisArgument): Result<number, K, S> {
    return this.call(["APPEND", key, value], toNumber);
  }
  /** STRLEN: the value's length. */
  strlen(key: RedisKey): Result<number, K, S> {
    return this.call(["STRLEN", key], toNumber);
  }
  /** GETRANGE: a substring by byte offsets (inclusive). */
  getrange(key: RedisKey, start: number, end: number): Result<string, K, S> {
    return this.call(["GETRANGE", key, start, end], asIs<string>);
  }
  /** DEL: how many keys were removed. */
  del(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["DEL", ...keys], toNumber);
  }
  /** UNLINK: how many keys were removed (freed in the background). */
  unlink(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["UNLINK", ...keys], toNumber);
  }
  /** EXISTS: how many of the keys exist. */
  exists(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["EXISTS", ...keys], toNumber);
  }
  /** EXPIRE: `true` when a timeout was set. */
  expire(key: RedisKey, seconds: number): Result<boolean, K, S> {
    return this.call(["EXPIRE", key, seconds], toBoolean);
  }
  /** PEXPIRE: `true` when a timeout was set. */
  pexpire(key: RedisKey, milliseconds: number): Result<boolean, K, S> {
    return this.call(["PEXPIRE", key, milliseconds], toBoolean);
  }
  /** EXPIREAT: `true` when a timeout was set. */
  expireat(key: RedisKey, unixSeconds: number): Result<boolean, K, S> {
    return this.call(["EXPIREAT", key, unixSeconds], toBoolean);
  }
  /** TTL in seconds; -1 without expiry, -2 when missing. */
  ttl(key: RedisKey): Result<number, K, S> {
    return this.call(["TTL", key], toNumber);
  }
  /** PTTL in milliseconds; -1 without expiry, -2 when missing. */
  pttl(key: RedisKey): Result<number, K, S> {
    return this.call(["PTTL", key], toNumber);
  }
  /** PERSIST: `true` when a timeout was removed. */
  persist(key: RedisKey): Result<boolean, K, S> {
    return this.call(["PERSIST", key], toBoolean);
  }
  /** TYPE: "string", "list", ... or "none". */
  type(key: RedisKey): Result<string, K, S> {
    return this.call(["TYPE", key], asIs<string>);
  }
  /** RENAME. */
  rename(key: RedisKey, newKey: RedisKey): Result<boolean, K, S> {
    return this.call(["RENAME", key, newKey], toOk);
  }
  /** KEYS: every key matching a pattern (prefer `scan` on big databases). */
  keys(pattern: string): Result<string[], K, S> {
    return this.call(["KEYS", pattern], asIs<string[]>);
  }
  /** SCAN: one step; returns the next cursor ("0" when done) and keys. */
  scan(cursor: string | number, options: ScanOptions = {}): Result<[string, string[]], K, S> {
    const args: RedisArgument[] = ["SCAN", cursor];
    if (options.match !== undefined) args.push("MATCH", options.match);
    if (options.count !== undefined) args.push("COUNT", options.count);
    if (options.type !== undefined) args.push("TYPE", options.type);
    return this.call(args, asIs<[string, string[]]>);
  }
  /** TOUCH: how many keys exist (their access time is updated). */
  touch(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["TOUCH", ...keys], toNumber);
  }
  /** OBJECT ENCODING, or null when missing. */
  objectEncoding(key: RedisKey): Result<string | null, K, S> {
    return this.call(["OBJECT", "ENCODING", key], asIs<string | null>);
  }
  /** MEMORY USAGE in bytes, or null when missing. */
  memoryUsage(key: RedisKey): Result<number | null, K, S> {
    return this.call(["MEMORY", "USAGE", key], toNumberOrNull);
  }
}
