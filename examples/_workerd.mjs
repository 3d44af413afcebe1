/**
 * Runs a worker module (TypeScript, importing `@redwire/redis`) in a local
 * workerd without `nodejs_compat`: bundles it with esbuild as wrangler would
 * (`workerd` / `worker` conditions, the library from this checkout's
 * sources), sends it three requests, prints the answers.
 *
 * Usage: node examples/_workerd.mjs WORKER.ts REDIS_URL
 *
 * @module
 */

import { createRequire } from "node:module";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const require = createRequire(join(ROOT, "tests", "runtimes", "package.json"));
const esbuild = require("esbuild");
const { Miniflare } = await import(require.resolve("miniflare"));

const [workerFile, redisUrl] = process.argv.slice(2);
const { outputFiles } = await esbuild.build({
  entryPoints: [workerFile],
  bundle: true,
  format: "esm",
  platform: "browser",
  conditions: ["workerd", "worker"],
  alias: { "@redwire/redis": join(ROOT, "mod.ts") },
  external: ["cloudflare:sockets"],
  write: false,
  logLevel: "warning",
});
const code = outputFiles[0].text;
console.log(
  `bundled the worker: ${(code.length / 1024).toFixed(0)} KiB; starting workerd (no nodejs_compat)`,
);
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: "worker.mjs", contents: code }],
  compatibilityDate: "2025-09-01",
  bindings: { REDIS_URL: redisUrl },
});
try {
  for (const path of ["/", "/about", "/"]) {
    const response = await mf.dispatchFetch(`http://worker.example${path}`);
    console.log(`GET ${path} -> ${response.status} ${await response.text()}`);
  }
} finally {
  await mf.dispose();
}
