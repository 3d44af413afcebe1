/** Generic key commands: existence, expiry, renaming, SCAN, SORT, OBJECT. */
import type { RedisArgument } from "../../protocol/mod.ts";
import { type Bulk, CommandBase, type RedisKey, type Result, type ResultKind } from "./_base.ts";
import { type Limit, list, pushLimit, withOptions } from "./_options.ts";
import {
  asIs,
  textOrNull,
  toBoolean,
  toCursor,
  toNumber,
  toNumberOrNull,
  toOk,
  toStatus,
} from "./_transforms.ts";

/**
 * Conditions of EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT.
 *
 * @example
 * ```ts
 * import type { ExpireOptions } from "@redwire/redis";
 *
 * const options: ExpireOptions = { nx: true };
 * ```
 */
export interface ExpireOptions {
  /** Only when the key has no expiry. */
  nx?: boolean;
  /** Only when the key has an expiry. */
  xx?: boolean;
  /** Only when the new expiry is later than the current one. */
  gt?: boolean;
  /** Only when the new expiry is earlier than the current one. */
  lt?: boolean;
}
const EXPIRE = { nx: true, xx: true, gt: true, lt: true };
const EXPIRE_FORM = "{ nx: true }";

/**
 * Options of SCAN.
 *
 * @example
 * ```ts
 * import type { ScanOptions } from "@redwire/redis";
 *
 * const options: ScanOptions = { match: "user:*", count: 100, type: "hash" };
 * ```
 */
export interface ScanOptions {
  /** Glob pattern keys must match. */
  match?: string;
  /** Hint of how many keys to look at per call. */
  count?: number;
  /** Only keys of this type ("string", "hash", ...). */
  type?: string;
}
const SCAN = { match: true, count: true, type: true };

/**
 * Options of SORT and SORT_RO.
 *
 * @example
 * ```ts
 * import type { SortOptions } from "@redwire/redis";
 *
 * const options: SortOptions = { by: "weight_*", limit: { offset: 0, count: 10 }, alpha: true };
 * ```
 */
export interface SortOptions {
  /** Sort by the values of keys matching this pattern (not key-extracted in Cluster). */
  by?: string;
  /** Return a page only. */
  limit?: Limit;
  /** Return the values of keys matching these patterns instead of the elements. */
  get?: string[];
  /** "ASC" (default) or "DESC". */
  order?: "ASC" | "DESC";
  /** Sort lexicographically instead of numerically. */
  alpha?: boolean;
}

/**
 * Options of COPY.
 *
 * @example
 * ```ts
 * import type { CopyOptions } from "@redwire/redis";
 *
 * const options: CopyOptions = { db: 1, replace: true };
 * ```
 */
export interface CopyOptions {
  /** The destination database. */
  db?: number;
  /** Overwrite the destination. */
  replace?: boolean;
}

/**
 * Options of RESTORE.
 *
 * @example
 * ```ts
 * import type { RestoreOptions } from "@redwire/redis";
 *
 * const options: RestoreOptions = { replace: true };
 * ```
 */
export interface RestoreOptions {
  /** Overwrite an existing key. */
  replace?: boolean;
  /** `ttl` is an absolute Unix time in ms. */
  absttl?: boolean;
  /** The object's idle time, in seconds. */
  idletime?: number;
  /** The object's LFU frequency. */
  freq?: number;
}

/**
 * Options of MIGRATE.
 *
 * @example
 * ```ts
 * import type { MigrateOptions } from "@redwire/redis";
 *
 * const options: MigrateOptions = { copy: true, replace: true };
 * ```
 */
export interface MigrateOptions {
  /** Keep the key on the source. */
  copy?: boolean;
  /** Overwrite the key on the target. */
  replace?: boolean;
  /** The target's password. */
  auth?: string;
  /** The target's `[username, password]`. */
  auth2?: [string, string];
}

/** RESTORE's (and RESTORE-ASKING's) options, by their names in the options object. */
export const RESTORE_OPTIONS = {
  replace: true,
  absttl: true,
  idletime: true,
  freq: true,
} as const;

/**
 * Generic key commands.
 * @internal
 */
