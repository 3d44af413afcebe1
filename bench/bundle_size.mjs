/**
 * Bundles the npm package (npm/, from `deno task build:npm`) the way users
 * do, with esbuild and each platform's export conditions, and prints the
 * minified and gzipped size of every bundle, and the browser bundle against
 * its 40 KiB gzipped budget (a figure, like every benchmark: it never fails
 * CI). With `--check` it fails when a bundle for a platform without Node
 * names a `node:*` module.
 *
 * The bundles import the whole main entry (`export * from "@redwire/redis"`;
 * one also bundles the entry file npm/esm/mod.js itself, as a checker
 * might), so the sizes are an upper bound: an app that imports only `Redis` and
 * `webSocketTransport` gets less.
 *
 * With `--junit=path` it writes that check as a test case.
 *
 * Usage: node bench/bundle_size.mjs [--check] [--junit=path]
 *
 * @module
 */

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = join(import.meta.dirname, "..");
const NPM_DIR = join(ROOT, "npm");
const WORK = join(ROOT, "npm-bundles"); // inside the clone, removed after the run
const LIMIT_GZIP = 40 * 1024;
const check = process.argv.includes("--check");
const junitPath = process.argv.find((a) => a.startsWith("--junit="))?.slice("--junit=".length);

/**
 * Each target: esbuild's platform, its extra conditions, and the `node:*`
 * names it may hold (workerd looks up node:async_hooks and node:diagnostics_channel, which exist there
 * with `nodejs_compat`; the lookup is no import and fails quietly without).
 */
const TARGETS = [
  { name: "browser", platform: "browser", conditions: [], nodeAllowed: [] },
  // The main entry given as a file: export conditions do not apply to it,
  // but the package's `imports` conditions (#redwire/...) apply inside it,
  // so it gets the same browser build.
  {
    name: "browser, npm/esm/mod.js as a path",
    entry: join(NPM_DIR, "esm", "mod.js"),
    platform: "browser",
    conditions: [],
    nodeAllowed: [],
  },
  // No browser condition, so the full build (RedisCluster, Sentinel, the
  // command table): the size a bundler for an unnamed runtime gets.
  { name: "neutral (full build)", platform: "neutral", conditions: [], nodeAllowed: [] },
  { name: "edge-light", platform: "browser", conditions: ["edge-light"], nodeAllowed: [] },
  {
    name: "workerd",
    platform: "browser",
    conditions: ["workerd", "worker"],
    nodeAllowed: ["node:async_hooks", "node:diagnostics_channel"],
  },
  { name: "node", platform: "node", conditions: [], nodeAllowed: null },
];

const require = createRequire(join(ROOT, "scripts", "package.json"));
const esbuild = require("esbuild");

rmSync(WORK, { recursive: true, force: true });
mkdirSync(join(WORK, "node_modules", "@redwire"), { recursive: true });
symlinkSync(NPM_DIR, join(WORK, "node_modules", "@redwire", "redis"), "dir");
writeFileSync(join(WORK, "entry.mjs"), 'export * from "@redwire/redis";\n');

const problems = [];
/** Problems by check, for the JUnit report. */
const checks = {
  "no node:* in bundles for runtimes without Node": [],
};
let budgetLine = "";
console.log("bundle (esbuild --bundle --minify)   minified     gzipped (level 9)   node:* imports");
try {
  for (const target of TARGETS) {
    const result = await esbuild.build({
      absWorkingDir: WORK,
      entryPoints: [target.entry ?? "entry.mjs"],
      bundle: true,
      minify: true,
      format: "esm",
      platform: target.platform,
      conditions: target.conditions.length > 0 ? target.conditions : undefined,
      mainFields: target.platform === "neutral" ? ["module", "main"] : undefined,
      external: ["cloudflare:sockets"],
      write: false,
      logLevel: "silent",
    }).catch((error) => ({ error }));
    if ("error" in result) {
      problems.push(`${target.name}: esbuild failed: ${result.error.message}`);
      checks["no node:* in bundles for runtimes without Node"].push(problems.at(-1));
      console.log(`${target.name.padEnd(36)} FAILED`);
      continue;
    }
    const code = result.outputFiles[0].contents;
    const text = new TextDecoder().decode(code);
    // Module names are string literals; `node:e` in minified code is an object key.
    const nodeNames = [...new Set(text.match(/(?<=["'`])node:[a-z_]+(?:\/[a-z_]+)?/g) ?? [])];
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(
      `${target.name.padEnd(36)} ${kib(code.length).padStart(9)} ${kib(gzipped).padStart(11)} ${
        String(gzipped).padStart(7)
      } B   ${nodeNames.length === 0 ? "none" : nodeNames.join(" ")}`,
    );
    const unexpected = nodeNames.filter((n) => target.nodeAllowed?.includes(n) === false);
    if (unexpected.length > 0) {
      problems.push(`${target.name}: the bundle names ${unexpected.join(", ")}`);
      checks["no node:* in bundles for runtimes without Node"].push(problems.at(-1));
    }
    if (target.name === "browser") {
      budgetLine = `browser bundle: ${kib(gzipped)} gzipped, ${
        (gzipped / LIMIT_GZIP).toFixed(2)
      }x the ${kib(LIMIT_GZIP)} budget (${gzipped < LIMIT_GZIP ? "within" : "over"})`;
    }
  }
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
if (budgetLine !== "") console.log(`\n${budgetLine}`);
if (junitPath !== undefined) {
  const escape = (text) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cases = Object.entries(checks).map(([name, found]) =>
    `  <testcase classname="bundles" name="${escape(name)}">` +
    (found.length === 0 ? "" : `<failure message="${escape(found.join("; "))}"/>`) + "</testcase>"
  );
  writeFileSync(
    junitPath,
    `<?xml version="1.0"?>\n<testsuite name="bundles">\n${cases.join("\n")}\n</testsuite>\n`,
  );
}
if (problems.length > 0) {
  console.log(`\nproblems:\n  ${problems.join("\n  ")}`);
  if (check) process.exit(1);
}

/** @param {number} bytes */
function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
