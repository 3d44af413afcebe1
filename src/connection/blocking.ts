/**
 * Which commands block the server side, and for how long they may wait.
 *
 * @module
 */
import type { RedisArgument } from "../protocol/mod.ts";

/** Commands whose last argument is a timeout in seconds (0 = forever). */
const LAST_ARG_SECONDS = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BZPOPMIN",
  "BZPOPMAX",
]);
/** Commands whose first argument is a timeout in seconds. */
const FIRST_ARG_SECONDS = new Set(["BLMPOP", "BZMPOP"]);

function text(arg: RedisArgument | undefined): string {
  if (arg === undefined) return "";
  return typeof arg === "string"
    ? arg
    : arg instanceof Uint8Array
    ? new TextDecoder().decode(arg)
    : String(arg);
}

function seconds(arg: RedisArgument | undefined): number {
  const value = Number(text(arg));
  return Number.isFinite(value) && value > 0 ? value * 1000 : Infinity;
}

/**
 * How long a command may legitimately block on the server, in ms:
 * `undefined` when it does not block, `Infinity` when it may block forever.
 * The connection extends its reply deadline by this much, and the client
 * gives such commands a dedicated connection.
 *
 * @param args The command and its arguments.
 * @returns The blocking time in ms, `Infinity`, or `undefined`.
 */
export function blockingTime(args: readonly RedisArgument[]): number | undefined {
  const first = args[0];
  // Hot path: every command passes here; only B..., W... and X... commands can block.
  if (typeof first === "string") {
    const c = first.charCodeAt(0) | 0x20;
    if (c !== 0x62 && c !== 0x77 && c !== 0x78) return undefined;
  }
  const name = text(first).toUpperCase();
  if (name.length < 4) return undefined;
  if (LAST_ARG_SECONDS.has(name)) return seconds(args[args.length - 1]);
  if (FIRST_ARG_SECONDS.has(name)) return seconds(args[1]);
  if (name === "WAIT" || name === "WAITAOF") {
    const ms = Number(text(args[args.length - 1]));
    return ms > 0 ? ms : Infinity;
  }
  if (name === "XREAD" || name === "XREADGROUP") {
    const at = args.findIndex((arg) => text(arg).toUpperCase() === "BLOCK");
    if (at < 0) return undefined;
    const ms = Number(text(args[at + 1]));
    return ms > 0 ? ms : Infinity;
  }
  return undefined;
}
