/**
 * `deno task gen:commands`: starts a throwaway redis-server on a free
 * loopback port, reads its `COMMAND INFO` and `COMMAND DOCS`, merges the
 * hand-written commands of newer versions (scripts/commands_added.ts), and
 * writes
 *
 * - src/commands/_table.ts: the command table (names, arity, flags, key
 *   specs, routing policies, since, subcommands), and
 * - src/connection/_blocking_commands.ts: where each blocking command's
 *   timeout argument is, which the connection needs to extend its reply
 *   deadline and cannot import from the layer above it.
 *
 * Usage: `deno task gen:commands` (runs the `redis-server` on the PATH).
 *
 * @module
 */
import { Connection } from "../mod.ts";
import type { Reply } from "../mod.ts";
import { startRedis } from "../tests/support/mod.ts";
import {
  ADDED_COMMANDS,
  ADDED_FLAGS,
  type AddedCommand,
  type AddedKeySpec,
} from "./commands_added.ts";

/** A key spec the server cannot describe (SORT's BY, GET and STORE): only its flags. */
interface UnknownKeySpec {
  flags: string[];
  unknown: true;
}

/** One command as both replies describe it, before encoding. */
interface Command {
  name: string;
  arity: number;
  flags: string[];
  since: string;
  /** Key specs, in the server's order. */
  specs: (AddedKeySpec | UnknownKeySpec)[];
  tips: string[];
  arguments: { name: string; type: string; token?: string }[];
  subcommands: Command[];
}

const ROOT = new URL("../", import.meta.url);
const TABLE = new URL("src/commands/_table.ts", ROOT);
const BLOCKING = new URL("src/connection/_blocking_commands.ts", ROOT);

// RESP3 sends some lists as sets and some records as maps; RESP2 as flat arrays.
function list(reply: Reply | undefined): Reply[] {
  if (reply === undefined || reply === null) return [];
  if (reply instanceof Set) return [...reply];
  if (Array.isArray(reply)) return reply;
  throw new Error(`Expected a list, got ${String(reply)}`);
}

function record(reply: Reply | undefined): Map<string, Reply> {
  if (reply instanceof Map) return reply as Map<string, Reply>;
  const out = new Map<string, Reply>();
  const items = list(reply);
  for (let i = 0; i + 1 < items.length; i += 2) {
    out.set(String(items[i]), items[i + 1]!);
  }
  return out;
}

function keySpec(reply: Reply): AddedKeySpec | UnknownKeySpec {
  const spec = record(reply);
  const begin = record(spec.get("begin_search"));
  const find = record(spec.get("find_keys"));
  const flags = list(spec.get("flags")).map(String);
  if (begin.get("type") === "unknown" || find.get("type") === "unknown") {
    return { flags, unknown: true };
  }
  const b = record(begin.get("spec"));
  const f = record(find.get("spec"));
  const num = (m: Map<string, Reply>, k: string) => Number(m.get(k));
  return {
    flags,
    begin: begin.get("type") === "index"
      ? { index: num(b, "index") }
      : { keyword: String(b.get("keyword")), startfrom: num(b, "startfrom") },
    find: find.get("type") === "range"
      ? {
        lastkey: num(f, "lastkey"),
        keystep: num(f, "keystep"),
        limit: num(f, "limit"),
      }
      : {
        keynumidx: num(f, "keynumidx"),
        firstkey: num(f, "firstkey"),
        keystep: num(f, "keystep"),
      },
  };
}

function fromInfo(reply: Reply, docs: Map<string, Reply>): Command {
  const [name, arity, flags, , , , , tips, specs, subs] = list(reply);
  const doc = record(docs.get(String(name)));
  const docFlags = list(doc.get("doc_flags")).map(String);
  const subDocs = record(doc.get("subcommands"));
  return {
    name: String(name),
    arity: Number(arity),
    flags: [...list(flags).map(String), ...docFlags],
    since: String(doc.get("since") ?? ""),
    specs: list(specs).map(keySpec),
    tips: list(tips).map(String),
    arguments: list(doc.get("arguments")).map((arg) => {
      const a = record(arg);
      const token = a.get("token");
      return {
        name: String(a.get("name")),
        type: String(a.get("type")),
        ...(token ? { token: String(token) } : {}),
      };
    }),
    subcommands: list(subs).map((sub) => fromInfo(sub, subDocs)),
  };
}

function fromAdded(added: AddedCommand): Command {
  return {
    name: added.name,
    arity: added.arity,
    flags: added.flags,
    since: added.since,
    specs: added.keySpecs ?? [],
    tips: added.tips ?? [],
    arguments: added.arguments ?? [],
    subcommands: [],
  };
}

