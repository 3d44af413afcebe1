/**
 * Runs every TypeScript block of README.md for real, each in its own Deno
 * process, against throwaway servers: a redis-server, a Sentinel group
 * (password and names as the README writes them) and a 6-node cluster. prelude.ts redirects the
 * README's hosts to them. A block passes when it exits 0 by itself within
 * BLOCK_TIMEOUT_MS: a block that leaves a pool or a socket open fails.
 *
 * Usage: deno run -A tests/readme/run_blocks.ts [--junit=path]
 *
 * @module
 */

import { startRedis, startSentinelTopology } from "../support/mod.ts";
import { startClusterTopology } from "../support/cluster_topology.ts";

const BLOCK_TIMEOUT_MS = 30_000;
const ROOT = new URL("../../", import.meta.url).pathname;
const junitPath = Deno.args.find((a) => a.startsWith("--junit="))?.slice("--junit=".length);

const readme = await Deno.readTextFile(`${ROOT}README.md`);
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => ({
  line: readme.slice(0, match.index).split("\n").length,
  code: match[1],
}));

const work = await Deno.makeTempDir({ dir: ROOT, prefix: ".ci-readme-" });
await Deno.writeTextFile(`${work}/ca.pem`, "not a certificate: the README only passes it along\n");
const redis = await startRedis();
const sentinel = await startSentinelTopology({
  replicas: 1,
  sentinels: 1,
  sentinelPassword: "sentinel-secret",
  password: "data-secret",
});
const cluster = await startClusterTopology();
const results: { name: string; ok: boolean; ms: number; output: string }[] = [];
try {
  await sentinel.waitForMaster();
  for (const [i, block] of blocks.entries()) {
    const file = `${work}/block_${i + 1}.ts`;
    await Deno.writeTextFile(file, `import "${ROOT}tests/readme/prelude.ts";\n${block.code}`);
    const started = Date.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        "--node-modules-dir=none",
        "--config",
        `${ROOT}deno.json`,
        file,
      ],
      cwd: work,
      env: {
        README_REDIS_PORT: String(redis.port),
        README_SENTINEL_PORT: String(sentinel.sentinels[0]!.port),
        README_CLUSTER_PORT: String(cluster.addresses[0]![1]),
        BRIDGE_TOKEN: "readme-token",
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), BLOCK_TIMEOUT_MS);
    const { code, signal, stdout, stderr } = await child.output();
    clearTimeout(timer);
    const ms = Date.now() - started;
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    const ok = code === 0;
    const name = `README.md:${block.line}`;
    results.push({ name, ok, ms, output });
    console.log(`${ok ? "ok  " : "FAIL"} ${name} (${ms} ms)`);
    if (!ok) {
      const why = signal === "SIGKILL"
        ? `did not exit within ${BLOCK_TIMEOUT_MS / 1000} s`
        : `exit ${code}`;
      console.log(`     ${why}\n     ${output.trim().split("\n").slice(-8).join("\n     ")}`);
    }
    await new Deno.Command("redis-cli", { args: ["-p", String(redis.port), "FLUSHALL"] }).output();
  }
} finally {
  await sentinel.stop();
  await cluster.stop();
  await redis.stop();
  await Deno.remove(work, { recursive: true });
}
const passed = results.filter((r) => r.ok).length;
if (junitPath !== undefined) {
  const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cases = results.map((r) =>
    `  <testcase classname="README" name="${r.name}" time="${r.ms / 1000}">` +
    (r.ok ? "" : `<failure message="${escape(r.output.slice(-2000))}"/>`) + "</testcase>"
  );
  await Deno.writeTextFile(
    junitPath,
    `<?xml version="1.0"?>\n<testsuite name="readme" tests="${results.length}">\n${
      cases.join("\n")
    }\n</testsuite>\n`,
  );
}
console.log(`README blocks: ${passed} passed, ${results.length - passed} failed`);
Deno.exit(passed === results.length ? 0 : 1);
