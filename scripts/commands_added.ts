/**
 * Commands newer than the redis-server 7.0 that `deno task gen:commands`
 * reads, written by hand from their documented syntax, and the few places
 * where the table deliberately differs from the server's output. The
 * generator merges both into src/commands/_table.ts; nothing here is
 * loaded at run time.
 *
 * @module
 */

/** A key spec as `COMMAND INFO` describes it (begin_search, find_keys, flags). */
export interface AddedKeySpec {
  /** Key spec flags, such as `["RW", "update"]`. */
  flags: string[];
  /** begin_search: `{ index }` or `{ keyword, startfrom }`. */
  begin: { index: number } | { keyword: string; startfrom: number };
  /** find_keys: `{ lastkey, keystep, limit }` or `{ keynumidx, firstkey, keystep }`. */
  find:
    | { lastkey: number; keystep: number; limit: number }
    | { keynumidx: number; firstkey: number; keystep: number };
}

/** One command (or `container|subcommand`) as `COMMAND INFO` and `COMMAND DOCS` would give it. */
export interface AddedCommand {
  /** Lowercase, `container|sub` for a subcommand, as the server names it. */
  name: string;
  /** Arity: positive is exact, negative is a minimum, both counting the name. */
  arity: number;
  /** Command flags, such as `["write", "fast"]`. */
  flags: string[];
  /** The version that added the command. */
  since: string;
  /** Key specs, in the server's order. */
  keySpecs?: AddedKeySpec[];
  /** Tips such as `request_policy:all_shards`. */
  tips?: string[];
  /** Top-level arguments (name, type, token) as `COMMAND DOCS` gives them, for blocking commands. */
  arguments?: { name: string; type: string; token?: string }[];
}

const HASH_FIELDS: AddedKeySpec = {
  flags: ["RW", "update"],
  begin: { index: 1 },
  find: { lastkey: 0, keystep: 1, limit: 0 },
};
const HASH_FIELDS_READ: AddedKeySpec = { ...HASH_FIELDS, flags: ["RO", "access"] };

function hashTtl(name: string, write: boolean): AddedCommand {
  // HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field...; HTTL key FIELDS numfields field...
  const set = ["hexpire", "hpexpire", "hexpireat", "hpexpireat"].includes(name);
  return {
    name,
    arity: set ? -6 : -5,
    flags: !write
      ? ["readonly", "fast"]
      : name === "hpersist"
      ? ["write", "fast"]
      : ["write", "denyoom", "fast"],
    since: "7.4.0",
    keySpecs: [write ? HASH_FIELDS : HASH_FIELDS_READ],
  };
}

/** Commands added after 7.0, merged into the table. */
export const ADDED_COMMANDS: readonly AddedCommand[] = [
  {
    name: "waitaof",
    arity: 4,
    flags: ["noscript"],
    since: "7.2.0",
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    arguments: [
      { name: "numlocal", type: "integer" },
      { name: "numreplicas", type: "integer" },
      { name: "timeout", type: "integer" },
    ],
  },
  {
    name: "client|setinfo",
    arity: 4,
    flags: ["noscript", "loading", "stale"],
    since: "7.2.0",
  },
  {
    name: "client|no-touch",
    arity: 3,
    flags: ["noscript", "loading", "stale"],
    since: "7.2.0",
  },
  hashTtl("hexpire", true),
  hashTtl("hpexpire", true),
  hashTtl("hexpireat", true),
  hashTtl("hpexpireat", true),
  hashTtl("httl", false),
  hashTtl("hpttl", false),
  hashTtl("hexpiretime", false),
  hashTtl("hpexpiretime", false),
  hashTtl("hpersist", true),
];

/**
 * Flags the table adds to the server's: WAIT (and WAITAOF) hold the caller
 * until replicas answer or the timeout passes, yet the server flags only
 * commands that wait for keys as `blocking`. The dispatcher must give them
 * a connection of their own and the connection must extend their deadline,
 * so the table marks them blocking too.
 */
export const ADDED_FLAGS: Readonly<Record<string, readonly string[]>> = {
  wait: ["blocking"],
  waitaof: ["blocking"],
};
