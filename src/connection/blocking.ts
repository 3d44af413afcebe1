/**
 * Which commands block the server side, and for how long they may wait.
 *
 * @module
 */
import { decodeText, type RedisArgument } from "../protocol/mod.ts";
import { BLOCKING_TIMEOUTS } from "./_blocking_commands.ts";

/**
 * 1 at the char codes (either case) that start a blocking command: every
 * other command is told apart by one array read.
 */
const FIRST_LETTERS = new Uint8Array(128);
for (const name of BLOCKING_TIMEOUTS.keys()) {
  FIRST_LETTERS[name.charCodeAt(0)] = 1;
  FIRST_LETTERS[name.toLowerCase().charCodeAt(0)] = 1;
}

function text(arg: RedisArgument | undefined): string {
  if (arg === undefined) return "";
  return typeof arg === "string"
    ? arg
    : arg instanceof Uint8Array
    ? decodeText(arg, 0, arg.length)
    : String(arg);
}

function ruleOf(first: RedisArgument | undefined): readonly [number | string, number] | undefined {
  if (typeof first !== "string") return BLOCKING_TIMEOUTS.get(text(first).toUpperCase());
  return BLOCKING_TIMEOUTS.get(first) ?? BLOCKING_TIMEOUTS.get(first.toUpperCase());
}

/**
 * How long a command may legitimately block on the server, in ms:
 * `undefined` when it does not block, `Infinity` when it may block forever.
 * The connection extends its reply deadline by this much, and the client
 * gives such commands a dedicated connection. Which commands block, and
 * where their timeout is, comes from the command table
 * (src/connection/_blocking_commands.ts is generated with it); XREAD and
 * XREADGROUP block only with BLOCK.
 *
 * @param args The command and its arguments.
 * @returns The blocking time in ms, `Infinity`, or `undefined`.
 */
export function blockingTime(args: readonly RedisArgument[]): number | undefined {
  const first = args[0];
  // Hot path: every command passes here, and few start like a blocking one.
  if (typeof first === "string" && FIRST_LETTERS[first.charCodeAt(0)] !== 1) return undefined;
  const rule = ruleOf(first);
  if (rule === undefined) return undefined;
  const [at, unitMs] = rule;
  let timeout: RedisArgument | undefined;
  if (typeof at === "number") {
    timeout = args[at < 0 ? args.length + at : at];
  } else {
    const keyword = args.findIndex((arg, i) => i > 0 && text(arg).toUpperCase() === at);
    if (keyword < 0) return undefined;
    timeout = args[keyword + 1];
  }
  // 0 (and anything the server would not read as a positive time) waits forever.
  const value = Number(text(timeout));
  return value > 0 ? value * unitMs : Infinity;
}

/**
 * How much a blocking command's reply may take beyond the socket timeout: its
 * own timeout plus the server's timer resolution, since a blocked client's
 * timeout is noticed by the server's cron, every 1000 / hz ms (100 ms at the
 * default hz 10), so a BLPOP of 0.4 s can answer after 0.5 s.
 */
export const SERVER_TIMER_SLACK = 100;

/**
 * The deadline extension of a blocking command: {@linkcode blockingTime} plus
 * {@linkcode SERVER_TIMER_SLACK}; 0 for any other command, `Infinity` for
 * one that waits forever.
 *
 * @param args The command and its arguments.
 * @returns Milliseconds to add to the socket timeout.
 */
export function blockingAllowance(args: readonly RedisArgument[]): number {
  const time = blockingTime(args);
  return time === undefined ? 0 : time + SERVER_TIMER_SLACK;
}
