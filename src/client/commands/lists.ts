/** List commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { BlockingOptions, Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { keyList, list, withOptional, withOptions } from "./_options.ts";
import {
  asIs,
  toKeyElements,
  toKeyValue,
  toNumber,
  toNumberOrNull,
  toNumbers,
  toOk,
} from "./_transforms.ts";
import { HashCommands } from "./hashes.ts";

/** A list end: "LEFT" (head) or "RIGHT" (tail). */
export type ListSide = "LEFT" | "RIGHT";

/**
 * Options of LPOS.
 *
 * @example
 * ```ts
 * import type { LposOptions } from "@redwire/redis";
 *
 * const options: LposOptions = { rank: -1, maxlen: 1000 };
 * ```
 */
export interface LposOptions {
  /** Which match to return: 1 the first, -1 the last, 2 the second ... */
  rank?: number;
  /** Compare at most this many elements. */
  maxlen?: number;
}
const LPOS = { rank: true, count: true, maxlen: true };

/**
 * What LMPOP and BLMPOP pop: the key and its elements.
 *
 * @example
 * ```ts
 * import type { KeyElements } from "@redwire/redis";
 *
 * const popped: KeyElements<string> = { key: "jobs", elements: ["a", "b"] };
 * ```
 */
export interface KeyElements<V> {
  /** The key the elements came from. */
  key: string;
  /** The popped elements. */
  elements: V[];
}

/**
 * List commands (and everything before them).
 * @internal
 */
