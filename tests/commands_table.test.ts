import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BLOCKING_TIMEOUTS } from "../src/connection/_blocking_commands.ts";
import { blockingAllowance, blockingTime, Connection } from "../src/connection/mod.ts";
import { SERVER_TIMER_SLACK } from "../src/connection/blocking.ts";
import {
  allCommands,
  commandFlags,
  type CommandSpec,
  hasFlag,
  isBlockingCall,
  isReadOnlyCommand,
  keyPositions,
  type KeySpec,
  type KeySpecFlag,
  keySpecFlagBit,
  keySpecFlags,
  lookupCommand,
} from "../src/commands/mod.ts";
import { KEY_RULES } from "../src/commands/key_positions.ts";
import { ReplyError } from "../src/errors.ts";
import type { Reply } from "../src/protocol/mod.ts";
import { ADDED_COMMANDS, ADDED_FLAGS } from "../scripts/commands_added.ts";
import { docArguments, KEY_SAMPLES, sampleFromDocs } from "./support/command_samples.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

let server: RedisServer;
let connection: Connection;
let version: number[];
/** Table names (`"CLIENT LIST"`) of what the server knows. */
let serverNames: Set<string>;
let docs: Reply;
let info: Reply[];

function versionOf(text: string): number[] {
  return text.split(".").map(Number);
}

function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  }
  return true;
}

function names(reply: Reply[], out = new Map<string, Reply[]>()): Map<string, Reply[]> {
  for (const entry of reply as Reply[][]) {
    out.set(String(entry[0]).replace("|", " ").toUpperCase(), entry);
    names((entry[9] ?? []) as Reply[], out);
  }
  return out;
}

/** A key spec of a RESP2 `COMMAND INFO` reply, in the table's decoded shape. */
function keySpecOf(reply: Reply): KeySpec {
  const spec = pairs(reply);
  const begin = pairs(spec.get("begin_search")!);
  const find = pairs(spec.get("find_keys")!);
  const b = pairs(begin.get("spec")!);
  const f = pairs(find.get("spec")!);
  const flagBits = [...(spec.get("flags") as Reply[])].reduce<number>(
    (bits, flag) => bits | keySpecFlagBit(String(flag) as KeySpecFlag),
    0,
  );
  return {
    flags: flagBits,
    begin: begin.get("type") === "index"
      ? { kind: "index", index: Number(b.get("index")) }
      : begin.get("type") === "keyword"
      ? {
        kind: "keyword",
        keyword: String(b.get("keyword")),
        startFrom: Number(b.get("startfrom")),
      }
      : { kind: "unknown" },
    find: find.get("type") === "range"
      ? {
        kind: "range",
        lastKey: Number(f.get("lastkey")),
        keyStep: Number(f.get("keystep")),
        limit: Number(f.get("limit")),
      }
      : find.get("type") === "keynum"
      ? {
        kind: "keynum",
        keyNumIndex: Number(f.get("keynumidx")),
        firstKey: Number(f.get("firstkey")),
        keyStep: Number(f.get("keystep")),
      }
      : { kind: "unknown" },
  };
}

function pairs(reply: Reply | undefined): Map<string, Reply> {
  const items = Array.isArray(reply) ? reply : [];
  const out = new Map<string, Reply>();
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(items[i]), items[i + 1]!);
  return out;
}

const ADDED = new Set(ADDED_COMMANDS.map((c) => c.name.replace("|", " ").toUpperCase()));

before(async () => {
  server = await startRedis();
  connection = new Connection({ host: server.host, port: server.port });
  const [infoReply, docsReply, serverInfo] = await connection.batch([
    ["COMMAND", "INFO"],
    ["COMMAND", "DOCS"],
    ["INFO", "server"],
  ]);
  info = infoReply as Reply[];
  docs = docsReply!;
  version = versionOf(/redis_version:(\S+)/.exec(String(serverInfo))![1]!);
  serverNames = new Set(names(info).keys());
});

after(async () => {
  await connection?.close();
  await server?.stop();
});

