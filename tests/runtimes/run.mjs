/**
 * Runs the smoke suite (smoke.js) in the real runtimes, against a throwaway
 * redis-server and a redwire bridge in front of it:
 *
 * - workerd (miniflare), WITHOUT `nodejs_compat`: over `cloudflare:sockets`
 *   and over the bridge (bundled with the `workerd` / `worker` conditions);
 * - the Vercel Edge Runtime (`edge-runtime`): over the bridge (`edge-light`);
 * - headless Chromium (Debian's `chromium` driven by `puppeteer-core`):
 *   over the bridge (`browser`).
 *
 * The runtimes come pinned from tests/runtimes/package-lock.json (`npm ci`
 * here installs them into tests/runtimes/node_modules, inside the clone);
 * the package from npm/ (`deno task build:npm`). A runtime that is missing
 * counts as one failure. Prints one line per case and per runtime, and
 * writes a JUnit report when given `--junit=path`.
 *
 * Usage: node tests/runtimes/run.mjs [--junit=path] [workerd] [edge] [chromium]
 *
 * @module
 */

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildIfStale, freePort, ROOT, startRedis } from "../../scripts/_tools.mjs";

const HERE = import.meta.dirname;
const TOKEN = "smoke-token";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const args = process.argv.slice(2);
const junitPath = args.find((a) => a.startsWith("--junit="))?.slice("--junit=".length);
const only = args.filter((a) => !a.startsWith("--"));
const wanted = (name) => only.length === 0 || only.includes(name);

/** @type {{ suite: string, name: string, ok: boolean, ms: number, error?: string }[]} */
const cases = [];
const record = (suite, results) => {
  for (const result of results) {
    cases.push({ suite, ...result });
    console.log(`${result.ok ? "ok  " : "FAIL"} ${suite}: ${result.name} (${result.ms} ms)`);
    if (!result.ok) console.log(`     ${result.error?.split("\n").slice(0, 4).join("\n     ")}`);
  }
};
const broken = (suite, error) =>
  record(suite, [{ name: "runs", ok: false, ms: 0, error: String(error?.stack ?? error) }]);

buildIfStale();
const work = mkdtempSync(join(HERE, ".work-"));
const redis = await startRedis();
const deadPort = await freePort();
const bridge = await startBridge(redis.port);
const params = {
  host: "127.0.0.1",
  port: redis.port,
  deadPort,
  token: TOKEN,
  bridgeUrl: `ws://127.0.0.1:${bridge.port}/`,
  deadBridgeUrl: `ws://127.0.0.1:${deadPort}/`,
};
try {
  mkdirSync(join(work, "node_modules", "@redwire"), { recursive: true });
  symlinkSync(join(ROOT, "npm"), join(work, "node_modules", "@redwire", "redis"), "dir");
  if (wanted("workerd")) await guarded("workerd", () => runWorkerd());
  if (wanted("edge")) await guarded("edge-runtime", () => runEdge());
  if (wanted("chromium")) await guarded("chromium", () => runChromium());
} finally {
  bridge.stop();
  redis.stop();
  rmSync(work, { recursive: true, force: true });
}

