/**
 * The command table: every command of redis-server 7.0 as the server
 * describes itself (`COMMAND INFO`, `COMMAND DOCS`), plus the commands 7.2
 * and 7.4 added (WAITAOF, CLIENT SETINFO / NO-TOUCH, the HEXPIRE family),
 * each with its arity, flags, key specs, routing policies and `since`.
 * Internal: the client, the cluster and tracing read it; nothing here does
 * I/O.
 *
 * The table is generated: `deno task gen:commands` starts a throwaway
 * redis-server, reads both replies and writes `_table.ts` (and the blocking
 * commands' timeout positions into src/connection, which sits below this
 * layer); scripts/commands_added.ts holds the hand-written newer commands
 * and the one deliberate difference from the server (WAIT and WAITAOF are
 * flagged `blocking`). Rows stay compact (flags as bitmasks over the named
 * flag tables) and are decoded into {@linkcode CommandSpec}s on the first
 * lookup; lookups are one `Map.get` for an uppercase name.
 *
 * Key positions follow the key specs the way the server reads them:
 * - begin search: a fixed index, or the argument after a keyword searched
 *   from an index (XREAD/XREADGROUP STREAMS, GEORADIUS STORE/STOREDIST),
 *   backwards when the index is negative;
 * - find keys: a range (last key relative to the first, negative from the
 *   end, a limit N taking 1/N of what is left, as STREAMS' keys then IDs)
 *   or a key count read from an argument (EVAL/EVALSHA/FCALL/FCALL_RO
 *   numkeys, ZUNION/ZINTER/ZDIFF and their STORE forms, SINTERCARD,
 *   ZINTERCARD, LMPOP/BLMPOP/ZMPOP/BZMPOP);
 * - subcommands have their own specs (OBJECT FREQ key, XGROUP CREATE key);
 * - SORT, SORT_RO and MIGRATE, whose specs the server marks unknown or
 *   incomplete, have a rule each: SORT gives its key and STORE destination
 *   but never its BY/GET patterns (keys named by the sorted values, which
 *   no client can know beforehand); MIGRATE its key or its KEYS list;
 * - shard channels (SPUBLISH, SSUBSCRIBE) are `not_key` specs, left out
 *   unless asked for.
 * `tests/commands_table.test.ts` checks every keyed command against the
 * server's `COMMAND GETKEYS`, and the table against the server's list.
 *
 * @example
 * ```ts
 * import { isBlockingCall, keyPositions, lookupCommand } from "./mod.ts";
 *
 * lookupCommand(["client", "list"])?.name; // "CLIENT LIST"
 * keyPositions(["EVAL", "return 1", 2, "a", "b", "x"]); // [3, 4]
 * isBlockingCall(["XREAD", "STREAMS", "s", "$"]); // false: no BLOCK
 * ```
 *
 * @module
 */
export { TABLE_SOURCE } from "./_table.ts";
export type {
  BeginSearch,
  CommandFlag,
  CommandSpec,
  FindKeys,
  KeySpec,
  KeySpecFlag,
  RequestPolicy,
  ResponsePolicy,
} from "./command_spec.ts";
export {
  allCommands,
  commandFlagBit,
  commandFlags,
  hasFlag,
  keySpecFlagBit,
  keySpecFlags,
  lookupCommand,
} from "./lookup.ts";
export { keyPositions } from "./key_positions.ts";
export type { KeyPositionOptions } from "./key_positions.ts";
export { isBlockingCall, isReadOnlyCommand } from "./call_flags.ts";
