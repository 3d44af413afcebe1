/** Stream commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { flattenPairs, withOptions } from "./_options.ts";
import {
  type AutoClaimResult,
  type PendingEntry,
  type PendingSummary,
  type StreamConsumerInfo,
  type StreamEntry,
  type StreamGroupInfo,
  type StreamInfo,
  type StreamMessages,
  toAutoClaim,
  toAutoClaimIds,
  toEntries,
  toPendingEntries,
  toPendingSummary,
  toStreamInfo,
  toStreams,
} from "./_streams.ts";
import {
  textOrNull,
  texts,
  toBoolean,
  toFields,
  toFieldsList,
  toNumber,
  toOk,
  type Transform,
} from "./_transforms.ts";
import { SortedSetCommands } from "./zsets.ts";

/**
 * How XADD and XTRIM trim: by length (`maxlen`) or by id (`minid`).
 *
 * @example
 * ```ts
 * import type { XTrimOptions } from "@redwire/redis";
 *
 * const options: XTrimOptions = { maxlen: 1000, approximate: true };
 * ```
 */
export interface XTrimOptions {
  /** Keep at most this many entries. */
  maxlen?: number;
  /** Drop entries with ids below this. */
  minid?: string;
  /** Trim lazily ("~"), which is much cheaper. */
  approximate?: boolean;
  /** With `approximate`: evict at most this many entries per call. */
  limit?: number;
}

/**
 * Options of XADD.
 *
 * @example
 * ```ts
 * import type { XAddOptions } from "@redwire/redis";
 *
 * const options: XAddOptions = { maxlen: 1000, approximate: true, nomkstream: true };
 * ```
 */
export interface XAddOptions extends XTrimOptions {
  /** Do not create a missing stream (XADD then returns null). */
  nomkstream?: boolean;
}

/**
 * Options of XREAD; `block` is in ms (the call then runs on its own connection).
 *
 * @example
 * ```ts
 * import type { XReadOptions } from "@redwire/redis";
 *
 * const options: XReadOptions = { count: 10, block: 5000 };
 * ```
 */
export interface XReadOptions {
  /** At most this many entries per stream. */
  count?: number;
  /** Wait up to this many ms for entries (0: forever). */
  block?: number;
}

/**
 * Options of XCLAIM.
 *
 * @example
 * ```ts
 * import type { XClaimOptions } from "@redwire/redis";
 *
 * const options: XClaimOptions = { retrycount: 3, force: true };
 * ```
 */
export interface XClaimOptions {
  /** Set the idle time (ms). */
  idle?: number;
  /** Set the idle time as a Unix time (ms). */
  time?: number;
  /** Set the delivery counter. */
  retrycount?: number;
  /** Create pending entries that do not exist. */
  force?: boolean;
  /** Update the group's last id. */
  lastid?: string;
}
const XCLAIM = {
  idle: true,
  time: true,
  retrycount: true,
  force: true,
  lastid: true,
};

/** Stream keys with their ids: `{ orders: ">" }` or `[["orders", ">"]]`. */
export type StreamIds = Readonly<Record<string, string>> | readonly (readonly [RedisKey, string])[];

function trimArgs(
  args: RedisArgument[],
  command: string,
  options: XAddOptions | undefined,
): RedisArgument[] {
  if (options === undefined) return args;
  withOptions(
    [],
    options,
    {
      nomkstream: "",
      maxlen: "",
      minid: "",
      approximate: "",
      limit: "",
    },
    "{ maxlen: 1000 }",
    command,
  );
  if (options.nomkstream) args.push("NOMKSTREAM");
  const strategy = options.maxlen !== undefined
    ? "MAXLEN"
    : options.minid !== undefined
    ? "MINID"
    : undefined;
  if (strategy !== undefined) {
    args.push(strategy, options.approximate ? "~" : "=", options.maxlen ?? options.minid!);
    if (options.limit !== undefined) args.push("LIMIT", options.limit);
  }
  return args;
}

function streamArgs(args: RedisArgument[], streams: StreamIds, command: string): RedisArgument[] {
  const pairs = flattenPairs(streams, command);
  const keys: RedisArgument[] = [];
  const ids: RedisArgument[] = [];
  for (let i = 0; i < pairs.length; i += 2) keys.push(pairs[i]!), ids.push(pairs[i + 1]!);
  args.push("STREAMS", ...keys, ...ids);
  return args;
}

/**
 * Stream commands (and everything before them).
 * @internal
 */
