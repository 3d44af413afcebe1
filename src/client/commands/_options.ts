/** Turns an options object into command tokens, checking its keys on the way. */
import type { RedisArgument } from "../../protocol/mod.ts";
import { checkOptions, invalid } from "./_validate.ts";

/**
 * Option name -> command token, in the order the command wants them:
 * `true` for the option's name in upper case (`{ nx: true }` sends `NX`),
 * a string for any other token (`""`: the value alone). An option set to
 * `true` adds the token; a number or string adds the token and the value;
 * an array adds the token and each value; `false` / `undefined` add nothing.
 */
export type OptionTokens = Readonly<Record<string, string | boolean>>;

/**
 * Appends `options` to `args` as tokens per `spec`; a TypeError names the
 * command and an unknown option or a non-object, with `form` showing the
 * right call.
 *
 * @param command The command's name for the message, when `args` does not
 *   start with it (as `commandName` reads it: `"CLIENT KILL"` from
 *   `["CLIENT", "KILL", ...]`).
 * @returns `args`, for chaining.
 */
export function withOptions(
  args: RedisArgument[],
  options: object | undefined,
  spec: OptionTokens,
  form: string,
  command: string | readonly RedisArgument[] = args,
): RedisArgument[] {
  if (options === undefined) return args;
  try {
    checkOptions(command, options, spec, form);
  } catch (error) {
    args.push(...invalid(error as TypeError));
    return args;
  }
  const values = options as Record<string, unknown>;
  for (const name in spec) {
    const value = values[name];
    if (value === undefined || value === false) continue;
    const given = spec[name];
    const token = typeof given === "string" ? given : name.toUpperCase();
    if (token !== "") args.push(token);
    if (value === true) continue;
    if (Array.isArray(value)) args.push(...(value as RedisArgument[]));
    else args.push(value as RedisArgument);
  }
  return args;
}

/** `args` with `value` appended when it is given: a command's optional last argument. */
export function withOptional(
  args: RedisArgument[],
  value: RedisArgument | undefined,
): RedisArgument[] {
  if (value !== undefined) args.push(value);
  return args;
}

/** A LIMIT offset count pair, as ZRANGE, SORT and GEOSEARCH take it. */
export interface Limit {
  /** How many to skip. */
  offset: number;
  /** How many to return. */
  count: number;
}

/** Pushes `LIMIT offset count` when `limit` is given. */
export function pushLimit(args: RedisArgument[], limit: Limit | undefined): RedisArgument[] {
  if (limit !== undefined) args.push("LIMIT", limit.offset, limit.count);
  return args;
}

/** Flattens `{ k: v }` or `[k, v][]` into `k v k v`, for MSET, HSET, XADD fields. */
export function flattenPairs(
  pairs:
    | Readonly<Record<string, RedisArgument>>
    | readonly (readonly [RedisArgument, RedisArgument])[],
  command: string,
): RedisArgument[] {
  if (pairs === null || typeof pairs !== "object") {
    return invalid(
      new TypeError(
        `${command}: pass the field-value pairs as an object ({ f1: "v1" }) or an array of [field, value]`,
      ),
    );
  }
  const flat: RedisArgument[] = [];
  if (Array.isArray(pairs)) {
    for (const [field, value] of pairs) flat.push(field, value);
  } else {
    for (const field in pairs) flat.push(field, (pairs as Record<string, RedisArgument>)[field]!);
  }
  return flat;
}

/**
 * `head` (the command, and what comes before its key count), the key count,
 * then the keys: as ZUNIONSTORE, LMPOP or SINTERCARD take them.
 */
export function keyList(
  head: string | RedisArgument[],
  keys: RedisArgument | readonly RedisArgument[],
): RedisArgument[] {
  const all = list(keys);
  return [...(typeof head === "string" ? [head] : head), all.length, ...all];
}

/** A list argument given as one value or an array, as a fresh array. */
export function list<T>(value: T | readonly T[]): T[] {
  return Array.isArray(value) ? [...value] : [value as T];
}