describe("command table", () => {
  it("lists every command and subcommand the server lists, and only those or newer ones", () => {
    const table = new Set(allCommands().map((c) => c.name));
    const missing = [...serverNames].filter((name) => !table.has(name));
    assert.deepEqual(missing, [], "missing from the table: run `deno task gen:commands`");
    for (const command of allCommands()) {
      if (serverNames.has(command.name)) continue;
      assert.ok(
        !atLeast(version, versionOf(command.since)),
        `${command.name} (since ${command.since}) is not on this server`,
      );
      assert.ok(ADDED.has(command.name), `${command.name} is neither on the server nor hand-added`);
    }
  });

  it("has the server's arity and flags for each command", () => {
    for (const [name, entry] of names(info)) {
      const spec = lookupCommand(name.split(" "))!;
      const flags = [...(entry[2] as Reply[])].map(String);
      const added = ADDED_FLAGS[name.toLowerCase()] ?? [];
      assert.equal(spec.arity, entry[1], `${name} arity`);
      const tableFlags = commandFlags(spec).filter((f) =>
        !added.includes(f) && f !== "deprecated" && f !== "syscmd"
      );
      assert.deepEqual(tableFlags, [...flags].sort(), `${name} flags`);
      assert.deepEqual(
        spec.keySpecs,
        [...(entry[8] as Reply[])].map(keySpecOf),
        `${name} key specs`,
      );
      const tips = [...(entry[7] as Reply[])].map(String);
      const policy = (kind: string) => tips.find((t) => t.startsWith(kind))?.slice(kind.length);
      assert.equal(spec.requestPolicy, policy("request_policy:"), `${name} request policy`);
      assert.equal(spec.responsePolicy, policy("response_policy:"), `${name} response policy`);
    }
  });

  it("has each command's since from COMMAND DOCS", () => {
    let checked = 0;
    const visit = (all: Reply | undefined) => {
      for (const [name, doc] of pairs(all)) {
        const fields = pairs(doc);
        assert.equal(lookupCommand(name.split("|"))?.since, String(fields.get("since")), name);
        checked++;
        visit(fields.get("subcommands"));
      }
    };
    visit(docs);
    assert.equal(checked, serverNames.size);
  });

  it("marks deprecated commands from COMMAND DOCS", () => {
    assert.ok(hasFlag(lookupCommand(["GEORADIUS"])!, "deprecated"));
    assert.ok(!hasFlag(lookupCommand(["GEOSEARCH"])!, "deprecated"));
  });

  it("decodes key specs, policies and since", () => {
    const xread = lookupCommand(["XREAD"])!;
    assert.deepEqual(xread.keySpecs[0]!.begin, {
      kind: "keyword",
      keyword: "STREAMS",
      startFrom: 1,
    });
    assert.deepEqual(xread.keySpecs[0]!.find, { kind: "range", lastKey: -1, keyStep: 1, limit: 2 });
    assert.deepEqual(keySpecFlags(xread.keySpecs[0]!), ["RO", "access"]);
    const evalSpec = lookupCommand(["eval"])!.keySpecs[0]!;
    assert.deepEqual(evalSpec.find, { kind: "keynum", keyNumIndex: 0, firstKey: 1, keyStep: 1 });
    const dbsize = lookupCommand(["DBSIZE"])!;
    assert.equal(dbsize.requestPolicy, "all_shards");
    assert.equal(dbsize.responsePolicy, "agg_sum");
    assert.equal(lookupCommand(["GET"])!.since, "1.0.0");
    assert.equal(lookupCommand(["GET"])!.requestPolicy, undefined);
  });

  it("resolves a container's subcommand from the second argument, in any case", () => {
    assert.equal(lookupCommand(["client", "list"])?.name, "CLIENT LIST");
    assert.equal(
      lookupCommand([new TextEncoder().encode("Object"), "FREQ", "k"])?.name,
      "OBJECT FREQ",
    );
    assert.equal(lookupCommand(["CLIENT"])?.name, "CLIENT");
    assert.equal(lookupCommand(["CLIENT", "NO-SUCH"]), undefined);
    assert.equal(lookupCommand(["NOSUCHCOMMAND"]), undefined);
    assert.equal(lookupCommand([]), undefined);
  });

  it("adds the 7.2 and 7.4 commands with their since", () => {
    assert.equal(lookupCommand(["WAITAOF", 1, 0, 0])?.since, "7.2.0");
    assert.equal(lookupCommand(["CLIENT", "SETINFO", "LIB-NAME", "x"])?.since, "7.2.0");
    assert.equal(lookupCommand(["CLIENT", "NO-TOUCH", "ON"])?.since, "7.2.0");
    for (const name of ["HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HTTL", "HPTTL"]) {
      assert.equal(lookupCommand([name])?.since, "7.4.0", name);
    }
    for (const name of ["HEXPIRETIME", "HPEXPIRETIME", "HPERSIST"]) {
      assert.equal(lookupCommand([name])?.since, "7.4.0", name);
    }
  });
});

