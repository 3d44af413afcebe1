/**
 * Shared helpers of the Node scripts: repository paths, and the dev tools
 * (esbuild, typescript, @types/node) that scripts/package.json pins and
 * `npm ci` installs into scripts/node_modules on first use.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The scripts/ folder. */
export const SCRIPTS = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = dirname(SCRIPTS);
/** Where `deno task build:npm` writes the package. */
export const NPM_DIR = join(ROOT, "npm");

/**
 * Installs the pinned dev tools with `npm ci` when they are missing or older
 * than scripts/package-lock.json.
 *
 * @param {string} dir A folder holding a package.json and package-lock.json.
 */
export function ensureInstalled(dir = SCRIPTS) {
  const lock = join(dir, "package-lock.json");
  const stamp = join(dir, "node_modules", ".package-lock.json");
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) {
    return;
  }
  console.log(`installing dev tools in ${dir} (npm ci)`);
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
  });
}

/**
 * Runs a command, inheriting stdio; exits the process when it fails.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {import("node:child_process").SpawnSyncOptions} [options]
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) {
    const why = result.error?.message ??
      `exit code ${result.status ?? result.signal}`;
    fail(`${command} ${args.join(" ")} failed: ${why}`);
  }
  return result;
}

/**
 * Prints an error and exits with status 1.
 *
 * @param {string} message
 * @returns {never}
 */
export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** @returns {{ name: string, version: string, exports: Record<string, string>, imports?: Record<string, string> }} */
export function readDenoJson() {
  return JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
}

/** Builds npm/ when it is missing or older than any file it is built from. */
export function buildIfStale() {
  const stamp = join(NPM_DIR, "package.json");
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const sources = [
    join(ROOT, "deno.json"),
    join(ROOT, "README.md"),
    ...walk(join(ROOT, "src")),
    ...walk(join(SCRIPTS, "twins")),
    join(SCRIPTS, "build_npm.mjs"),
  ];
  for (const entry of Object.values(readDenoJson().exports)) {
    sources.push(resolve(ROOT, entry));
  }
  const newer = sources.find((file) => existsSync(file) && statSync(file).mtimeMs > builtAt);
  if (newer === undefined) return;
  console.log(
    builtAt === 0
      ? "npm/ is missing: building it"
      : `${relative(ROOT, newer)} is newer than npm/: rebuilding`,
  );
  run(process.execPath, [join(SCRIPTS, "build_npm.mjs")]);
}

/**
 * Every file under a folder.
 *
 * @param {string} dir
 * @returns {string[]}
 */
export function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * Starts a throwaway redis-server on a free loopback port.
 *
 * @returns {Promise<{ port: number, pid: number | undefined, stop(): void }>}
 */
export async function startRedis() {
  const port = await freePort();
  const child = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ], { stdio: "ignore" });
  const stop = () => child.exitCode === null && child.kill("SIGKILL");
  // A script that fails exits with process.exit(): the server goes with it.
  process.once("exit", stop);
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      fail(
        `redis-server did not start on port ${port} (is redis-server installed?)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, pid: child.pid, stop };
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** @param {number} port */
function answers(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}
