/**
 * Every executable command of the running server has a typed method on every
 * front end (less HELP subcommands, deprecated commands and DEDICATED_COMMANDS).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEDICATED_COMMANDS, Multi, Pipeline, Redis, RedisCluster, Transaction } from "../mod.ts";
import { NamedPipeline } from "../src/registry/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(() => server?.stop());

/** "acl|cat" -> "aclCat", "cluster|count-failure-reports" -> "clusterCountFailureReports". */
function methodName(command: string): string {
  const camel = (part: string) => part.toLowerCase().replace(/[-_](.)/g, (_, c) => c.toUpperCase());
  const [name, sub] = command.split("|");
  const head = camel(name!);
  if (sub === undefined) return head;
  const tail = camel(sub);
  return head + tail[0]!.toUpperCase() + tail.slice(1);
}

/** The executable commands of the server, as `name` or `container|sub`. */
async function executableCommands(redis: Redis): Promise<string[]> {
  const docs = await redis.commandDocs();
  const dedicated = new Set(
    Object.keys(DEDICATED_COMMANDS).map((n) => n.toLowerCase().replace(" ", "|")),
  );
  const names: string[] = [];
  for (const [name, doc] of Object.entries(docs)) {
    const subs = doc.subcommands;
    const entries = subs instanceof Map || (Array.isArray(subs) && subs.length > 0)
      ? Object.entries(await subcommandDocs(redis, name))
      : [[name, doc] as const];
    for (const [full, info] of entries) {
      const flags = info.docFlags as unknown as unknown[] | undefined;
      if (full.endsWith("|help") || dedicated.has(full)) continue;
      if ((flags ?? []).map(String).includes("deprecated")) continue;
      names.push(full);
    }
  }
  return names.sort();
}

async function subcommandDocs(redis: Redis, name: string) {
  const docs = await redis.commandDocs(name);
  const subs = docs[name]!.subcommands;
  const record: Record<string, Record<string, unknown>> = {};
  const flat = subs instanceof Map ? [...subs].flat() : subs as unknown[];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const info = flat[i + 1];
    const fields: Record<string, unknown> = {};
    const items = info instanceof Map ? [...info].flat() : info as unknown[];
    for (let j = 0; j + 1 < items.length; j += 2) {
      fields[String(items[j]).replace(/_(.)/g, (_, c) => c.toUpperCase())] = items[j + 1];
    }
    record[String(flat[i])] = fields;
  }
  return record;
}

describe("typed methods", () => {
  it("cover every executable command of the server, on every front end", async () => {
    await using redis = new Redis({ port: server.port, host: server.host });
    const commands = await executableCommands(redis);
    const fronts = [Redis, Transaction, Pipeline, Multi, NamedPipeline, RedisCluster];
    const missing = commands.filter((command) =>
      fronts.some((front) => typeof (front.prototype as never)[methodName(command)] !== "function")
    );
    const covered = commands.length - missing.length;
    console.log(`coverage: ${covered} / ${commands.length} executable commands have a method`);
    assert.deepEqual(missing, []);
    assert.ok(commands.length > 280, `only ${commands.length} commands found`);
  });

  it("leave no dedicated command without a reason", () => {
    for (const [name, reason] of Object.entries(DEDICATED_COMMANDS)) {
      assert.ok(reason.length > 10, name);
    }
    assert.equal(typeof (Redis.prototype as never)["subscribe"], "function");
    assert.equal(typeof (Redis.prototype as never)["multi"], "function");
    assert.equal(typeof (Redis.prototype as never)["watch"], "function");
  });
});
