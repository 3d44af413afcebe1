/**
 * Failover figures (issue 4), measured on a real topology: 1 master, 2
 * replicas, 3 sentinels (down-after-milliseconds 1000) on loopback.
 *
 * - `+switch-master` → first successful write on the new master, p50/p99,
 *   with the failover subscription and without it (`watchFailover: false`);
 * - kill -9 of the master under continuous writes: longest write gap, and
 *   writes the restarted old master received from clients;
 * - acknowledged writes missing afterwards, with `WAIT 1` and without;
 * - READONLY errors the user saw.
 *
 * Run: `deno run -A bench/failover.ts [--runs=10]`. Takes a few minutes.
 *
 * @module
 */
import { type FailoverEvent, ReadOnlyError, type Redis, Sentinel } from "../mod.ts";
import {
  type SentinelTopology,
  startSentinelTopology,
  startWriteLoad,
} from "../tests/support/sentinel_topology.ts";

const NAME = "mymaster";
/** Adds the id to the set and returns the port of the server that ran it. */
const SCRIPT = "redis.call('SADD', KEYS[1], ARGV[1]) " +
  "return tonumber(string.match(redis.call('INFO', 'server'), 'tcp_port:(%d+)'))";

/** A WAIT 1 that no replica acknowledged: the write is not counted as acknowledged. */
class Unreplicated extends Error {}

interface Run {
  /** First write acknowledged by the new master, minus the first `+switch-master` (ms; < 0: before it). */
  switchToWrite: number;
  /** From SENTINEL FAILOVER / kill -9 to the first write on the new master (ms). */
  startToWrite: number;
  /** Longest time without an acknowledged plain write (ms). */
  longestGap: number;
  /** Longest time without a write acknowledged by WAIT 1 (ms): the new master has no replica at first. */
  longestWaitedGap: number;
  acked: number;
  lost: number;
  ackedWaited: number;
  lostWaited: number;
  errors: number;
  readOnlyErrors: number;
  intruders: number;
}

interface Scenario {
  kill: boolean;
  watch: boolean;
}

/**
 * Runs every scenario `runs` times on a topology it starts and stops, and
 * prints the figures.
 *
 * @param options `runs` per scenario (default 10).
 * @returns Resolves when done; the topology is stopped even on failure.
 *
 * @example
 * ```ts
 * import { runFailoverBench } from "./failover.ts";
 *
 * await runFailoverBench({ runs: 2 });
 * ```
 */