export abstract class StreamCommands<K extends ResultKind, S, V extends Bulk = string>
  extends SortedSetCommands<K, S, V> {
  /** XACK: how many entries were acknowledged. */
  xack(key: RedisKey, group: string, ...ids: string[]): Result<number, K, S> {
    return this.call(["XACK", key, group, ...ids], toNumber);
  }
  /** XADD: the new entry's id (null with `nomkstream` when the stream is missing). */
  xadd(
    key: RedisKey,
    id: string,
    fields:
      | Readonly<Record<string, RedisArgument>>
      | readonly (readonly [RedisKey, RedisArgument])[],
    options?: XAddOptions,
  ): Result<string, K, S> {
    const args = trimArgs(["XADD", key], "XADD", options);
    args.push(id, ...flattenPairs(fields, "XADD"));
    return this.call(args, textOrNull as Transform<string>);
  }
  /** XAUTOCLAIM entries idle for `minIdleTime` ms from `start`: `{ nextId, entries, deletedIds }`. */
  xautoclaim(
    key: RedisKey,
    group: string,
    consumer: string,
    minIdleTime: number,
    start: string,
    options?: { count?: number },
  ): Result<AutoClaimResult<V>, K, S> {
    const args = ["XAUTOCLAIM", key, group, consumer, minIdleTime, start];
    return this.call(
      withOptions(args, options, { count: true }, "{ count: 10 }"),
      toAutoClaim<V>,
    );
  }
  /** XAUTOCLAIM ... JUSTID: `{ nextId, ids, deletedIds }`. */
  xautoclaimJustid(
    key: RedisKey,
    group: string,
    consumer: string,
    minIdleTime: number,
    start: string,
    options?: { count?: number },
  ): Result<{ nextId: string; ids: string[]; deletedIds: string[] }, K, S> {
    const args = ["XAUTOCLAIM", key, group, consumer, minIdleTime, start];
    withOptions(args, options, { count: true }, "{ count: 10 }");
    return this.call([...args, "JUSTID"], toAutoClaimIds);
  }
  /** XCLAIM: the claimed entries. */
  xclaim(
    key: RedisKey,
    group: string,
    consumer: string,
    minIdleTime: number,
    ids: string[],
    options?: XClaimOptions,
  ): Result<StreamEntry<V>[], K, S> {
    const args = ["XCLAIM", key, group, consumer, minIdleTime, ...ids];
    return this.call(withOptions(args, options, XCLAIM, "{ force: true }"), toEntries<V>);
  }
  /** XCLAIM ... JUSTID: the claimed ids. */
  xclaimJustid(
    key: RedisKey,
    group: string,
    consumer: string,
    minIdleTime: number,
    ids: string[],
    options?: XClaimOptions,
  ): Result<string[], K, S> {
    const args = ["XCLAIM", key, group, consumer, minIdleTime, ...ids];
    withOptions(args, options, XCLAIM, "{ force: true }");
    return this.call([...args, "JUSTID"], texts);
  }
  /** XDEL: how many entries were deleted. */
  xdel(key: RedisKey, ...ids: string[]): Result<number, K, S> {
    return this.call(["XDEL", key, ...ids], toNumber);
  }
  /** XGROUP CREATE a consumer group starting after `id` ("$": new entries only): true. */
  xgroupCreate(
    key: RedisKey,
    group: string,
    id: string,
    options?: { mkstream?: boolean; entriesRead?: number },
  ): Result<boolean, K, S> {
    const args = ["XGROUP", "CREATE", key, group, id];
    withOptions(args, options, {
      mkstream: true,
      entriesRead: true,
    }, "{ mkstream: true }");
    return this.call(args, toOk);
  }
  /** XGROUP CREATECONSUMER: true when created. */
  xgroupCreateconsumer(key: RedisKey, group: string, consumer: string): Result<boolean, K, S> {
    return this.call(["XGROUP", "CREATECONSUMER", key, group, consumer], toBoolean);
  }
  /** XGROUP DELCONSUMER: how many pending entries the consumer had. */
  xgroupDelconsumer(key: RedisKey, group: string, consumer: string): Result<number, K, S> {
    return this.call(["XGROUP", "DELCONSUMER", key, group, consumer], toNumber);
  }
  /** XGROUP DESTROY: true when the group existed. */
  xgroupDestroy(key: RedisKey, group: string): Result<boolean, K, S> {
    return this.call(["XGROUP", "DESTROY", key, group], toBoolean);
  }
  /** XGROUP SETID: true. */
  xgroupSetid(
    key: RedisKey,
    group: string,
    id: string,
    options?: { entriesRead?: number },
  ): Result<boolean, K, S> {
    const args = ["XGROUP", "SETID", key, group, id];
    return this.call(
      withOptions(
        args,
        options,
        { entriesRead: true },
        "{ entriesRead: 0 }",
      ),
      toOk,
    );
  }
  /** XINFO CONSUMERS: `{ name, pending, idle }` per consumer. */
  xinfoConsumers(key: RedisKey, group: string): Result<StreamConsumerInfo[], K, S> {
    return this.call(["XINFO", "CONSUMERS", key, group], toFieldsList<StreamConsumerInfo>);
  }
  /** XINFO GROUPS: `{ name, consumers, pending, lastDeliveredId, entriesRead, lag }` per group. */
  xinfoGroups(key: RedisKey): Result<StreamGroupInfo[], K, S> {
    return this.call(["XINFO", "GROUPS", key], toFieldsList<StreamGroupInfo>);
  }
  /** XINFO STREAM: the stream's length, ids, groups, first and last entries. */
  xinfoStream(key: RedisKey): Result<StreamInfo<V>, K, S> {
    return this.call(["XINFO", "STREAM", key], toStreamInfo<V>);
  }
  /** XINFO STREAM ... FULL: every field the server reports, keys in camelCase. */
  xinfoStreamFull(
    key: RedisKey,
    options?: { count?: number },
  ): Result<Record<string, unknown>, K, S> {
    const args = withOptions(["XINFO", "STREAM", key, "FULL"], options, {
      count: true,
    }, "{ count: 10 }");
    return this.call(args, toFields<Record<string, unknown>>);
  }
  /** XLEN: how many entries. */
  xlen(key: RedisKey): Result<number, K, S> {
    return this.call(["XLEN", key], toNumber);
  }
  /** XPENDING summary: `{ count, minId, maxId, consumers }`. */
  xpending(key: RedisKey, group: string): Result<PendingSummary, K, S>;
  /** XPENDING with a range: `{ id, consumer, idle, deliveries }` per entry. */
  xpending(
    key: RedisKey,
    group: string,
    range: { start: string; end: string; count: number; idle?: number; consumer?: string },
  ): Result<PendingEntry[], K, S>;
  xpending(
    key: RedisKey,
    group: string,
    range?: { start: string; end: string; count: number; idle?: number; consumer?: string },
  ): Result<PendingSummary | PendingEntry[], K, S> {
    if (range === undefined) return this.call(["XPENDING", key, group], toPendingSummary);
    withOptions(
      [],
      range,
      { start: "", end: "", count: "", idle: "", consumer: "" },
      '{ start: "-", end: "+", count: 10 }',
      "XPENDING",
    );
    const args: RedisArgument[] = ["XPENDING", key, group];
    if (range.idle !== undefined) args.push("IDLE", range.idle);
    args.push(range.start, range.end, range.count);
    if (range.consumer !== undefined) args.push(range.consumer);
    return this.call(args, toPendingEntries);
  }
  /** XRANGE between two ids ("-" and "+" for the ends). */
  xrange(
    key: RedisKey,
    start: string,
    end: string,
    options?: { count?: number },
  ): Result<StreamEntry<V>[], K, S> {
    const args = withOptions(
      ["XRANGE", key, start, end],
      options,
      { count: true },
      "{ count: 10 }",
    );
    return this.call(args, toEntries<V>);
  }
  /** XREAD: `{ name, entries }[]` for streams with entries after the given ids, or null. */
  xread(streams: StreamIds, options?: XReadOptions): Result<StreamMessages<V>[] | null, K, S> {
    const args = withOptions(
      ["XREAD"],
      options,
      { count: true, block: true },
      "{ count: 10 }",
    );
    return this.call(streamArgs(args, streams, "XREAD"), toStreams<V>);
  }
  /** XREADGROUP: `{ name, entries }[]` (">" for new entries, an id for the consumer's history), or null. */
  xreadgroup(
    group: string,
    consumer: string,
    streams: StreamIds,
    options?: XReadOptions & { noack?: boolean },
  ): Result<StreamMessages<V>[] | null, K, S> {
    const args = ["XREADGROUP", "GROUP", group, consumer];
    withOptions(
      args,
      options,
      { count: true, block: true, noack: true },
      "{ count: 10 }",
    );
    return this.call(streamArgs(args, streams, "XREADGROUP"), toStreams<V>);
  }
  /** XREVRANGE from `end` down to `start`. */
  xrevrange(
    key: RedisKey,
    end: string,
    start: string,
    options?: { count?: number },
  ): Result<StreamEntry<V>[], K, S> {
    const args = withOptions(["XREVRANGE", key, end, start], options, {
      count: true,
    }, "{ count: 10 }");
    return this.call(args, toEntries<V>);
  }
  /** XSETID: true. */
  xsetid(
    key: RedisKey,
    lastId: string,
    options?: { entriesAdded?: number; maxDeletedId?: string },
  ): Result<boolean, K, S> {
    const args = withOptions(["XSETID", key, lastId], options, {
      entriesAdded: true,
      maxDeletedId: true,
    }, "{ entriesAdded: 1 }");
    return this.call(args, toOk);
  }
  /** XTRIM: how many entries were removed. */
  xtrim(key: RedisKey, options: XTrimOptions): Result<number, K, S> {
    return this.call(trimArgs(["XTRIM", key], "XTRIM", options), toNumber);
  }
}
