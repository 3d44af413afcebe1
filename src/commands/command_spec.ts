/**
 * The shape of one entry of the command table: what `lookupCommand` returns.
 *
 * @module
 */
import type { FLAG_NAMES, KEY_FLAG_NAMES, REQUEST_POLICIES, RESPONSE_POLICIES } from "./_table.ts";

/** A command flag as the server names it, such as `"readonly"`, `"blocking"` or `"noscript"`. */
export type CommandFlag = typeof FLAG_NAMES[number];

/** A key spec flag as the server names it, such as `"RW"`, `"access"` or `"not_key"`. */
export type KeySpecFlag = typeof KEY_FLAG_NAMES[number];

/** How a command is spread over a cluster's nodes, as the server names it (`"all_shards"`, ...). */
export type RequestPolicy = typeof REQUEST_POLICIES[number];

/** How the replies of a spread command become one, as the server names it (`"agg_sum"`, ...). */
export type ResponsePolicy = typeof RESPONSE_POLICIES[number];

/**
 * Where the search for a key spec's first key starts: a fixed argument
 * index, the argument after a keyword (searched from `startFrom`, backwards
 * from the end when negative), or unknown (SORT's BY, GET and STORE).
 */
export type BeginSearch =
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "keyword"; readonly keyword: string; readonly startFrom: number }
  | { readonly kind: "unknown" };

/**
 * Which arguments from the first key on are keys: a range (`lastKey`
 * relative to the first key, negative counts from the end; `limit` > 1
 * takes 1/limit of what is left, as XREAD STREAMS does), a count read from
 * an argument (`keyNumIndex` relative to the first key, as EVAL's numkeys),
 * or unknown.
 */
export type FindKeys =
  | {
    readonly kind: "range";
    readonly lastKey: number;
    readonly keyStep: number;
    readonly limit: number;
  }
  | {
    readonly kind: "keynum";
    readonly keyNumIndex: number;
    readonly firstKey: number;
    readonly keyStep: number;
  }
  | { readonly kind: "unknown" };

/** One key spec of a command, as `COMMAND INFO` describes it. */
export interface KeySpec {
  /** Bitmask over the key spec flag names (see `keySpecFlags`). */
  readonly flags: number;
  /** Where the search starts. */
  readonly begin: BeginSearch;
  /** Which arguments are keys once it has started. */
  readonly find: FindKeys;
}

/** One command or subcommand of the table. */
export interface CommandSpec {
  /** Uppercase, with the container for a subcommand: `"GET"`, `"CLIENT LIST"`. */
  readonly name: string;
  /** Argument count including the name (and the subcommand): exact when positive, a minimum when negative. */
  readonly arity: number;
  /** Bitmask over the command flag names (see `hasFlag`, `commandFlags`). */
  readonly flags: number;
  /** Where the keys are, in the server's order; empty for a keyless command. */
  readonly keySpecs: readonly KeySpec[];
  /** The `request_policy` tip as the server names it (`"all_shards"`, `"multi_shard"`, ...). */
  readonly requestPolicy: RequestPolicy | undefined;
  /** The `response_policy` tip as the server names it (`"agg_sum"`, `"all_succeeded"`, ...). */
  readonly responsePolicy: ResponsePolicy | undefined;
  /** The Redis version that added the command, such as `"6.2.0"`. */
  readonly since: string;
  /** A container's subcommands by uppercase name (`"LIST"` under CLIENT); undefined otherwise. */
  readonly subcommands: ReadonlyMap<string, CommandSpec> | undefined;
}
