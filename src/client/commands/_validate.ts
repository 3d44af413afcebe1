/**
 * Argument checks run before a command is queued, so a caller mistake
 * rejects that one call with a TypeError and never reaches the wire. They
 * cost a `typeof` per argument on the hot path.
 */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { Reply } from "../../protocol/mod.ts";
import { text } from "./_transforms.ts";

/** Commands whose second word is a subcommand; used to name the command in messages. */
const CONTAINERS = new Set([
  "ACL",
  "CLIENT",
  "CLUSTER",
  "COMMAND",
  "CONFIG",
  "FUNCTION",
  "LATENCY",
  "MEMORY",
  "MODULE",
  "OBJECT",
  "PUBSUB",
  "SCRIPT",
  "SLOWLOG",
  "XGROUP",
  "XINFO",
]); // deno-fmt-ignore

/** "GET", or "CLIENT KILL" for a container command. */
export function commandName(args: readonly RedisArgument[]): string {
  const name = text(args[0] as Reply).toUpperCase();
  return CONTAINERS.has(name) && args.length > 1 ? `${name} ${text(args[1] as Reply)}` : name;
}

/** A command's name for messages: given, or read from its arguments. */
function nameOf(command: string | readonly RedisArgument[]): string {
  return typeof command === "string" ? command : commandName(command);
}

/** What a wrong value is, for messages; never the value itself. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

/**
 * Throws a TypeError unless every argument is a string, a finite number, a
 * bigint or a Uint8Array.
 *
 * @param args The command and its arguments.
 */
export function checkArguments(args: readonly RedisArgument[]): void {
  if (!Array.isArray(args)) {
    throw new TypeError(
      `sendCommand takes an array: sendCommand(["PING"]), not ${describeValue(args)}`,
    );
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === "string" || typeof arg === "number" && Number.isFinite(arg)) continue;
    if (arg instanceof Uint8Array || typeof arg === "bigint") continue;
    // A method that found a mistake while building its arguments left it here.
    if ((arg as unknown) instanceof TypeError) throw arg;
    throw badArgument(args, i);
  }
}

/**
 * Arguments that make `checkArguments` throw `error`: how a method reports a
 * mistake found while building its arguments, so that the front end decides
 * (the client rejects that call, a pipeline throws at queue time).
 */
export function invalid(error: TypeError): RedisArgument[] {
  return [error as unknown as RedisArgument];
}

function badArgument(args: readonly RedisArgument[], index: number): TypeError {
  const value = args[index];
  const hint = typeof value === "number"
    ? 'pass a finite number (or "+inf" / "-inf" where the command takes them)'
    : "pass a string, number, bigint or Uint8Array";
  const name = index === 0 ? "sendCommand" : commandName(args);
  return new TypeError(`${name}: argument ${index} is ${describeValue(value)}; ${hint}`);
}

/**
 * Throws a TypeError unless `options` is a plain object whose keys are all
 * in `known`; `form` shows the right call in the message, which
 * names `command` (or the command of these arguments).
 */
export function checkOptions(
  command: string | readonly RedisArgument[],
  options: unknown,
  known: Readonly<Record<string, unknown>>,
  form: string,
): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `${nameOf(command)}: options must be an object such as ${form}, not ${
        describeValue(options)
      }`,
    );
  }
  for (const key in options) {
    if (!(key in known)) throw unknownOption(nameOf(command), key, Object.keys(known), true);
  }
}

/**
 * The TypeError for an option no caller takes: it names the closest known
 * option, or else (if `listKnown`) every known one.
 *
 * @param caller What the message names, such as `"SET"` or `"new Redis()"`.
 * @param key The unknown option.
 * @param names Every option the caller takes.
 * @param listKnown Whether to list them when none is close.
 * @returns The error.
 */
export function unknownOption(
  caller: string,
  key: string,
  names: readonly string[],
  listKnown: boolean,
): TypeError {
  const near = closestName(key, names);
  const advice = near !== undefined
    ? `; did you mean "${near}"?`
    : listKnown
    ? `; known: ${names.join(", ")}`
    : "";
  return new TypeError(`${caller}: unknown option "${key}"${advice}`);
}

/** Throws a TypeError unless `value` is an array (methods that take a list). */
export function checkArray(command: string, name: string, value: unknown, form: string): void {
  if (!Array.isArray(value)) {
    throw new TypeError(`${command}: ${name} must be an array, as in ${form}`);
  }
}

/** The known name nearest to `name` (edit distance at most 2), if any. */
function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}
