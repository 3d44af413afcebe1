/**
 * What one invocation of a command does to the connection it runs on:
 * whether it may block, whether it only reads.
 *
 * @module
 */
import { blockingTime } from "../connection/mod.ts";
import type { RedisArgument } from "../protocol/mod.ts";
import { commandFlagBit, lookupCommand } from "./lookup.ts";

// Pure, so a bundle without isReadOnlyCommand (a browser's) drops it and the flag names.
const READONLY = /* @__PURE__ */ commandFlagBit("readonly");

/**
 * Whether this invocation can block the connection: a command the table
 * flags `blocking` (BLPOP, BLMOVE, BZMPOP, ..., and WAIT / WAITAOF, which
 * the table adds), except XREAD and XREADGROUP without BLOCK. The
 * generator writes the blocking commands' timeout positions next to the
 * connection (which extends their deadline) from the same flag, so this
 * asks those: most commands are told apart by their first letter, with no
 * lookup at all.
 *
 * @param args The command name (any case) followed by its arguments.
 * @returns True when the call needs a connection of its own.
 */
export function isBlockingCall(args: readonly RedisArgument[]): boolean {
  return blockingTime(args) !== undefined;
}

/**
 * Whether the command only reads, by the table's `readonly` flag: what a
 * replica may serve.
 *
 * @param args The command name (any case) followed by its arguments; a
 *   container's subcommand (`["OBJECT", "FREQ", k]`) is looked up too.
 * @returns True for a read-only command; false for others and unknown ones.
 */
export function isReadOnlyCommand(args: readonly RedisArgument[]): boolean {
  const command = lookupCommand(args);
  return command !== undefined && (command.flags & READONLY) !== 0;
}
