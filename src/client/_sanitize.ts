/**
 * What a trace may show of a command: its name (with the subcommand of a
 * container, from the command table) and its keys, every other argument
 * replaced by `"?"`. The npm build for the runtimes that reach Redis only
 * through the WebSocket bridge (which have no diagnostics channel, so they
 * never trace) swaps its only user, `_trace.ts`, for a twin that needs no
 * table (scripts/twins/trace_web.ts).
 *
 * @module
 */
import { keyPositions, lookupCommand } from "../commands/mod.ts";
import type { RedisArgument } from "../protocol/mod.ts";

const decoder = new TextDecoder();

/** Commands whose arguments are credentials or settings: only their name is kept. */
const SECRET = new Set(["AUTH", "HELLO", "ACL", "CONFIG", "MIGRATE"]);

function word(arg: RedisArgument | undefined): string {
  if (arg === undefined) return "";
  return typeof arg === "string"
    ? arg
    : arg instanceof Uint8Array
    ? decoder.decode(arg)
    : String(arg);
}

/**
 * The command name (with its subcommand for containers) and the arguments
 * with every non-key replaced by `"?"`. Values, passwords and the arguments
 * of AUTH, HELLO, ACL, CONFIG and MIGRATE never appear.
 *
 * @param args The command as sent.
 * @returns The name, as `"GET"` or `"CLIENT LIST"`, and the sanitized arguments.
 */
export function sanitizeCommand(
  args: readonly RedisArgument[],
): { command: string; args: string[] } {
  const name = word(args[0]).toUpperCase();
  // The table names a container's subcommand too: "CLIENT LIST".
  const command = lookupCommand(args)?.name ?? name;
  const out = command.split(" ");
  const named = out.length;
  const keys = new Set(SECRET.has(name) ? [] : keyPositions(args));
  for (let i = named; i < args.length; i++) {
    out.push(keys.has(i) ? word(args[i]) : "?");
  }
  return { command, args: out };
}
