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
  observability: async () => (await import("./observability.ts")).runObservabilityBench(),
};

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
