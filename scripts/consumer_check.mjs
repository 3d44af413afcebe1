/**
 * The Node consumer check: installs the packed package (`npm pack` of npm/)
 * into a throwaway project in the system's temp dir, then, against a
 * redis-server it starts on a free port:
 *
 * 0. the tarball is named `@redwire/redis` and carries the Node README;
 * 1. `import { Redis } from "@redwire/redis"` (ESM) runs SET / GET, a pipeline and
 *    an error reply, then reaches the server through `serveBridge` from
 *    `@redwire/redis/bridge` and `webSocketTransport` (with the `ws` package);
 * 2. `require("@redwire/redis")` (CommonJS) runs SET / GET and loads the bridge;
 * 3. `tsc --noEmit` type-checks an ES module and a CommonJS consumer against
 *    the published declarations, with `skipLibCheck: false`, under the
 *    settings of a new Node project (`module: nodenext`, TypeScript's
 *    default lib). A second pass with Node's types only (no DOM lib) reports
 *    the web-only type names the declarations use, as a warning;
 * 4. arethetypeswrong checks the tarball's exports and declarations under
 *    every module resolution mode of TypeScript.
 *
 * Usage: node scripts/consumer_check.mjs [--keep]   (--keep leaves the project)
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  buildIfStale,
  ensureInstalled,
  fail,
  NPM_DIR,
  run,
  SCRIPTS,
  startRedis,
} from "./_tools.mjs";

/**
 * Packs npm/ into `dir`.
 *
 * @param {string} dir
 * @returns {string} The tarball's path.
 */
function pack(dir) {
  const result = spawnSync(
    "npm",
    ["pack", "--json", "--pack-destination", dir],
    {
      cwd: NPM_DIR,
      encoding: "utf8",
    },
  );
  if (result.status !== 0) fail(`npm pack failed:\n${result.stderr}`);
  const [info] = JSON.parse(result.stdout);
  const files = info.files.map((f) => f.path);
  for (
    const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "esm/mod.js",
      "cjs/mod.cjs",
    ]
  ) {
    if (!files.includes(needed)) fail(`the packed package lacks ${needed}`);
  }
  if (info.name !== "@redwire/redis") fail(`the package is named ${info.name}, not @redwire/redis`);
  const readme = readFileSync(join(NPM_DIR, "README.md"), "utf8");
  for (const node of ["npm install @redwire/redis", 'require("@redwire/redis")', "finally"]) {
    if (!readme.includes(node)) fail(`the package's README is not the Node one: it lacks ${node}`);
  }
  for (const deno of ["Deno.env", "Deno.readTextFile", "Deno.serve", "deno task test"]) {
    if (readme.includes(deno)) fail(`the package's README still says ${deno}`);
  }
  console.log(
    `packed ${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB`,
  );
  return join(dir, info.filename);
}

/**
 * Runs one step of the check in the project; fails the check if it fails.
 *
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @param {number} [timeout] Longer for tools (tsc) than for a client that must exit.
 */
function check(label, command, args, env = process.env, timeout = STEP_TIMEOUT_MS) {
  const result = spawnSync(command, args, {
    cwd: project,
    env,
    encoding: "utf8",
    timeout,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.signal !== null) {
    fail(
      `${label}: still running after ${timeout / 1000}s (a client must let the ` +
        `process exit once closed: a timer or socket left open?)\n${indent(output)}`,
    );
  }
  if (result.status !== 0) {
    fail(
      `${label}: failed (${result.error?.message ?? `exit ${result.status}`})\n${indent(output)}`,
    );
  }
  console.log(`ok   ${label}${output === "" ? "" : `\n${indent(output)}`}`);
}

/** @param {string} text */
function indent(text) {
  return text.split("\n").map((line) => `     ${line}`).join("\n");
}

/** @param {string} dir */
function writeProject(dir) {
  const files = {
    "package.json": JSON.stringify(
      { name: "redwire-consumer", private: true },
      null,
      2,
    ),
    "esm.mjs": ESM_CONSUMER,
    "cjs.cjs": CJS_CONSUMER,
    "consumer.mts": TS_ESM_CONSUMER,
    "consumer.cts": TS_CJS_CONSUMER,
    "tsconfig.json": JSON.stringify(tsconfig({}), null, 2),
    "tsconfig.node-only.json": JSON.stringify(
      tsconfig({ lib: ["es2023"] }),
      null,
      2,
    ),
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), `${text}\n`);
  }
}

/** @param {Record<string, unknown>} extra */
function tsconfig(extra) {
  return {
    compilerOptions: {
      target: "es2022",
      module: "nodenext",
      moduleResolution: "nodenext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [join(SCRIPTS, "node_modules", "@types")],
      ...extra,
    },
    files: ["consumer.mts", "consumer.cts"],
  };
}

/**
 * Longest a step may take (each takes a few seconds). The programs close
 * their clients and must then exit by themselves, so a timer or socket left
 * open (a reply deadline is 30 s by default) fails the check.
 */
const STEP_TIMEOUT_MS = 20_000;
/** The type checkers may take long on a loaded machine; they hold no client open. */
const TOOL_TIMEOUT_MS = 120_000;

/** The throwaway project; set by main(). */
let project = "";