async function readServer(): Promise<{ version: string; commands: Command[] }> {
  const server = await startRedis();
  try {
    await using connection = new Connection({
      host: server.host,
      port: server.port,
      protocol: 3,
    });
    const [info, docs, hello] = await connection.batch([
      ["COMMAND", "INFO"],
      ["COMMAND", "DOCS"],
      ["INFO", "server"],
    ]);
    const version = /redis_version:(\S+)/.exec(String(hello))?.[1] ?? "unknown";
    return {
      version,
      commands: list(info!).map((reply) => fromInfo(reply, record(docs!))),
    };
  } finally {
    await server.stop();
  }
}

function merge(commands: Command[]): Command[] {
  const byName = new Map(commands.map((c) => [c.name, c]));
  for (const added of ADDED_COMMANDS) {
    const [parent, sub] = added.name.split("|");
    const command = fromAdded(added);
    if (sub === undefined) {
      if (!byName.has(added.name)) byName.set(added.name, command);
      continue;
    }
    const container = byName.get(parent!);
    if (container === undefined) {
      throw new Error(`${added.name}: no container ${parent}`);
    }
    if (!container.subcommands.some((c) => c.name === added.name)) {
      container.subcommands.push(command);
    }
  }
  for (const [name, flags] of Object.entries(ADDED_FLAGS)) {
    const command = byName.get(name);
    if (command === undefined) {
      throw new Error(`ADDED_FLAGS: no command ${name}`);
    }
    command.flags = [...new Set([...command.flags, ...flags])];
  }
  return [...byName.values()];
}

/** Where a blocking command's timeout is, and its unit in ms. */
function timeoutRule(command: Command): [at: number | string, unitMs: number] {
  const args = command.arguments;
  const at = args.findIndex((a) => a.name === "timeout" || a.token === "BLOCK");
  const arg = args[at];
  if (arg === undefined) {
    throw new Error(
      `${command.name}: blocking, but no timeout argument in COMMAND DOCS`,
    );
  }
  // Redis documents blocking timeouts in seconds as doubles (BLPOP, BZMPOP)
  // and in milliseconds as integers (WAIT, XREAD BLOCK); anything else stops here.
  const unit = arg.type === "double" ? 1000 : arg.type === "integer" ? 1 : NaN;
  if (Number.isNaN(unit)) {
    throw new Error(`${command.name}: timeout of type ${arg.type}`);
  }
  if (arg.token !== undefined) return [arg.token, unit];
  if (at === args.length - 1) return [-1, unit];
  if (at === 0) return [1, unit];
  throw new Error(
    `${command.name}: the timeout is neither first, last nor after a keyword`,
  );
}

function bits(names: readonly string[], table: readonly string[]): number {
  let mask = 0;
  for (const name of names) mask |= 1 << table.indexOf(name);
  return mask;
}

function hex(mask: number): string {
  return "0x" + mask.toString(16);
}

/** `[flags, begin, startFrom, find, a, b, c]`; see CommandRow in src/commands/_rows.ts. */
function specRow(
  spec: AddedKeySpec | UnknownKeySpec,
  keyFlags: readonly string[],
): string {
  const flags = hex(bits(spec.flags, keyFlags));
  if ("unknown" in spec) return `[${flags}]`;
  if (!(spec.find.keystep >= 1)) throw new Error(`A key spec with keystep ${spec.find.keystep}`);
  const begin = "index" in spec.begin
    ? `${spec.begin.index},0`
    : `${JSON.stringify(spec.begin.keyword)},${spec.begin.startfrom}`;
  const f = spec.find;
  const find = "lastkey" in f
    ? `"r",${f.lastkey},${f.keystep},${f.limit}`
    : `"n",${f.keynumidx},${f.firstkey},${f.keystep}`;
  return `[${flags},${begin},${find}]`;
}

function tip(tips: readonly string[], kind: "request_policy" | "response_policy"): string {
  return tips.find((t) => t.startsWith(kind + ":"))?.slice(kind.length + 1) ?? "";
}

function policies(tips: readonly string[]): string {
  const request = tip(tips, "request_policy");
  const response = tip(tips, "response_policy");
  return request || response ? JSON.stringify(`${request}/${response}`) : "0";
}

interface Tables {
  flags: readonly string[];
  keyFlags: readonly string[];
}

