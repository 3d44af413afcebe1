/**
 * What the cluster needs to know about a command: where its keys are, whether
 * it only reads, and its request / response policies.
 *
 * TODO(cluster): answer from the generated command table (`keyPositions`,
 * `isReadOnlyCommand`, `lookupCommand` in src/commands/) once it is on main;
 * until then this small table covers the commands with unusual key positions
 * or fan-out, and every other command takes its key at index 1.
 *
 * @module
 */
import type { RedisArgument } from "../protocol/mod.ts";

/** How a keyless command is spread over the nodes, as COMMAND DOCS names it. */
export type RequestPolicy = "all_shards" | "all_nodes" | "one_node";

/** How the replies of a fanned-out command become one, as COMMAND DOCS names it. */
export type ResponsePolicy =
  | "agg_sum"
  | "all_succeeded"
  | "agg_logical_and"
  | "one_succeeded"
  | "merge";

/** The routing facts of one command. */
export interface CommandRouting {
  /** Upper-case name, with the subcommand for containers ("SCRIPT LOAD"). */
  name: string;
  /** Indexes into args of every key, in order. */
  keys: number[];
  /** How a keyless command fans out (undefined: one node). */
  request?: RequestPolicy;
  /** How fanned-out replies merge. */
  response?: ResponsePolicy;
}

type KeyRule = "none" | "all" | "pairs" | "numkeys" | "allButLast" | "first2" | "second";

const CONTAINERS = new Set([
  "SCRIPT",
  "FUNCTION",
  "CLIENT",
  "CONFIG",
  "CLUSTER",
  "OBJECT",
  "XINFO",
]);

const KEY_RULES: Record<string, KeyRule> = {
  DEL: "all",
  EXISTS: "all",
  MGET: "all",
  TOUCH: "all",
  UNLINK: "all",
  WATCH: "all",
  SUNION: "all",
  SINTER: "all",
  SDIFF: "all",
  SUNIONSTORE: "all",
  SINTERSTORE: "all",
  SDIFFSTORE: "all",
  PFCOUNT: "all",
  PFMERGE: "all",
  MSET: "pairs",
  MSETNX: "pairs",
  EVAL: "numkeys",
  EVALSHA: "numkeys",
  EVAL_RO: "numkeys",
  EVALSHA_RO: "numkeys",
  FCALL: "numkeys",
  FCALL_RO: "numkeys",
  BLPOP: "allButLast",
  BRPOP: "allButLast",
  BZPOPMIN: "allButLast",
  BZPOPMAX: "allButLast",
  RENAME: "first2",
  RENAMENX: "first2",
  RPOPLPUSH: "first2",
  LMOVE: "first2",
  BLMOVE: "first2",
  SMOVE: "first2",
  COPY: "first2",
  "OBJECT ENCODING": "second",
  "OBJECT FREQ": "second",
  "OBJECT IDLETIME": "second",
  "OBJECT REFCOUNT": "second",
};

/** Keyless commands: how they fan out (absent: one node). */
const POLICIES: Record<string, [RequestPolicy, ResponsePolicy]> = {
  DBSIZE: ["all_shards", "agg_sum"],
  FLUSHALL: ["all_shards", "all_succeeded"],
  FLUSHDB: ["all_shards", "all_succeeded"],
  KEYS: ["all_shards", "merge"],
  "SCRIPT LOAD": ["all_shards", "all_succeeded"],
  "SCRIPT FLUSH": ["all_shards", "all_succeeded"],
  "SCRIPT EXISTS": ["all_shards", "agg_logical_and"],
  "FUNCTION LOAD": ["all_shards", "all_succeeded"],
  "FUNCTION DELETE": ["all_shards", "all_succeeded"],
  "FUNCTION FLUSH": ["all_shards", "all_succeeded"],
};