const ESM_CONSUMER = `
import assert from "node:assert/strict";
import { Redis, ReplyError } from "@redwire/redis";
import { serveBridge } from "@redwire/redis/bridge";
import { webSocketTransport } from "@redwire/redis";
import { WebSocket } from "ws";

const port = Number(process.env.REDIS_PORT);
const redis = new Redis({ host: "127.0.0.1", port });
await redis.set("consumer:esm", "héllo");
assert.equal(await redis.get("consumer:esm"), "héllo");
const [, n] = await redis.pipeline().set("consumer:n", "1").incr("consumer:n").exec();
assert.equal(n, 2);
await assert.rejects(redis.sendCommand(["NOT-A-COMMAND"]), ReplyError);
await redis.close();

const bridge = await serveBridge({
  port: 0, hostname: "127.0.0.1", target: { host: "127.0.0.1", port }, token: "consumer-token",
});
const viaBridge = new Redis({
  transport: webSocketTransport(\`ws://127.0.0.1:\${bridge.port}/\`, {
    token: "consumer-token", WebSocket,
  }),
});
assert.equal(await viaBridge.get("consumer:esm"), "héllo");
await viaBridge.close();
await bridge.close();
console.log("SET/GET, pipeline, ReplyError, and GET through serveBridge + webSocketTransport");
`.trim();

const CJS_CONSUMER = `
const assert = require("node:assert/strict");
const { Redis, ConnectionPool } = require("@redwire/redis");
const { serveBridge } = require("@redwire/redis/bridge");

(async () => {
  assert.equal(typeof serveBridge, "function");
  assert.equal(typeof ConnectionPool, "function");
  const redis = new Redis({ host: "127.0.0.1", port: Number(process.env.REDIS_PORT) });
  await redis.set("consumer:cjs", "1");
  assert.equal(await redis.get("consumer:cjs"), "1");
  await redis.close();
  console.log("SET/GET, and @redwire/redis/bridge loads");
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`.trim();

const TS_ESM_CONSUMER = `
import {
  ConnectionPool,
  type PoolStats,
  Redis,
  type RedisOptions,
  ReplyError,
  webSocketTransport,
} from "@redwire/redis";
import { type BridgeOptions, serveBridge } from "@redwire/redis/bridge";

const options: RedisOptions = { host: "127.0.0.1", port: 6379, maxConnections: 4 };
const redis = new Redis(options);
const value: string | null = await redis.get("k");
const [a, b] = await redis.pipeline().set("a", "1").get("a").exec();
const stats: PoolStats = new ConnectionPool({ maxConnections: 2 }).stats();
// @ts-expect-error: typed commands reject a missing key
await redis.get();
try {
  await redis.sendCommand(["PING"]);
} catch (error) {
  if (error instanceof ReplyError) console.log(error.code);
}
const bridgeOptions: BridgeOptions = { port: 0, target: { host: "127.0.0.1", port: 6379 } };
const transport = webSocketTransport("wss://example.com/redis", { token: "t" });
export { a, b, bridgeOptions, redis, serveBridge, stats, transport, value };
`.trim();

const TS_CJS_CONSUMER = `
import redwire = require("@redwire/redis");
import bridge = require("@redwire/redis/bridge");

const redis: redwire.Redis = new redwire.Redis("redis://127.0.0.1:6379/0");
const reply: Promise<string | null> = redis.get("k");
const serve: typeof bridge.serveBridge = bridge.serveBridge;
export = { redis, reply, serve };
`.trim();

async function main() {
  const keep = process.argv.includes("--keep");
  const started = performance.now();
  ensureInstalled();
  buildIfStale();

  const work = mkdtempSync(join(tmpdir(), "redwire-consumer-"));
  project = join(work, "project");
  mkdirSync(project);
  let server;
  try {
    const tarball = pack(work);
    writeProject(project);
    console.log(`installing ${tarball} and ws into ${project}`);
    const install = [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      tarball,
      "ws@^8",
    ];
    run("npm", install, { cwd: project });
    server = await startRedis();
    const env = { ...process.env, REDIS_PORT: String(server.port) };
    check(
      'ESM: import { Redis } from "@redwire/redis"',
      process.execPath,
      ["esm.mjs"],
      env,
    );
    check('CommonJS: require("@redwire/redis")', process.execPath, ["cjs.cjs"], env);
    const tsc = join(SCRIPTS, "node_modules", "typescript", "bin", "tsc");
    check(
      "types: tsc --noEmit (module nodenext, default lib)",
      process.execPath,
      [tsc, "-p", "."],
      process.env,
      TOOL_TIMEOUT_MS,
    );
    const nodeOnly = spawnSync(process.execPath, [
      tsc,
      "-p",
      "tsconfig.node-only.json",
    ], {
      cwd: project,
      encoding: "utf8",
    });
    if (nodeOnly.status === 0) {
      console.log("ok   types with Node's types only (no DOM lib)");
    } else {
      console.log(
        "warn types with Node's types only (no DOM lib) name web-only types:",
      );
      console.log(indent(nodeOnly.stdout.trim()));
    }
    const attw = join(
      SCRIPTS,
      "node_modules",
      "@arethetypeswrong",
      "cli",
      "dist",
      "index.js",
    );
    check(
      "types: arethetypeswrong (node10, node16 from CJS and ESM, bundler)",
      process.execPath,
      [attw, tarball, "--format", "table-flipped", "--no-color", "--no-emoji"],
      process.env,
      TOOL_TIMEOUT_MS,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`consumer check passed in ${seconds}s`);
  } finally {
    server?.stop();
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