const passed = cases.filter((c) => c.ok).length;
const failed = cases.length - passed;
for (const suite of new Set(cases.map((c) => c.suite))) {
  const mine = cases.filter((c) => c.suite === suite);
  console.log(
    `${suite}: ${mine.filter((c) => c.ok).length} passed, ${
      mine.filter((c) => !c.ok).length
    } failed`,
  );
}
if (junitPath !== undefined) writeFileSync(junitPath, junit(cases));
console.log(`runtimes: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

async function guarded(suite, fn) {
  try {
    await fn();
  } catch (error) {
    broken(suite, error);
  }
}

/** Bundles smoke.js plus `tail` for a runtime, as its users' bundlers would. */
async function bundle(conditions, format, tail) {
  const esbuild = await import("esbuild");
  const entry = join(work, `entry-${conditions[0]}.js`);
  writeFileSync(
    entry,
    `import { smoke } from ${JSON.stringify(join(HERE, "smoke.js"))};\n${tail}\n`,
  );
  const result = await esbuild.build({
    absWorkingDir: work,
    entryPoints: [entry],
    bundle: true,
    format,
    platform: "browser",
    conditions,
    nodePaths: [join(work, "node_modules")],
    external: ["cloudflare:sockets"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

async function runWorkerd() {
  const { Miniflare } = await import("miniflare");
  const code = await bundle(
    ["workerd", "worker"],
    "esm",
    `export default { async fetch(request) {
      const p = JSON.parse(new URL(request.url).searchParams.get("p"));
      return Response.json(await smoke(p));
    } };`,
  );
  // No compatibilityFlags: no nodejs_compat, so no node:* module exists.
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: "worker.mjs", contents: code }],
    compatibilityDate: "2025-09-01",
  });
  try {
    for (const mode of ["sockets", "bridge"]) {
      const p = { ...params, mode, isolation: "refusal" };
      const response = await mf.dispatchFetch(
        `http://localhost/?p=${encodeURIComponent(JSON.stringify(p))}`,
      );
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`the worker answered ${response.status}: ${text.slice(0, 500)}`);
      }
      record(`workerd (${mode === "sockets" ? "cloudflare:sockets" : "bridge"})`, JSON.parse(text));
    }
  } finally {
    await mf.dispose();
  }
}

async function runEdge() {
  const { EdgeRuntime } = await import("edge-runtime");
  const code = await bundle(
    ["edge-light", "worker", "browser"],
    "iife",
    "globalThis.smoke = smoke;",
  );
  const runtime = new EdgeRuntime({ initialCode: code });
  const results = await runtime.evaluate(
    `smoke(${
      JSON.stringify({
        ...params,
        mode: "bridge",
        noSockets: true,
        isolation: "refusal",
        bridgeOnly: true,
      })
    })`,
  );
  record("edge-runtime (bridge)", JSON.parse(JSON.stringify(results)));
}

async function runChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  }
  const { default: puppeteer } = await import("puppeteer-core");
  const code = await bundle(["browser"], "esm", "globalThis.smoke = smoke;");
  const http = createServer((request, response) => {
    if (request.url === "/smoke.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(code);
    } else {
      response.writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><script type="module" src="/smoke.js"></script>');
    }
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const profile = mkdtempSync(join(work, "chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${http.address().port}/`);
    await page.waitForFunction(() => typeof globalThis.smoke === "function", { timeout: 10_000 });
    const results = await page.evaluate((p) => globalThis.smoke(p), {
      ...params,
      mode: "bridge",
      noSockets: true,
      isolation: "refusal",
      bridgeOnly: true,
    });
    record("chromium (bridge)", results);
  } finally {
    await browser.close();
    http.close();
  }
}

/** Starts `serveBridge` (from the sources, on Deno) in front of Redis; resolves with its port. */
function startBridge(redisPort) {
  const script = `
    import { serveBridge } from ${JSON.stringify(join(ROOT, "bridge.ts"))};
    const bridge = await serveBridge({ port: 0, target: { host: "127.0.0.1", port: ${redisPort} }, token: ${
    JSON.stringify(TOKEN)
  } });
    console.log(bridge.port);`;
  const child = spawn("deno", ["eval", "--quiet", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the bridge did not start within 30 s")),
      30_000,
    );
    child.stdout.once("data", (data) => {
      clearTimeout(timer);
      resolve({ port: Number(String(data).trim()), stop: () => child.kill("SIGKILL") });
    });
    child.once("exit", (code) => reject(new Error(`the bridge exited (${code})`)));
  });
}

function junit(all) {
  const escape = (text) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = all.map((c) =>
    `  <testcase classname="${escape(c.suite)}" name="${escape(c.name)}" time="${c.ms / 1000}">` +
    (c.ok ? "" : `<failure message="${escape(c.error ?? "")}"/>`) + "</testcase>"
  ).join("\n");
  return `<?xml version="1.0"?>\n<testsuite name="runtimes" tests="${all.length}">\n${body}\n</testsuite>\n`;
}
