/**
 * Finding a command in the table by its arguments, and reading its flags
 * by name.
 *
 * @module
 */
import type { RedisArgument } from "../protocol/mod.ts";
import type { CommandRow, KeySpecRow } from "./_rows.ts";
import { COMMAND_ROWS, FLAG_NAMES, KEY_FLAG_NAMES } from "./_table.ts";
import type {
  BeginSearch,
  CommandFlag,
  CommandSpec,
  FindKeys,
  KeySpec,
  KeySpecFlag,
  RequestPolicy,
  ResponsePolicy,
} from "./command_spec.ts";

// Marked pure so a bundle that uses no lookup (a browser's) drops them.
const UNKNOWN = /* @__PURE__ */ Object.freeze({ kind: "unknown" as const });
const NO_KEYS: readonly KeySpec[] = /* @__PURE__ */ Object.freeze([]);
const UTF8 = /* @__PURE__ */ new TextDecoder();

function decodeKeySpec(row: KeySpecRow): KeySpec {
  if (row.length === 1) return Object.freeze({ flags: row[0], begin: UNKNOWN, find: UNKNOWN });
  const [flags, at, startFrom, find, a, b, c] = row;
  // Specs are shared by every client in the process: frozen, so no caller can change another's.
  const begin: BeginSearch = Object.freeze(
    typeof at === "number"
      ? { kind: "index", index: at }
      : { kind: "keyword", keyword: at, startFrom },
  );
  const keys: FindKeys = Object.freeze(
    find === "r"
      ? { kind: "range", lastKey: a, keyStep: b, limit: c }
      : { kind: "keynum", keyNumIndex: a, firstKey: b, keyStep: c },
  );
  return Object.freeze({ flags, begin, find: keys });
}

/** One level of the table by name: rows until first read, then their decoded specs. */
type Entries = Map<string, CommandSpec | CommandRow>;

function decodeRow(row: CommandRow, container: string | undefined): CommandSpec {
  const [name, arity, flags, since, specs, policies, subs] = row;
  // The generator writes only names listed in REQUEST_POLICIES / RESPONSE_POLICIES.
  const [request, response] = (policies ? policies.split("/") : []) as [
    RequestPolicy?,
    ResponsePolicy?,
  ];
  const full = container === undefined ? name : `${container} ${name}`;
  return Object.freeze({
    name: full,
    arity,
    flags,
    keySpecs: specs ? Object.freeze(specs.map(decodeKeySpec)) : NO_KEYS,
    requestPolicy: request || undefined,
    responsePolicy: response || undefined,
    since,
    subcommands: subs === undefined ? undefined : new SpecMap(rowsByName(subs), full),
  });
}

function rowsByName(rows: readonly CommandRow[]): Entries {
  return new Map(rows.map((row) => [row[0], row]));
}

/**
 * One level of the table (the commands, or a container's subcommands) as a
 * read-only map; each row is decoded the first time it is read, so the
 * first command a client sends pays for one row, not for the whole table.
 */
class SpecMap implements ReadonlyMap<string, CommandSpec> {
  readonly #entries: Entries;
  readonly #container: string | undefined;
  constructor(entries: Entries, container: string | undefined) {
    this.#entries = entries;
    this.#container = container;
  }
  get size(): number {
    return this.#entries.size;
  }
  get(name: string): CommandSpec | undefined {
    const entry = this.#entries.get(name);
    if (entry === undefined || !Array.isArray(entry)) return entry as CommandSpec | undefined;
    const spec = decodeRow(entry as CommandRow, this.#container);
    this.#entries.set(name, spec);
    return spec;
  }
  has(name: string): boolean {
    return this.#entries.has(name);
  }
  *keys(): MapIterator<string> {
    yield* this.#entries.keys();
  }
  *values(): MapIterator<CommandSpec> {
    for (const name of this.#entries.keys()) yield this.get(name)!;
  }
  *entries(): MapIterator<[string, CommandSpec]> {
    for (const name of this.#entries.keys()) yield [name, this.get(name)!];
  }
  [Symbol.iterator](): MapIterator<[string, CommandSpec]> {
    return this.entries();
  }
  forEach(
    fn: (value: CommandSpec, key: string, map: ReadonlyMap<string, CommandSpec>) => void,
  ): void {
    for (const [name, spec] of this.entries()) fn(spec, name, this);
  }
}

// Built on first use, so loading the module costs only the array literal.
let commands: SpecMap | undefined;

function table(): SpecMap {
  return commands ??= new SpecMap(rowsByName(COMMAND_ROWS), undefined);
}

function find(map: ReadonlyMap<string, CommandSpec>, arg: RedisArgument): CommandSpec | undefined {
  // Typed methods send uppercase names: one Map lookup, no new string.
  if (typeof arg === "string") return map.get(arg) ?? map.get(arg.toUpperCase());
  if (arg instanceof Uint8Array) return map.get(UTF8.decode(arg).toUpperCase());
  return undefined;
}

/**
 * Finds the table entry of a command; a container (CLIENT, XGROUP, OBJECT,
 * CONFIG, ...) resolves its subcommand from `args[1]`.
 *
 * @param args The command name (any case) followed by its arguments.
 * @returns The command, or the subcommand of a container; the container
 *   itself when no subcommand is given; `undefined` for a command (or
 *   subcommand) the table does not know, such as a module's.
 */
export function lookupCommand(args: readonly RedisArgument[]): CommandSpec | undefined {
  const first = args[0];
  if (first === undefined) return undefined;
  const command = find(table(), first);
  const sub = args[1];
  if (command?.subcommands === undefined || sub === undefined) return command;
  return find(command.subcommands, sub);
}

/**
 * Every command of the table, subcommands after their container, in name order.
 *
 * @returns The commands.
 */
export function allCommands(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const command of table().values()) {
    out.push(command);
    if (command.subcommands) out.push(...command.subcommands.values());
  }
  return out;
}

/**
 * The bit of a command flag in {@linkcode CommandSpec.flags}.
 *
 * @param name The flag, as the server names it.
 * @returns The bit.
 */
export function commandFlagBit(name: CommandFlag): number {
  return 1 << FLAG_NAMES.indexOf(name);
}

/**
 * The bit of a key spec flag in {@linkcode KeySpec.flags}.
 *
 * @param name The flag, as the server names it.
 * @returns The bit.
 */
export function keySpecFlagBit(name: KeySpecFlag): number {
  return 1 << KEY_FLAG_NAMES.indexOf(name);
}

/**
 * Whether a command has a flag.
 *
 * @param spec The command.
 * @param name The flag, as the server names it (`"readonly"`, `"blocking"`, ...).
 * @returns True when the flag is set.
 */
export function hasFlag(spec: CommandSpec, name: CommandFlag): boolean {
  return (spec.flags & commandFlagBit(name)) !== 0;
}

/**
 * The names of a command's flags.
 *
 * @param spec The command.
 * @returns The flags, as the server names them, in table order.
 */
export function commandFlags(spec: CommandSpec): CommandFlag[] {
  return FLAG_NAMES.filter((_, bit) => (spec.flags & (1 << bit)) !== 0);
}

/**
 * The names of a key spec's flags.
 *
 * @param spec The key spec.
 * @returns The flags, as the server names them (`"RW"`, `"access"`, ...).
 */
export function keySpecFlags(spec: KeySpec): KeySpecFlag[] {
  return KEY_FLAG_NAMES.filter((_, bit) => (spec.flags & (1 << bit)) !== 0);
}