export abstract class ListCommands<K extends ResultKind, S, V extends Bulk = string>
  extends HashCommands<K, S, V> {
  /** BLMOVE: the element moved, or null after `timeout` seconds. Runs on its own connection. */
  blmove(
    source: RedisKey,
    destination: RedisKey,
    from: ListSide,
    to: ListSide,
    timeout: number,
    options?: BlockingOptions,
  ): Result<V | null, K, S> {
    const args = ["BLMOVE", source, destination, from, to, timeout];
    return this.call(args, asIs<V | null>, options);
  }
  /** BLMPOP: `{ key, elements }` from the first non-empty list, or null after `timeout` seconds. */
  blmpop(
    timeout: number,
    keys: RedisKey | RedisKey[],
    side: ListSide,
    options?: { count?: number } & BlockingOptions,
  ): Result<KeyElements<V> | null, K, S> {
    const args = [...keyList(["BLMPOP", timeout], keys), side];
    const { signal, ...rest } = options ?? {};
    return this.call(
      withOptions(args, rest, { count: true }, "{ count: 2 }"),
      toKeyElements<V>,
      { signal },
    );
  }
  /** BLPOP: `[key, element]`, or null after `timeout` seconds (0 waits forever). Runs on its own connection. */
  blpop(
    keys: RedisKey | RedisKey[],
    timeout: number,
    options?: BlockingOptions,
  ): Result<[string, V] | null, K, S> {
    return this.call(["BLPOP", ...list(keys), timeout], toKeyValue<V>, options);
  }
  /** BRPOP: `[key, element]`, or null after `timeout` seconds (0 waits forever). Runs on its own connection. */
  brpop(
    keys: RedisKey | RedisKey[],
    timeout: number,
    options?: BlockingOptions,
  ): Result<[string, V] | null, K, S> {
    return this.call(["BRPOP", ...list(keys), timeout], toKeyValue<V>, options);
  }
  /** LINDEX: the element, or null. */
  lindex(key: RedisKey, index: number): Result<V | null, K, S> {
    return this.call(["LINDEX", key, index], asIs<V | null>);
  }
  /** LINSERT before or after `pivot`: the new length, -1 without pivot, 0 when missing. */
  linsert(
    key: RedisKey,
    where: "BEFORE" | "AFTER",
    pivot: RedisArgument,
    element: RedisArgument,
  ): Result<number, K, S> {
    return this.call(["LINSERT", key, where, pivot, element], toNumber);
  }
  /** LLEN: the list's length. */
  llen(key: RedisKey): Result<number, K, S> {
    return this.call(["LLEN", key], toNumber);
  }
  /** LMOVE: the element moved, or null. */
  lmove(
    source: RedisKey,
    destination: RedisKey,
    from: ListSide,
    to: ListSide,
  ): Result<V | null, K, S> {
    return this.call(["LMOVE", source, destination, from, to], asIs<V | null>);
  }
  /** LMPOP: `{ key, elements }` from the first non-empty list, or null. */
  lmpop(
    keys: RedisKey | RedisKey[],
    side: ListSide,
    options?: { count?: number },
  ): Result<KeyElements<V> | null, K, S> {
    const args = [...keyList("LMPOP", keys), side];
    return this.call(
      withOptions(args, options, { count: true }, "{ count: 2 }"),
      toKeyElements<V>,
    );
  }
  /** LPOP: the first element, or null. */
  lpop(key: RedisKey): Result<V | null, K, S>;
  /** LPOP count: up to `count` elements, or null when missing. */
  lpop(key: RedisKey, count: number): Result<V[] | null, K, S>;
  lpop(key: RedisKey, count?: number): Result<V | V[] | null, K, S> {
    return this.call(withOptional(["LPOP", key], count), asIs<V | null>);
  }
  /** LPOS: the index of the first match, or null. */
  lpos(key: RedisKey, element: RedisArgument, options?: LposOptions): Result<number | null, K, S>;
  /** LPOS ... COUNT: the indexes of up to `count` matches (0: all). */
  lpos(
    key: RedisKey,
    element: RedisArgument,
    options: LposOptions & { count: number },
  ): Result<number[], K, S>;
  lpos(
    key: RedisKey,
    element: RedisArgument,
    options?: LposOptions & { count?: number },
  ): Result<number | null | number[], K, S> {
    const args = withOptions(["LPOS", key, element], options, LPOS, "{ rank: 1 }");
    return options?.count === undefined
      ? this.call(args, toNumberOrNull)
      : this.call(args, toNumbers);
  }
  /** LPUSH: the list's new length. */
  lpush(key: RedisKey, ...elements: RedisArgument[]): Result<number, K, S> {
    return this.call(["LPUSH", key, ...elements], toNumber);
  }
  /** LPUSHX (only when the list exists): the new length, 0 when missing. */
  lpushx(key: RedisKey, ...elements: RedisArgument[]): Result<number, K, S> {
    return this.call(["LPUSHX", key, ...elements], toNumber);
  }
  /** LRANGE (inclusive; -1 is the last element). */
  lrange(key: RedisKey, start: number, stop: number): Result<V[], K, S> {
    return this.call(["LRANGE", key, start, stop], asIs<V[]>);
  }
  /** LREM: how many were removed. */
  lrem(key: RedisKey, count: number, element: RedisArgument): Result<number, K, S> {
    return this.call(["LREM", key, count, element], toNumber);
  }
  /** LSET: true. */
  lset(key: RedisKey, index: number, element: RedisArgument): Result<boolean, K, S> {
    return this.call(["LSET", key, index, element], toOk);
  }
  /** LTRIM: true. */
  ltrim(key: RedisKey, start: number, stop: number): Result<boolean, K, S> {
    return this.call(["LTRIM", key, start, stop], toOk);
  }
  /** RPOP: the last element, or null. */
  rpop(key: RedisKey): Result<V | null, K, S>;
  /** RPOP count: up to `count` elements, or null when missing. */
  rpop(key: RedisKey, count: number): Result<V[] | null, K, S>;
  rpop(key: RedisKey, count?: number): Result<V | V[] | null, K, S> {
    return this.call(withOptional(["RPOP", key], count), asIs<V | null>);
  }
  /** RPUSH: the list's new length. */
  rpush(key: RedisKey, ...elements: RedisArgument[]): Result<number, K, S> {
    return this.call(["RPUSH", key, ...elements], toNumber);
  }
  /** RPUSHX (only when the list exists): the new length, 0 when missing. */
  rpushx(key: RedisKey, ...elements: RedisArgument[]): Result<number, K, S> {
    return this.call(["RPUSHX", key, ...elements], toNumber);
  }
}
