/**
 * For the examples that run in other runtimes (workerd, Chromium): installs
 * the pinned tools of tests/runtimes/ on first use and runs a Node helper.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const TOOLS = `${ROOT}tests/runtimes`;

/** Installs tests/runtimes/node_modules from its lock file, once. */
export async function ensureRuntimeTools(): Promise<void> {
  try {
    await Deno.stat(`${TOOLS}/node_modules/miniflare`);
    return;
  } catch { /* not installed yet */ }
  console.log("installing the pinned runtimes (tests/runtimes/package-lock.json), once");
  const status = await new Deno.Command("npm", {
    args: [
      "ci",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "--cache",
      `${ROOT}.tools/npm-cache`,
    ],
    cwd: TOOLS,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) throw new Error("npm ci in tests/runtimes failed");
}

/**
 * Runs a Node script of the repository with the runtime tools installed.
 *
 * @param script Path from the repository root.
 * @param args Its arguments.
 */
export async function runInNode(script: string, args: string[]): Promise<void> {
  await ensureRuntimeTools();
  const status = await new Deno.Command("node", {
    args: [`${ROOT}${script}`, ...args],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) throw new Error(`${script} failed (exit ${status.code})`);
}