export abstract class KeyCommands<K extends ResultKind, S, V extends Bulk = string>
  extends CommandBase<K, S, V> {
  /** COPY: true when copied. */
  copy(source: RedisKey, destination: RedisKey, options?: CopyOptions): Result<boolean, K, S> {
    const args = ["COPY", source, destination];
    withOptions(args, options, { db: true, replace: true }, "{ replace: true }");
    return this.call(args, toBoolean);
  }
  /** DEL: how many keys were removed. */
  del(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["DEL", ...keys], toNumber);
  }
  /** DUMP: the serialized value (use `redis.bytes.dump` on a decoding client), or null. */
  dump(key: RedisKey): Result<V | null, K, S> {
    return this.call(["DUMP", key], asIs<V | null>);
  }
  /** EXISTS: how many of the keys exist. */
  exists(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["EXISTS", ...keys], toNumber);
  }
  /** EXPIRE: true when the timeout was set. */
  expire(key: RedisKey, seconds: number, options?: ExpireOptions): Result<boolean, K, S> {
    const args = withOptions(["EXPIRE", key, seconds], options, EXPIRE, EXPIRE_FORM);
    return this.call(args, toBoolean);
  }
  /** EXPIREAT (Unix seconds): true when the timeout was set. */
  expireat(key: RedisKey, unixSeconds: number, options?: ExpireOptions): Result<boolean, K, S> {
    const args = ["EXPIREAT", key, unixSeconds];
    return this.call(withOptions(args, options, EXPIRE, EXPIRE_FORM), toBoolean);
  }
  /** EXPIRETIME: the expiry as Unix seconds; -1 without expiry, -2 when missing. */
  expiretime(key: RedisKey): Result<number, K, S> {
    return this.call(["EXPIRETIME", key], toNumber);
  }
  /** KEYS: every key matching a pattern (prefer `scanIterator` on big databases). */
  keys(pattern: string): Result<V[], K, S> {
    return this.call(["KEYS", pattern], asIs<V[]>);
  }
  /** MIGRATE one key or several to another server: "OK", or "NOKEY" when none existed. */
  migrate(
    host: string,
    port: number,
    keys: RedisKey | RedisKey[],
    db: number,
    timeout: number,
    options?: MigrateOptions,
  ): Result<string, K, S> {
    const many = Array.isArray(keys);
    const args: RedisArgument[] = ["MIGRATE", host, port, many ? "" : keys, db, timeout];
    withOptions(args, options, {
      copy: true,
      replace: true,
      auth: true,
      auth2: true,
    }, "{ replace: true }");
    if (many) args.push("KEYS", ...keys);
    return this.call(args, toStatus);
  }
  /** MOVE to another database: true when moved. */
  move(key: RedisKey, db: number): Result<boolean, K, S> {
    return this.call(["MOVE", key, db], toBoolean);
  }
  /** OBJECT ENCODING, or null when missing. */
  objectEncoding(key: RedisKey): Result<string | null, K, S> {
    return this.call(["OBJECT", "ENCODING", key], textOrNull);
  }
  /** OBJECT FREQ (LFU policies only), or null when missing. */
  objectFreq(key: RedisKey): Result<number | null, K, S> {
    return this.call(["OBJECT", "FREQ", key], toNumberOrNull);
  }
  /** OBJECT IDLETIME in seconds, or null when missing. */
  objectIdletime(key: RedisKey): Result<number | null, K, S> {
    return this.call(["OBJECT", "IDLETIME", key], toNumberOrNull);
  }
  /** OBJECT REFCOUNT, or null when missing. */
  objectRefcount(key: RedisKey): Result<number | null, K, S> {
    return this.call(["OBJECT", "REFCOUNT", key], toNumberOrNull);
  }
  /** PERSIST: true when a timeout was removed. */
  persist(key: RedisKey): Result<boolean, K, S> {
    return this.call(["PERSIST", key], toBoolean);
  }
  /** PEXPIRE: true when the timeout was set. */
  pexpire(key: RedisKey, milliseconds: number, options?: ExpireOptions): Result<boolean, K, S> {
    const args = ["PEXPIRE", key, milliseconds];
    return this.call(withOptions(args, options, EXPIRE, EXPIRE_FORM), toBoolean);
  }
  /** PEXPIREAT (Unix ms): true when the timeout was set. */
  pexpireat(key: RedisKey, unixMs: number, options?: ExpireOptions): Result<boolean, K, S> {
    const args = ["PEXPIREAT", key, unixMs];
    return this.call(withOptions(args, options, EXPIRE, EXPIRE_FORM), toBoolean);
  }
  /** PEXPIRETIME: the expiry as Unix ms; -1 without expiry, -2 when missing. */
  pexpiretime(key: RedisKey): Result<number, K, S> {
    return this.call(["PEXPIRETIME", key], toNumber);
  }
  /** PTTL in milliseconds; -1 without expiry, -2 when missing. */
  pttl(key: RedisKey): Result<number, K, S> {
    return this.call(["PTTL", key], toNumber);
  }
  /** RANDOMKEY: a random key, or null when the database is empty. */
  randomkey(): Result<V | null, K, S> {
    return this.call(["RANDOMKEY"], asIs<V | null>);
  }
  /** RENAME: true. */
  rename(key: RedisKey, newKey: RedisKey): Result<boolean, K, S> {
    return this.call(["RENAME", key, newKey], toOk);
  }
  /** RENAMENX: true when renamed, false when `newKey` exists. */
  renamenx(key: RedisKey, newKey: RedisKey): Result<boolean, K, S> {
    return this.call(["RENAMENX", key, newKey], toBoolean);
  }
  /** RESTORE a DUMP (ttl in ms, 0 for none): true. */
  restore(
    key: RedisKey,
    ttl: number,
    serialized: RedisKey,
    options?: RestoreOptions,
  ): Result<boolean, K, S> {
    const args = ["RESTORE", key, ttl, serialized];
    withOptions(args, options, RESTORE_OPTIONS, "{ replace: true }");
    return this.call(args, toOk);
  }
  /** SCAN one step: `[nextCursor, keys]`, the cursor "0" when done (see `scanIterator`). */
  scan(cursor: string | number, options?: ScanOptions): Result<[string, V[]], K, S> {
    const args = withOptions(["SCAN", cursor], options, SCAN, '{ match: "user:*" }');
    return this.call(args, toCursor(asIs<V[]>));
  }
  /** SORT a list, set or sorted set: the sorted elements. */
  sort(key: RedisKey, options?: SortOptions): Result<V[], K, S> {
    return this.call(sortArgs("SORT", key, options), asIs<V[]>);
  }
  /** SORT ... STORE: how many elements were stored at `destination`. */
  sortStore(key: RedisKey, destination: RedisKey, options?: SortOptions): Result<number, K, S> {
    return this.call([...sortArgs("SORT", key, options), "STORE", destination], toNumber);
  }
  /** SORT_RO: SORT without STORE, allowed on replicas. */
  sortRo(key: RedisKey, options?: SortOptions): Result<V[], K, S> {
    return this.call(sortArgs("SORT_RO", key, options), asIs<V[]>);
  }
  /** TOUCH: how many of the keys exist (their access time is updated). */
  touch(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["TOUCH", ...keys], toNumber);
  }
  /** TTL in seconds; -1 without expiry, -2 when missing. */
  ttl(key: RedisKey): Result<number, K, S> {
    return this.call(["TTL", key], toNumber);
  }
  /** TYPE: "string", "list", "set", "zset", "hash", "stream", or "none". */
  type(key: RedisKey): Result<string, K, S> {
    return this.call(["TYPE", key], toStatus);
  }
  /** UNLINK: how many keys were removed (freed in the background). */
  unlink(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["UNLINK", ...keys], toNumber);
  }
  /** WAIT for `replicas` to acknowledge earlier writes, up to `timeout` ms: how many did. */
  wait(replicas: number, timeout: number): Result<number, K, S> {
    return this.call(["WAIT", replicas, timeout], toNumber);
  }
}

function sortArgs(command: string, key: RedisKey, options?: SortOptions): RedisArgument[] {
  const args: RedisArgument[] = [command, key];
  if (options === undefined) return args;
  withOptions(
    args,
    { ...options, limit: undefined, get: undefined },
    {
      by: true,
      limit: "",
      get: "",
      order: "",
      alpha: true,
    },
    "{ alpha: true }",
    command,
  );
  pushLimit(args, options.limit);
  for (const pattern of list(options.get ?? [])) args.push("GET", pattern);
  return args;
}
