/**
 * Every typed command, written once and shared by the client, pipelines,
 * MULTI, named pipelines and the cluster client.
 *
 * Where a method lives (each class extends the one above it):
 *
 * | file             | class                | commands                                             |
 * |------------------|----------------------|------------------------------------------------------|
 * | _base.ts         | CommandBase          | `call`, the one thing a front end implements          |
 * | keys.ts          | KeyCommands          | del, exists, expire*, ttl, rename, scan, sort, object* |
 * | strings.ts       | StringCommands       | get, set, mget, mset, incr*, getex, lcs, setex ...     |
 * | bitmaps.ts       | BitmapCommands       | bit*, getbit, setbit, pf* (HyperLogLog)               |
 * | hashes.ts        | HashCommands         | h*                                                     |
 * | lists.ts         | ListCommands         | l*, r*, blpop, brpop, blmove, blmpop                  |
 * | sets.ts          | SetCommands          | s* (sadd, smembers, sinter, sscan ...)                |
 * | zsets.ts         | SortedSetCommands    | z*, bzpop*, bzmpop                                     |
 * | streams.ts       | StreamCommands       | x* (xadd, xreadgroup, xgroup*, xinfo*, xautoclaim ...) |
 * | geo.ts           | GeoCommands          | geo*                                                   |
 * | scripting.ts     | ScriptingCommands    | eval*, fcall*, script*, function*, registerScript, publish, pubsub* |
 * | connection.ts    | ConnectionCommands   | client*, echo, ping                                    |
 * | server.ts        | ServerCommands       | config*, command*, info, flush*, save, time, role ... |
 * | admin.ts         | AdminCommands        | acl*, latency*, memory*, module*, slowlog*            |
 * | cluster.ts       | ClusterCommands      | cluster*, asking, readonly, readwrite                 |
 * | mod.ts           | Commands             | the full set; DEDICATED_COMMANDS                      |
 * | iterators.ts     | ClientCommands       | scanIterator, hscanIterator, sscanIterator, zscanIterator |
 *
 * Method names: the command in lowercase (`get`, `zrangestore`), a
 * container's subcommand in camelCase after it (`clientList`, `xgroupCreate`,
 * `objectFreq`), `-` and `_` dropped with the next letter capitalized
 * (`evalRo`, `clusterCountFailureReports`).
 *
 * @module
 */
import type { Bulk, ResultKind } from "./_base.ts";
import { ClusterCommands } from "./cluster.ts";

export { CommandBase } from "./_base.ts";
export type {
  BlockingOptions,
  Bulk,
  Chain,
  RedisKey,
  Result,
  ResultKind,
  ResultKinds,
} from "./_base.ts";
export { asIs } from "./_transforms.ts";
export type { Transform } from "./_transforms.ts";
export { checkArguments, commandName, describeValue, unknownOption } from "./_validate.ts";
export { retryOnNoScript, Script } from "./scripting.ts";

/**
 * Commands with a dedicated API instead of a method, and why. `sendCommand`
 * refuses those that would change a pooled connection's state.
 *
 * @example
 * ```ts
 * import { DEDICATED_COMMANDS } from "@redwire/redis";
 *
 * console.log(DEDICATED_COMMANDS.SUBSCRIBE); // "use redis.subscribe(channels, handler)"
 * ```
 */
export const DEDICATED_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  MULTI: "use redis.multi() or redis.watch(keys, fn)",
  EXEC: "use redis.multi() or redis.watch(keys, fn)",
  DISCARD: "use redis.multi() or redis.watch(keys, fn)",
  WATCH: "use redis.watch(keys, fn), which owns one connection for the transaction",
  UNWATCH: "use redis.watch(keys, fn); it sends UNWATCH before the connection goes back",
  SUBSCRIBE: "use redis.subscribe(channels, handler)",
  PSUBSCRIBE: "use redis.psubscribe(patterns, handler)",
  SSUBSCRIBE: "use redis.subscribe(); a pooled connection cannot enter subscriber mode",
  UNSUBSCRIBE: "use subscription.unsubscribe()",
  PUNSUBSCRIBE: "use subscription.unsubscribe()",
  SUNSUBSCRIBE: "use subscription.unsubscribe()",
  AUTH: "set the username / password options; every connection authenticates on connect",
  HELLO: "set the protocol option; every connection sends HELLO on connect",
  SELECT: "set the db option (or use another client); a pooled connection must keep its db",
  QUIT: "use redis.close()",
  RESET: "use redis.close() and a new client",
  MONITOR: "open a dedicated Connection: MONITOR turns it into a stream of commands",
  PSYNC: "replication internals: a replica's handshake, not a client command",
  SYNC: "replication internals: a replica's handshake, not a client command",
  REPLCONF: "replication internals: a replica's handshake, not a client command",
  DEBUG: "server debugging that can crash or stall the server; use sendCommand on purpose",
  "CLIENT REPLY":
    "a connection that skips replies breaks the reply order; use sendCommand on a dedicated Connection",
});

/**
 * The full command set. Each front end (client, pipeline, MULTI, named
 * pipeline, cluster) extends it and implements `call`.
 */
export abstract class Commands<K extends ResultKind, S, V extends Bulk = string>
  extends ClusterCommands<K, S, V> {}

export type {
  CopyOptions,
  ExpireOptions,
  MigrateOptions,
  RestoreOptions,
  ScanOptions,
  SortOptions,
} from "./keys.ts";
export type { GetExOptions, LcsMatches, LcsOptions, SetOptions } from "./strings.ts";
export type { BitFieldOperation, BitRange } from "./bitmaps.ts";
export type { HashFields, ScanMatchOptions } from "./hashes.ts";
export type { KeyElements, ListSide, LposOptions } from "./lists.ts";
export type {
  KeyMembers,
  KeyScored,
  ScoreBound,
  ScoredMember,
  ZAddOptions,
  ZCombineOptions,
  ZRangeOptions,
} from "./zsets.ts";
export type { Limit } from "./_options.ts";
export type {
  AutoClaimResult,
  PendingEntry,
  PendingSummary,
  StreamConsumerInfo,
  StreamEntry,
  StreamGroupInfo,
  StreamInfo,
  StreamMessages,
} from "./_streams.ts";
export type {
  StreamIds,
  XAddOptions,
  XClaimOptions,
  XReadOptions,
  XTrimOptions,
} from "./streams.ts";
export type {
  GeoFrom,
  GeoMember,
  GeoPosition,
  GeoSearchOptions,
  GeoSearchResult,
  GeoShape,
  GeoUnit,
} from "./geo.ts";
export type { FunctionLibrary, RegisteredScript } from "./scripting.ts";
export type { ClientKillFilter, ClientTrackingOptions } from "./connection.ts";
export type { CommandInfo, ShutdownOptions } from "./server.ts";
export type { LatencyEvent, SlowlogEntry } from "./admin.ts";
export type { ClusterShard } from "./cluster.ts";