/** `[NAME, arity, flags, since, keySpecs, policies, subcommands]`, trailing zeros dropped. */
function row(command: Command, tables: Tables, indent: string): string {
  const name = command.name.split("|").pop()!.toUpperCase();
  const specs = command.specs.length === 0
    ? "0"
    : `[${command.specs.map((s) => specRow(s, tables.keyFlags)).join(",")}]`;
  const subs = [...command.subcommands].sort(byName);
  const subRows = subs.length === 0
    ? "0"
    : `[\n${
      subs.map((s) => indent + "  " + row(s, tables, indent + "  ") + ",\n")
        .join("")
    }${indent}]`;
  const cells = [
    JSON.stringify(name),
    String(command.arity),
    hex(bits(command.flags, tables.flags)),
    JSON.stringify(command.since),
    specs,
    policies(command.tips),
    subRows,
  ];
  while (cells.at(-1) === "0") cells.pop();
  return `[${cells.join(",")}]`;
}

function byName(a: Command, b: Command): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function collect(
  commands: Command[],
  pick: (c: Command) => string[],
): string[] {
  const names = new Set<string>();
  const visit = (c: Command) => {
    pick(c).forEach((n) => names.add(n));
    c.subcommands.forEach(visit);
  };
  commands.forEach(visit);
  return [...names].sort();
}

function header(version: string): string {
  return `// deno-fmt-ignore-file
// Generated by scripts/gen_commands.ts from redis-server ${version} (COMMAND INFO, COMMAND DOCS)
// and scripts/commands_added.ts. Do not edit: run \`deno task gen:commands\`.
`;
}

function tableSource(version: string, commands: Command[]): string {
  const tables: Tables = {
    flags: collect(commands, (c) => c.flags),
    keyFlags: collect(commands, (c) => c.specs.flatMap((s) => s.flags)),
  };
  const requests = collect(commands, (c) => [tip(c.tips, "request_policy")].filter(Boolean));
  const responses = collect(commands, (c) => [tip(c.tips, "response_policy")].filter(Boolean));
  if (tables.flags.length > 31) {
    throw new Error("More than 31 command flags: widen the bitmask");
  }
  const rows = [...commands].sort(byName).map((c) => "  " + row(c, tables, "  ") + ",\n").join("");
  return `${header(version)}
import type { CommandRow } from "./_rows.ts";

/** The server the table was read from. */
export const TABLE_SOURCE = ${JSON.stringify(`redis-server ${version}`)};

/** Command flag names; flag \`FLAG_NAMES[i]\` is bit \`1 << i\` of a row's flags. */
export const FLAG_NAMES = ${JSON.stringify(tables.flags)} as const;

/** Key spec flag names; flag \`KEY_FLAG_NAMES[i]\` is bit \`1 << i\` of a key spec's flags. */
export const KEY_FLAG_NAMES = ${JSON.stringify(tables.keyFlags)} as const;

/** The request policies of the table's commands (tips \`request_policy:<name>\`). */
export const REQUEST_POLICIES = ${JSON.stringify(requests)} as const;

/** The response policies of the table's commands (tips \`response_policy:<name>\`). */
export const RESPONSE_POLICIES = ${JSON.stringify(responses)} as const;

/** Every command, sorted by name; see {@linkcode CommandRow} for the layout. */
export const COMMAND_ROWS: readonly CommandRow[] = [
${rows}];
`;
}

function blockingSource(version: string, commands: Command[]): string {
  const entries = commands
    .filter((c) => c.flags.includes("blocking"))
    .sort(byName)
    .map((c) => `  [${JSON.stringify(c.name.toUpperCase())}, ${JSON.stringify(timeoutRule(c))}],\n`)
    .join("");
  return `${header(version)}
/**
 * The commands the table (src/commands) flags \`blocking\`, each with where
 * its timeout is: an argument index (negative: from the end) or the keyword
 * the timeout follows, and the timeout's unit in ms.
 */
export const BLOCKING_TIMEOUTS: ReadonlyMap<string, readonly [at: number | string, unitMs: number]> =
  new Map<string, readonly [number | string, number]>([
${entries}  ]);
`;
}

async function main(): Promise<void> {
  const { version, commands } = await readServer();
  const merged = merge(commands);
  await Deno.writeTextFile(TABLE, tableSource(version, merged));
  await Deno.writeTextFile(BLOCKING, blockingSource(version, merged));
  const count = (cs: Command[]): number => cs.reduce((n, c) => n + 1 + count(c.subcommands), 0);
  console.log(
    `redis-server ${version}: ${merged.length} commands, ${count(merged)} with subcommands`,
  );
}

if (import.meta.main) await main();