/** What the server answers for a sample; [] when it refuses the arguments. */
async function serverKeys(sample: string[]): Promise<string[]> {
  const [reply] = await connection.batch([["COMMAND", "GETKEYS", ...sample]]);
  if (reply instanceof ReplyError) return [];
  return (reply as Reply[]).map(String);
}

function keyedCommands(): CommandSpec[] {
  return allCommands().filter((c) =>
    c.keySpecs.some((spec) => !keySpecFlags(spec).includes("not_key"))
  );
}

describe("keyPositions", () => {
  it("agrees with COMMAND GETKEYS on every keyed command the server knows", async () => {
    const samplesByDocs = docArguments(docs);
    let compared = 0;
    let refused = 0;
    const disagreements: string[] = [];
    const keyed = keyedCommands().filter((c) => serverNames.has(c.name));
    for (const command of keyed) {
      const args = samplesByDocs.get(command.name) ?? [];
      const samples = [
        ...(KEY_SAMPLES[command.name] ?? []),
        sampleFromDocs(command.name, args, { full: false }),
        sampleFromDocs(command.name, args, { full: true }),
        sampleFromDocs(command.name, args, { full: true, last: true }),
      ];
      for (const sample of samples) {
        const expected = await serverKeys(sample);
        const actual = keyPositions(sample).map((i) => sample[i]!);
        compared++;
        if (expected.length === 0) refused++;
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          disagreements.push(`${sample.join(" ")}: table ${actual}, server ${expected}`);
        }
      }
    }
    console.log(
      `GETKEYS: ${keyed.length} keyed commands, ${compared} samples ` +
        `(${refused} the server finds no keys in), ${disagreements.length} disagree`,
    );
    assert.deepEqual(disagreements, []);
  });

  it("has a sample for every keyed command newer than the server", async () => {
    for (const command of keyedCommands().filter((c) => !serverNames.has(c.name))) {
      assert.ok(KEY_SAMPLES[command.name], `no sample for ${command.name}`);
      if (!atLeast(version, versionOf(command.since))) continue;
      for (const sample of KEY_SAMPLES[command.name]!) {
        assert.deepEqual(keyPositions(sample).map((i) => sample[i]), await serverKeys(sample));
      }
    }
  });

  it("returns the keys of movable-key commands", () => {
    assert.deepEqual(keyPositions(["EVAL", "s", "2", "a", "b", "x"]), [3, 4]);
    assert.deepEqual(keyPositions(["XREAD", "STREAMS", "a", "b", "0", "0"]), [2, 3]);
    assert.deepEqual(keyPositions(["ZUNIONSTORE", "d", 2, "a", "b"]), [1, 3, 4]);
    assert.deepEqual(keyPositions(["GEORADIUS", "g", 0, 0, 1, "km", "STORE", "d"]), [1, 7]);
    assert.deepEqual(keyPositions(["SORT", "k", "BY", "w_*", "STORE", "d"]), [1, 5]);
    assert.deepEqual(keyPositions(["MIGRATE", "h", 1, "", 0, 5, "KEYS", "a", "b"]), [7, 8]);
  });

  it("leaves out shard channels unless asked, and names no key for keyless or unknown commands", () => {
    assert.deepEqual(keyPositions(["SPUBLISH", "ch", "m"]), []);
    assert.deepEqual(keyPositions(["SPUBLISH", "ch", "m"], { notKeys: true }), [1]);
    assert.deepEqual(keyPositions(["SSUBSCRIBE", "a", "b"], { notKeys: true }), [1, 2]);
    assert.deepEqual(keyPositions(["PING"]), []);
    assert.deepEqual(keyPositions(["NOSUCH", "k"]), []);
    assert.deepEqual(keyPositions(["EVAL", "s", "3", "a"]), []);
  });

  it("has a rule for every command whose key specs the server marks unknown or incomplete", () => {
    for (const command of allCommands()) {
      const partial = command.keySpecs.some((s) =>
        s.begin.kind === "unknown" || keySpecFlags(s).includes("incomplete")
      );
      assert.equal(KEY_RULES.has(command.name), partial, command.name);
    }
  });
});