const KEYLESS = new Set([
  "PING",
  "ECHO",
  "RANDOMKEY",
  "TIME",
  "INFO",
  "COMMAND",
  "CONFIG",
  "CLIENT",
  "CLUSTER",
  "PUBLISH",
  "SCAN",
  "WAIT",
  "WAITAOF",
  "LASTSAVE",
  "SAVE",
  "BGSAVE",
  "BGREWRITEAOF",
  "MEMORY",
  "SLOWLOG",
  "LATENCY",
  "ACL",
  "MODULE",
  "READONLY",
  "READWRITE",
  "ASKING",
  "ROLE",
  "SWAPDB",
  "PUBSUB",
  "FAILOVER",
  "SHUTDOWN",
  "LOLWUT",
  "XREAD",
  "XREADGROUP",
]);

const READ_ONLY = new Set(
  ("GET MGET EXISTS STRLEN GETRANGE SUBSTR HGET HGETALL HMGET HKEYS HVALS HLEN HEXISTS HSTRLEN " +
    "HRANDFIELD HSCAN LRANGE LLEN LINDEX LPOS SMEMBERS SISMEMBER SMISMEMBER SCARD SRANDMEMBER " +
    "SSCAN SUNION SINTER SDIFF SINTERCARD ZRANGE ZRANGEBYSCORE ZREVRANGE ZREVRANGEBYSCORE " +
    "ZRANGEBYLEX ZSCORE ZMSCORE ZCARD ZCOUNT ZLEXCOUNT ZRANK ZREVRANK ZSCAN ZRANDMEMBER TTL PTTL " +
    "EXPIRETIME PEXPIRETIME TYPE DBSIZE KEYS SCAN RANDOMKEY DUMP GETBIT BITCOUNT BITPOS PFCOUNT " +
    "XRANGE XREVRANGE XLEN GEOPOS GEODIST GEOHASH GEOSEARCH EVAL_RO EVALSHA_RO FCALL_RO TOUCH " +
    "OBJECT LCS SORT_RO").split(" "),
);

const decoder = new TextDecoder();

function text(arg: RedisArgument | undefined): string {
  if (arg === undefined) return "";
  return (arg instanceof Uint8Array ? decoder.decode(arg) : String(arg)).toUpperCase();
}

/**
 * Reads a command's routing facts.
 *
 * @param args The command and its arguments.
 * @returns Its name, key indexes and fan-out policies.
 */
export function commandRouting(args: readonly RedisArgument[]): CommandRouting {
  const head = text(args[0]);
  const name = CONTAINERS.has(head) && args.length > 1 ? `${head} ${text(args[1])}` : head;
  const [request, response] = POLICIES[name] ?? [];
  if (request !== undefined) return { name, keys: [], request, response };
  if (KEYLESS.has(head)) return { name, keys: [] };
  return { name, keys: keyIndexes(KEY_RULES[name] ?? KEY_RULES[head], args) };
}

function keyIndexes(rule: KeyRule | undefined, args: readonly RedisArgument[]): number[] {
  const last = args.length - 1;
  switch (rule) {
    case "none":
      return [];
    case "all":
      return range(1, last, 1);
    case "pairs":
      return range(1, last, 2);
    case "numkeys":
      return range(3, Math.min(last, 2 + Number(text(args[2]))), 1);
    case "allButLast":
      return range(1, last - 1, 1);
    case "first2":
      return range(1, Math.min(last, 2), 1);
    case "second":
      return last >= 2 ? [2] : [];
    default:
      return last >= 1 ? [1] : [];
  }
}

function range(from: number, to: number, step: number): number[] {
  const indexes: number[] = [];
  for (let i = from; i <= to; i += step) indexes.push(i);
  return indexes;
}

/**
 * Whether a command only reads, so a replica may answer it.
 *
 * @param name The routing name from {@linkcode commandRouting}.
 * @returns True for read-only commands.
 */
export function isReadOnly(name: string): boolean {
  return READ_ONLY.has(name.split(" ", 1)[0]!);
}
