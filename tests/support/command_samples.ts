/**
 * Sample argument lists for checking key positions against a server's
 * `COMMAND GETKEYS`: a hand-written table for the commands whose keys move
 * (numkeys, keywords, options), and a sampler that builds an argument list
 * for any command from its `COMMAND DOCS` arguments. Runs on Deno and Node.
 *
 * @module
 */
import type { Reply } from "../../src/protocol/mod.ts";

/** Hand-written samples, by table name (`"OBJECT FREQ"`); several per command where keys move. */
export const KEY_SAMPLES: Readonly<Record<string, readonly string[][]>> = {
  EVAL: [
    ["EVAL", "return 1", "2", "a", "b", "x"],
    ["EVAL", "return 1", "0", "x"],
    ["eval", "return 1", "1", "a"],
  ],
  EVALSHA: [["EVALSHA", "abc", "2", "a", "b", "x", "y"], ["EVALSHA", "abc", "0"]],
  EVAL_RO: [["EVAL_RO", "return 1", "1", "a", "x"]],
  EVALSHA_RO: [["EVALSHA_RO", "abc", "3", "a", "b", "c"]],
  FCALL: [["FCALL", "fn", "2", "a", "b", "x"], ["FCALL", "fn", "0", "x"]],
  FCALL_RO: [["FCALL_RO", "fn", "1", "a"]],
  XREAD: [
    ["XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "a", "b", "0", "0"],
    ["XREAD", "STREAMS", "a", "$"],
    ["xread", "block", "10", "streams", "a", "b", "c", "1", "2", "3"],
  ],
  XREADGROUP: [
    ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "a", "b", ">", ">"],
    ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "NOACK", "STREAMS", "a", ">"],
  ],
  ZUNION: [["ZUNION", "2", "a", "b", "WEIGHTS", "1", "2"], ["ZUNION", "1", "a", "WITHSCORES"]],
  ZINTER: [["ZINTER", "3", "a", "b", "c", "AGGREGATE", "MAX"]],
  ZDIFF: [["ZDIFF", "2", "a", "b"]],
  ZUNIONSTORE: [["ZUNIONSTORE", "d", "2", "a", "b", "AGGREGATE", "MAX"]],
  ZINTERSTORE: [["ZINTERSTORE", "d", "1", "a"]],
  ZDIFFSTORE: [["ZDIFFSTORE", "d", "3", "a", "b", "c"]],
  ZINTERCARD: [["ZINTERCARD", "2", "a", "b", "LIMIT", "1"]],
  SINTERCARD: [["SINTERCARD", "2", "a", "b"], ["SINTERCARD", "1", "a", "LIMIT", "5"]],
  LMPOP: [["LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"]],
  BLMPOP: [["BLMPOP", "0.1", "2", "a", "b", "RIGHT"]],
  ZMPOP: [["ZMPOP", "1", "a", "MIN"]],
  BZMPOP: [["BZMPOP", "1", "3", "a", "b", "c", "MAX", "COUNT", "1"]],
  GEORADIUS: [
    ["GEORADIUS", "g", "0", "0", "1", "km"],
    ["GEORADIUS", "g", "0", "0", "1", "km", "COUNT", "3", "STORE", "d"],
    ["GEORADIUS", "g", "0", "0", "1", "km", "STOREDIST", "d"],
  ],
  GEORADIUSBYMEMBER: [
    ["GEORADIUSBYMEMBER", "g", "m", "1", "km", "STORE", "d"],
    ["GEORADIUSBYMEMBER", "g", "m", "1", "km", "ASC"],
  ],
  GEOSEARCHSTORE: [["GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "m", "BYRADIUS", "1", "km"]],
  MIGRATE: [
    ["MIGRATE", "h", "1", "k", "0", "100"],
    ["MIGRATE", "h", "1", "", "0", "100", "COPY", "REPLACE", "AUTH", "pw", "KEYS", "a", "b"],
    ["MIGRATE", "h", "1", "", "0", "100", "AUTH2", "KEYS", "pw", "KEYS", "a"],
    ["MIGRATE", "h", "1", "k", "0", "100", "AUTH", "KEYS"],
  ],
  SORT: [
    ["SORT", "k"],
    ["SORT", "k", "BY", "w_*", "LIMIT", "0", "10", "GET", "o_*", "GET", "#", "DESC", "ALPHA"],
    ["SORT", "k", "BY", "w_*", "GET", "#", "STORE", "d"],
    ["sort", "k", "store", "d1", "ALPHA", "STORE", "d2"],
  ],
  SORT_RO: [["SORT_RO", "k", "BY", "w_*", "GET", "#", "LIMIT", "0", "1"]],
  BLPOP: [["BLPOP", "a", "b", "0"]],
  BRPOP: [["BRPOP", "a", "1.5"]],
  BZPOPMIN: [["BZPOPMIN", "a", "b", "c", "0"]],
  MSET: [["MSET", "a", "1", "b", "2", "c", "3"]],
  MSETNX: [["MSETNX", "a", "1", "b", "2"]],
  BITOP: [["BITOP", "AND", "d", "a", "b"], ["BITOP", "NOT", "d", "a"]],
  LMOVE: [["LMOVE", "a", "b", "LEFT", "RIGHT"]],
  "OBJECT FREQ": [["OBJECT", "FREQ", "k"], ["object", "freq", "k"]],
  "OBJECT ENCODING": [["OBJECT", "ENCODING", "k"]],
  "XGROUP CREATE": [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]],
  "XINFO STREAM": [["XINFO", "STREAM", "s", "FULL", "COUNT", "5"]],
  "MEMORY USAGE": [["MEMORY", "USAGE", "k", "SAMPLES", "5"]],
  WAITAOF: [["WAITAOF", "1", "0", "100"]],
  HEXPIRE: [["HEXPIRE", "h", "10", "NX", "FIELDS", "2", "a", "b"]],
  HPEXPIRE: [["HPEXPIRE", "h", "10", "FIELDS", "1", "a"]],
  HEXPIREAT: [["HEXPIREAT", "h", "1700000000", "GT", "FIELDS", "1", "a"]],
  HPEXPIREAT: [["HPEXPIREAT", "h", "1700000000000", "FIELDS", "1", "a"]],
  HTTL: [["HTTL", "h", "FIELDS", "1", "a"]],
  HPTTL: [["HPTTL", "h", "FIELDS", "2", "a", "b"]],
  HEXPIRETIME: [["HEXPIRETIME", "h", "FIELDS", "1", "a"]],
  HPEXPIRETIME: [["HPEXPIRETIME", "h", "FIELDS", "1", "a"]],
  HPERSIST: [["HPERSIST", "h", "FIELDS", "1", "a"]],
};