export async function runFailoverBench(options: { runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 10;
  const topology = await startSentinelTopology();
  const observer = new Sentinel(topology.addresses);
  const switches: number[] = [];
  observer.onFailover(NAME, (event: FailoverEvent) => {
    if (event.kind === "switched") switches.push(performance.now());
  });
  try {
    console.log(
      `redwire failover bench: ${runs} runs per scenario; 1 master, 2 replicas, 3 sentinels`,
    );
    console.log(
      "(down-after-milliseconds 1000; writers: 6 SADD via EVAL + 2 SADD+WAIT 1 pipelines)\n",
    );
    const scenarios: [string, Scenario][] = [
      ["SENTINEL FAILOVER, subscribed", { kill: false, watch: true }],
      ["SENTINEL FAILOVER, no subscription", { kill: false, watch: false }],
      ["kill -9 of the master, subscribed", { kill: true, watch: true }],
    ];
    for (const [label, scenario] of scenarios) {
      const results: Run[] = [];
      for (let run = 0; run < runs; run++) {
        results.push(await failoverRun(topology, switches, scenario, run));
      }
      report(label, scenario, results);
    }
    await readOnlyRuns(topology, runs);
  } finally {
    await observer.close();
    await topology.stop();
  }
}

async function failoverRun(
  topology: SentinelTopology,
  switches: number[],
  scenario: Scenario,
  run: number,
): Promise<Run> {
  const old = await topology.waitForMaster({ settled: true, timeout: 30_000 });
  const sentinel = new Sentinel(topology.addresses);
  const redis = sentinel.masterFor(NAME, { watchFailover: scenario.watch });
  const [plainKey, waitedKey] = [`plain:${run}`, `waited:${run}`];
  try {
    await redis.del(plainKey, waitedKey);
    const plain = startWriteLoad((id) => redis.eval(SCRIPT, [plainKey], [id]), { writers: 6 });
    const waited = startWriteLoad((id) => waitedWrite(redis, waitedKey, id), { writers: 2 });
    await sleep(300);
    const start = performance.now();
    if (scenario.kill) old.kill("SIGKILL");
    else await topology.failover();
    const next = await topology.waitForMaster({ not: old, timeout: 30_000 });
    let intruders = 0;
    if (scenario.kill) {
      await old.restart();
      const monitor = await topology.monitor(old.port, ["eval", "evalsha", "sadd"]);
      await topology.waitForMaster({ settled: true, timeout: 30_000 });
      intruders = monitor.stop().length;
    } else {
      await topology.waitForMaster({ settled: true, timeout: 30_000 });
    }
    await sleep(200);
    const [p, w] = await Promise.all([plain.stop(), waited.stop()]);
    const firstOnNew = p.ackedAt.find((at, i) => at > start && p.results[i] === next.port) ?? NaN;
    const switchedAt = switches.find((at) => at > start) ?? NaN;
    const errors = [...p.errors, ...w.errors.filter((e) => !(e instanceof Unreplicated))];
    return {
      switchToWrite: firstOnNew - switchedAt,
      startToWrite: firstOnNew - start,
      longestGap: p.longestGap,
      longestWaitedGap: w.longestGap,
      acked: p.acked.length,
      lost: (await topology.missing(next.port, plainKey, p.acked)).length,
      ackedWaited: w.acked.length,
      lostWaited: (await topology.missing(next.port, waitedKey, w.acked)).length,
      errors: errors.length,
      readOnlyErrors: errors.filter(isReadOnly).length,
      intruders,
    };
  } finally {
    await redis.close();
    await sentinel.close();
    const master = await topology.waitForMaster({ timeout: 30_000 });
    await topology.command(master.port, ["DEL", plainKey, waitedKey]);
  }
}

async function waitedWrite(redis: Redis, key: string, id: string): Promise<number> {
  const [, replicas] = await redis.pipeline().sadd(key, id).wait(1, 100).exec();
  if ((replicas as number) < 1) throw new Unreplicated(`WAIT 1 timed out for ${id}`);
  return replicas as number;
}

function isReadOnly(error: Error): boolean {
  return error instanceof ReadOnlyError || error.cause instanceof ReadOnlyError;
}

/**
 * The master moves by hand (REPLICAOF, no CLIENT KILL) while a client with
 * pooled connections to it and no subscription keeps writing: every write it
 * sends there gets READONLY. Counts what the server refused and what the user saw.
 */
async function readOnlyRuns(topology: SentinelTopology, runs: number): Promise<void> {
  let refused = 0, seen = 0, seenPipelines = 0, stale = 0, writes = 0;
  for (let run = 0; run < runs; run++) {
    const old = await topology.waitForMaster({ settled: true, timeout: 30_000 });
    const sentinel = new Sentinel(topology.addresses);
    const redis = sentinel.masterFor(NAME, { watchFailover: false });
    try {
      redis.pool.addEventListener("destroy", (event) => event.detail.reason === "stale" && stale++);
      const before = await readOnlyCount(topology, old.port);
      const single = startWriteLoad((id) => redis.sadd(`ro:${run}`, id), { writers: 6 });
      const piped = startWriteLoad((id) => redis.pipeline().sadd(`ro:${run}`, id).exec(), {
        writers: 2,
      });
      await sleep(200);
      await topology.moveMasterByHand(topology.nodes.find((node) => node !== old)!);
      await sleep(200);
      const [s, p] = await Promise.all([single.stop(), piped.stop()]);
      refused += await readOnlyCount(topology, old.port) - before;
      seen += s.errors.filter(isReadOnly).length;
      seenPipelines += p.errors.filter(isReadOnly).length;
      writes += s.acked.length + p.acked.length;
    } finally {
      await redis.close();
      await sentinel.close();
    }
  }
  console.log(
    `READONLY: the master demoted by hand (no CLIENT KILL), ${runs} runs, no subscription`,
  );
  console.log(`  ${writes} writes acknowledged; the old master refused ${refused} with READONLY`);
  console.log(
    `  READONLY errors seen by the user: ${seen} for single commands (each is retried once on`,
  );
  console.log(
    `  the new master), ${seenPipelines} for pipelines (not retried), over ${stale} stale connections\n`,
  );
}

async function readOnlyCount(topology: SentinelTopology, port: number): Promise<number> {
  const stats = String(await topology.command(port, ["INFO", "errorstats"]));
  return Number(/errorstat_READONLY:count=(\d+)/.exec(stats)?.[1] ?? 0);
}

function report(label: string, scenario: Scenario, runs: Run[]): void {
  const ms = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    return sorted.length === 0 ? "n/a" : `p50 ${fmt(at(0.5)!)} ms, p99 ${fmt(at(0.99)!)} ms`;
  };
  const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
  console.log(`${label} (${runs.length} runs)`);
  console.log(
    `  +switch-master -> first write on the new master: ${ms(runs.map((r) => r.switchToWrite))}`,
  );
  console.log(
    `  ${scenario.kill ? "kill -9" : "SENTINEL FAILOVER"} -> first write on the new master: ${
      ms(runs.map((r) => r.startToWrite))
    }`,
  );
  console.log(`  longest write gap: ${ms(runs.map((r) => r.longestGap))}`);
  console.log(
    `  longest gap between writes acknowledged by WAIT 1: ${
      ms(runs.map((r) => r.longestWaitedGap))
    }`,
  );
  console.log(
    `  acknowledged writes lost: ${sum((r) => r.lost)} of ${sum((r) => r.acked)} without WAIT; ` +
      `${sum((r) => r.lostWaited)} of ${sum((r) => r.ackedWaited)} after WAIT 1`,
  );
  console.log(
    `  errors seen by writers: ${sum((r) => r.errors)} (READONLY: ${sum((r) => r.readOnlyErrors)})`,
  );
  if (scenario.kill) {
    console.log(`  client writes received by the restarted old master: ${sum((r) => r.intruders)}`);
  }
  console.log();
}

function fmt(value: number): string {
  return value.toFixed(0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.main) {
  const flag = Deno.args.find((arg) => arg.startsWith("--runs="));
  await runFailoverBench({ runs: flag === undefined ? 10 : Number(flag.slice("--runs=".length)) });
}