describe("isBlockingCall", () => {
  it("is true for blocking commands, XREAD only with BLOCK, WAIT and WAITAOF", () => {
    assert.ok(isBlockingCall(["BLPOP", "q", 0]));
    assert.ok(isBlockingCall(["bzmpop", 1, 1, "z", "MIN"]));
    assert.ok(isBlockingCall(["XREAD", "BLOCK", 0, "STREAMS", "s", "$"]));
    assert.ok(isBlockingCall(["XREADGROUP", "GROUP", "g", "c", "BLOCK", 5, "STREAMS", "s", ">"]));
    assert.ok(isBlockingCall(["WAIT", 1, 100]));
    assert.ok(isBlockingCall(["WAITAOF", 1, 0, 100]));
    assert.ok(!isBlockingCall(["XREAD", "STREAMS", "s", "$"]));
    assert.ok(!isBlockingCall(["GET", "k"]));
    assert.ok(!isBlockingCall(["NOSUCH"]));
  });

  it("knows the timeout of every command the table flags blocking", () => {
    const blocking = allCommands().filter((c) => hasFlag(c, "blocking")).map((c) => c.name);
    assert.deepEqual(blocking.sort(), [...BLOCKING_TIMEOUTS.keys()].sort());
  });
});

describe("blockingTime", () => {
  it("reads each blocking command's timeout where the table says it is", () => {
    assert.equal(blockingTime(["BLPOP", "a", "b", 1.5]), 1500);
    assert.equal(blockingTime(["blmpop", "2", "1", "a", "LEFT"]), 2000);
    assert.equal(blockingTime([new TextEncoder().encode("BZMPOP"), 0, 1, "z", "MIN"]), Infinity);
    assert.equal(blockingTime(["WAIT", 1, 250]), 250);
    assert.equal(blockingTime(["WAITAOF", 1, 0, 0]), Infinity);
    assert.equal(
      blockingTime(["XREADGROUP", "GROUP", "g", "c", "block", "75", "STREAMS", "s", ">"]),
      75,
    );
    assert.equal(blockingTime(["XREAD", "STREAMS", "s", "$"]), undefined);
    assert.equal(blockingTime(["BITCOUNT", "k"]), undefined);
    assert.equal(blockingTime(["\u00e9", "k"]), undefined);
  });

  it("extends a blocking command's deadline by its timeout plus the server's timer resolution", () => {
    assert.equal(blockingAllowance(["BLPOP", "a", 1.5]), 1500 + SERVER_TIMER_SLACK);
    assert.equal(blockingAllowance(["BLPOP", "a", 0]), Infinity);
    assert.equal(blockingAllowance(["GET", "a"]), 0);
  });
});

describe("isReadOnlyCommand", () => {
  it("follows the readonly flag, subcommands included", () => {
    assert.ok(isReadOnlyCommand(["GET", "k"]));
    assert.ok(isReadOnlyCommand(["object", "freq", "k"]));
    assert.ok(isReadOnlyCommand(["HTTL", "h", "FIELDS", 1, "f"]));
    assert.ok(!isReadOnlyCommand(["SET", "k", "v"]));
    assert.ok(!isReadOnlyCommand(["EVAL", "return 1", 0]));
    assert.ok(!isReadOnlyCommand(["NOSUCH"]));
  });
});
