/**
 * Where the keys of an argument list are, read from the table's key specs
 * the way the server reads them, plus the three commands whose key specs
 * the server itself marks unknown or incomplete.
 *
 * @module
 */
import type { RedisArgument } from "../protocol/mod.ts";
import type { FindKeys, KeySpec } from "./command_spec.ts";
import { keySpecFlagBit, lookupCommand } from "./lookup.ts";

/** Options of {@linkcode keyPositions}. */
export interface KeyPositionOptions {
  /**
   * Also return the arguments of key specs flagged `not_key`: the shard
   * channels of SPUBLISH, SSUBSCRIBE and SUNSUBSCRIBE hash to a slot like
   * keys, but are not keys, so `COMMAND GETKEYS` leaves them out.
   * @default false
   */
  notKeys?: boolean;
}

const NOT_KEY = keySpecFlagBit("not_key");
const INCOMPLETE = keySpecFlagBit("incomplete");
const UTF8 = new TextDecoder();
const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

function upper(arg: RedisArgument | undefined): string {
  if (typeof arg === "string") return arg.toUpperCase();
  return arg instanceof Uint8Array ? UTF8.decode(arg).toUpperCase() : "";
}

function count(arg: RedisArgument | undefined): number {
  if (typeof arg === "number") return arg;
  if (typeof arg === "bigint") return Number(arg);
  const text = arg instanceof Uint8Array ? UTF8.decode(arg) : arg ?? "";
  return INTEGER.test(text) ? Number(text) : NaN;
}

function range(first: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - first) }, (_, i) => first + i);
}

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 * [ALPHA] [STORE destination]: the server marks the BY/GET and STORE specs
 * unknown, since STORE may appear anywhere and BY/GET patterns name keys
 * only through the sorted values. Patterns are therefore not returned (a
 * cluster cannot route them either); the last STORE's destination is.
 */
function sortKeys(args: readonly RedisArgument[]): number[] {
  let store = 0;
  for (let i = 2; i < args.length; i++) {
    const word = upper(args[i]);
    if (word === "LIMIT") i += 2;
    else if (word === "BY" || word === "GET") i += 1;
    else if (word === "STORE" && i + 1 < args.length) store = ++i;
  }
  return store === 0 ? [1] : [1, store];
}

/**
 * MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH password |
 * AUTH2 username password] [KEYS key ...]: the server marks the KEYS spec
 * incomplete (a password could read "KEYS"), so options are skipped here
 * with their values. With KEYS, the key argument must be empty and is not
 * a key; the server refuses the command otherwise, and so no key is named.
 */
function migrateKeys(args: readonly RedisArgument[]): number[] {
  for (let i = 6; i < args.length; i++) {
    const word = upper(args[i]);
    if (word === "AUTH") i += 1;
    else if (word === "AUTH2") i += 2;
    else if (word === "KEYS") return upper(args[3]) === "" ? range(i + 1, args.length) : [];
  }
  return args.length > 3 ? [3] : [];
}

/** Commands whose keys their key specs cannot find, by table name. */
export const KEY_RULES: ReadonlyMap<string, (args: readonly RedisArgument[]) => number[]> = new Map(
  [
    ["SORT", sortKeys],
    ["SORT_RO", (args: readonly RedisArgument[]) => args.length > 1 ? [1] : []],
    ["MIGRATE", migrateKeys],
  ],
);

/** The argument after `keyword`, searched forward from startFrom or backward from the end; 0 when absent. */
function afterKeyword(args: readonly RedisArgument[], keyword: string, startFrom: number): number {
  if (startFrom > 0) {
    // The last argument cannot open a key list, so the forward search stops before it.
    for (let i = startFrom; i < args.length - 1; i++) if (upper(args[i]) === keyword) return i + 1;
  } else {
    for (let i = args.length + startFrom; i >= 1; i--) if (upper(args[i]) === keyword) return i + 1;
  }
  return 0;
}

/** The last key's index for a first key at `first`; NaN when the count argument is not a count. */
function lastKey(
  find: Exclude<FindKeys, { kind: "unknown" }>,
  args: readonly RedisArgument[],
  first: number,
): number {
  if (find.kind === "keynum") {
    return first + find.firstKey + count(args[first + find.keyNumIndex]) - 1;
  }
  if (find.lastKey >= 0) return first + find.lastKey;
  // A limit of N takes 1/N of the arguments left: XREAD STREAMS k1 k2 id1 id2.
  if (find.limit > 1) return first + Math.trunc((args.length - first) / find.limit) + find.lastKey;
  return args.length + find.lastKey;
}

/** Adds one key spec's keys to `out`; false when the arguments do not fit the spec. */
function addKeys(spec: KeySpec, args: readonly RedisArgument[], out: number[]): boolean {
  const begin = spec.begin;
  const find = spec.find;
  if (begin.kind === "unknown" || find.kind === "unknown") return true;
  const at = begin.kind === "index"
    ? begin.index
    : afterKeyword(args, begin.keyword, begin.startFrom);
  // An optional keyword that is absent (GEORADIUS without STORE) names no key.
  if (at === 0) return true;
  const last = lastKey(find, args, at);
  const first = find.kind === "keynum" ? at + find.firstKey : at;
  if (!(last >= first) || last >= args.length) return false;
  // The generator refuses a step below 1; the guard keeps a bad table from looping forever.
  const step = find.keyStep > 0 ? find.keyStep : 1;
  for (let i = first; i <= last; i += step) out.push(i);
  return true;
}

/**
 * The indexes into `args` of every key, in key spec order: what
 * `COMMAND GETKEYS` answers, without asking the server.
 *
 * Key specs are read as the server reads them: a fixed index or the
 * argument after a keyword (XREAD/XREADGROUP STREAMS, GEORADIUS STORE /
 * STOREDIST), then a range (MSET's every other argument, the STREAMS
 * list halved) or a count read from an argument (EVAL/EVALSHA/FCALL
 * numkeys, ZUNION/ZINTER/ZDIFF(STORE), SINTERCARD, LMPOP/BLMPOP/ZMPOP/
 * BZMPOP). SORT returns its key and STORE destination, never its BY/GET
 * patterns; MIGRATE its key or its KEYS list. Arguments that do not fit a
 * spec (a numkeys larger than the keys given) give no keys at all, as the
 * server refuses such a command.
 *
 * @param args The command name (any case) followed by its arguments.
 * @param options `notKeys` to include shard channels.
 * @returns The key indexes; empty for a keyless or unknown command.
 */
export function keyPositions(
  args: readonly RedisArgument[],
  options?: KeyPositionOptions,
): number[] {
  const command = lookupCommand(args);
  if (command === undefined) return [];
  const specs = command.keySpecs;
  const out: number[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    // Only SORT, SORT_RO and MIGRATE get here; every other command skips the rule lookup.
    if (spec.begin.kind === "unknown" || (spec.flags & INCOMPLETE) !== 0) {
      const rule = KEY_RULES.get(command.name);
      if (rule !== undefined) return rule(args);
    }
    if ((spec.flags & NOT_KEY) !== 0 && options?.notKeys !== true) continue;
    if (!addKeys(spec, args, out)) return [];
  }
  return out;
}
