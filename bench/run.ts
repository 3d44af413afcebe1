/**
 * `deno task bench`: every benchmark, one after another, each printing its
 * figures and its ratios against the peers measured in the same run.
 * Pass names to run a subset: `deno task bench e2e pool`.
 *
 * @module
 */
const BENCHES: Record<string, () => Promise<void>> = {
  codec: async () => (await import("./codec.ts")).runCodecBench(),
  commands: async () => (await import("./commands.ts")).runCommandsBench(),
  pool: async () => (await import("./pool.ts")).runPoolBench(),
  e2e: async () => (await import("./e2e.ts")).runE2eBench(),
  bridge: async () => (await import("./bridge.ts")).runBridgeBench(),
  failover: async () => (await import("./failover.ts")).runFailoverBench(),
  typecheck: async () => (await import("./typecheck.ts")).runTypecheckBench(),
  observability: async () => (await import("./observability.ts")).runObservabilityBench(),
  bundle: () => runNodeScript("bench/bundle_size.mjs"),
};

/** Runs a Node benchmark script (the npm package's bundle sizes need npm/ built). */
async function runNodeScript(script: string): Promise<void> {
  const root = new URL("../", import.meta.url).pathname;
  try {
    await Deno.stat(`${root}npm/package.json`);
  } catch {
    console.log("npm/ is not built; run `deno task build:npm` first");
    return;
  }
  await new Deno.Command("node", {
    args: [`${root}${script}`],
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
}

const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
for (const name of wanted) {
  const run = BENCHES[name];
  if (run === undefined) {
    console.error(`Unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(", ")}`);
    Deno.exit(2);
  }
  console.log(`\n### ${name}`);
  await run();
}