interface DocArgument {
  type: string;
  token?: string;
  optional: boolean;
  multiple: boolean;
  children: DocArgument[];
}

function list(reply: Reply | undefined): Reply[] {
  if (reply instanceof Set) return [...reply];
  return Array.isArray(reply) ? reply : [];
}

function record(reply: Reply | undefined): Map<string, Reply> {
  if (reply instanceof Map) return reply as Map<string, Reply>;
  const items = list(reply);
  const out = new Map<string, Reply>();
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(items[i]), items[i + 1]!);
  return out;
}

function docArgument(reply: Reply): DocArgument {
  const arg = record(reply);
  const flags = list(arg.get("flags")).map(String);
  const token = arg.get("token");
  return {
    type: String(arg.get("type")),
    ...(token === undefined ? {} : { token: String(token) }),
    optional: flags.includes("optional"),
    multiple: flags.includes("multiple"),
    children: list(arg.get("arguments")).map(docArgument),
  };
}

/**
 * Reads `COMMAND DOCS` into argument trees by table name (`"GET"`, `"OBJECT FREQ"`).
 *
 * @param docs The reply of `COMMAND DOCS`, RESP2 or RESP3.
 * @returns Each command's top-level arguments.
 */
export function docArguments(docs: Reply): Map<string, DocArgument[]> {
  const out = new Map<string, DocArgument[]>();
  const visit = (all: Reply | undefined) => {
    for (const [name, doc] of record(all)) {
      const fields = record(doc);
      out.set(name.replace("|", " ").toUpperCase(), list(fields.get("arguments")).map(docArgument));
      visit(fields.get("subcommands"));
    }
  };
  visit(docs);
  return out;
}

const VALUES: Record<string, string> = {
  string: "s",
  pattern: "p*",
  integer: "1",
  double: "1.5",
  "unix-time": "1700000000",
};

/**
 * Builds one argument list from a command's documented arguments: only the
 * required ones, or every optional one too with each repeatable one twice.
 * Keys are named k1, k2, ...; every oneof takes its first choice, or its
 * last with `last`.
 *
 * @param name The table name, such as `"OBJECT FREQ"`.
 * @param args The command's documented arguments.
 * @param options `full` to include the optional arguments, `last` for the last choices.
 * @returns The argument list, starting with the command name.
 */
export function sampleFromDocs(
  name: string,
  args: DocArgument[],
  options: { full: boolean; last?: boolean },
): string[] {
  const full = options.full;
  const out = name.split(" ");
  let keys = 0;
  const emit = (arg: DocArgument): void => {
    if (arg.token !== undefined) out.push(arg.token);
    if (arg.type === "pure-token") return;
    if (arg.type === "oneof") {
      return emit(arg.children[options.last ? arg.children.length - 1 : 0]!);
    }
    if (arg.type === "block") return arg.children.forEach(visit);
    out.push(arg.type === "key" ? `k${++keys}` : VALUES[arg.type] ?? "s");
  };
  const visit = (arg: DocArgument): void => {
    if (arg.optional && !full) return;
    emit(arg);
    if (arg.multiple && full) emit(arg);
  };
  args.forEach(visit);
  return out;
}
