/** Bitmap and HyperLogLog commands. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import {
  asIs,
  toBoolean,
  toNumber,
  toNumbersOrNull,
  toOk,
  toStatus,
  type Transform,
} from "./_transforms.ts";
import { StringCommands } from "./strings.ts";
import { invalid } from "./_validate.ts";

/**
 * A BITCOUNT / BITPOS range: byte offsets, or bit offsets with `unit: "BIT"`.
 *
 * @example
 * ```ts
 * import type { BitRange } from "@redwire/redis";
 *
 * const range: BitRange = { start: 0, end: -1, unit: "BIT" };
 * ```
 */
export interface BitRange {
  /** First offset (inclusive). */
  start: number;
  /** Last offset (inclusive); BITPOS may leave it out. */
  end?: number;
  /** "BYTE" (default) or "BIT". */
  unit?: "BYTE" | "BIT";
}

/**
 * One BITFIELD operation. Types are "i8", "u16", ...; offsets may be "#2".
 *
 * @example
 * ```ts
 * import type { BitFieldOperation } from "@redwire/redis";
 *
 * const ops: BitFieldOperation[] = [
 *   { overflow: "SAT" },
 *   { incrby: ["u8", 0, 10] },
 *   { get: ["u8", 0] },
 * ];
 * ```
 */
export type BitFieldOperation =
  | { get: [type: string, offset: number | string] }
  | { set: [type: string, offset: number | string, value: number] }
  | { incrby: [type: string, offset: number | string, increment: number] }
  | { overflow: "WRAP" | "SAT" | "FAIL" };

function bitFieldArgs(
  command: string,
  key: RedisKey,
  operations: readonly BitFieldOperation[],
): RedisArgument[] {
  const args: RedisArgument[] = [command, key];
  for (const op of operations) {
    if ("get" in op) args.push("GET", ...op.get);
    else if ("set" in op) args.push("SET", ...op.set);
    else if ("incrby" in op) args.push("INCRBY", ...op.incrby);
    else if ("overflow" in op) args.push("OVERFLOW", op.overflow);
    else {
      const form = `${command}: each operation is { get }, { set }, { incrby } or { overflow }`;
      return invalid(new TypeError(form));
    }
  }
  return args;
}

function rangeArgs(args: RedisArgument[], range: BitRange | undefined): RedisArgument[] {
  if (range === undefined) return args;
  args.push(range.start);
  if (range.end !== undefined) args.push(range.end);
  if (range.unit !== undefined) args.push(range.unit);
  return args;
}

/**
 * Bitmap and HyperLogLog commands (and everything before them).
 * @internal
 */
export abstract class BitmapCommands<K extends ResultKind, S, V extends Bulk = string>
  extends StringCommands<K, S, V> {
  /** BITCOUNT: how many bits are set, in the whole value or a range. */
  bitcount(key: RedisKey, range?: BitRange): Result<number, K, S> {
    return this.call(rangeArgs(["BITCOUNT", key], range), toNumber);
  }
  /** BITFIELD: one number (or null on OVERFLOW FAIL) per GET / SET / INCRBY. */
  bitfield(key: RedisKey, operations: BitFieldOperation[]): Result<(number | null)[], K, S> {
    return this.call(bitFieldArgs("BITFIELD", key, operations), toNumbersOrNull);
  }
  /** BITFIELD_RO: GET operations only, allowed on replicas. */
  bitfieldRo(key: RedisKey, gets: { get: [string, number | string] }[]): Result<number[], K, S> {
    return this.call(
      bitFieldArgs("BITFIELD_RO", key, gets),
      toNumbersOrNull as Transform<number[]>,
    );
  }
  /** BITOP AND / OR / XOR / NOT into `destination`: the result's length. */
  bitop(
    operation: "AND" | "OR" | "XOR" | "NOT",
    destination: RedisKey,
    keys: RedisKey[],
  ): Result<number, K, S> {
    return this.call(["BITOP", operation, destination, ...keys], toNumber);
  }
  /** BITPOS: the first bit set to `bit`, or -1. */
  bitpos(key: RedisKey, bit: 0 | 1, range?: BitRange): Result<number, K, S> {
    return this.call(rangeArgs(["BITPOS", key, bit], range), toNumber);
  }
  /** GETBIT: the bit at `offset`. */
  getbit(key: RedisKey, offset: number): Result<0 | 1, K, S> {
    return this.call(["GETBIT", key, offset], toNumber as Transform<0 | 1>);
  }
  /** SETBIT: the bit's previous value. */
  setbit(key: RedisKey, offset: number, value: 0 | 1): Result<0 | 1, K, S> {
    return this.call(["SETBIT", key, offset, value], toNumber as Transform<0 | 1>);
  }
  /** PFADD: true when the estimate changed. */
  pfadd(key: RedisKey, ...elements: RedisArgument[]): Result<boolean, K, S> {
    return this.call(["PFADD", key, ...elements], toBoolean);
  }
  /** PFCOUNT: the estimated cardinality of the union of the keys. */
  pfcount(...keys: RedisKey[]): Result<number, K, S> {
    return this.call(["PFCOUNT", ...keys], toNumber);
  }
  /** PFDEBUG (internal): a HyperLogLog's internals for `subcommand`. */
  pfdebug(subcommand: string, key: RedisKey): Result<unknown, K, S> {
    return this.call(["PFDEBUG", subcommand, key], asIs<unknown>);
  }
  /** PFMERGE sources into `destination`: true. */
  pfmerge(destination: RedisKey, ...sources: RedisKey[]): Result<boolean, K, S> {
    return this.call(["PFMERGE", destination, ...sources], toOk);
  }
  /** PFSELFTEST (internal): "OK" when the server's HyperLogLog passes. */
  pfselftest(): Result<string, K, S> {
    return this.call(["PFSELFTEST"], toStatus);
  }
}
