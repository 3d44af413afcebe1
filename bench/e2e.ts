/**
 * End-to-end on Deno: redwire (the pooled `Redis` client and one
 * `Connection`) beside ioredis and node-redis, every figure also as a ratio
 * to a raw `Deno.connect` loop that writes the same bytes and reads the
 * replies without a client (the ceiling), and to that loop plus the promises
 * and strings any client hands back (its floor), all in one run against one
 * redis-server this script starts. Then the memory probe: RSS growth with
 * 100,000 commands queued on a stopped server, one child process per client.
 * The workloads and the method are in bench/_e2e.mjs, shared with
 * bench/node_e2e.mjs.
 *
 * Run: `deno run -A bench/e2e.ts [durationMs | memory] [workload]` (`memory`: the
 * memory probe alone; a workload name part: only those workloads, no memory probe)
 *
 * @module
 */
import { Connection, Redis } from "../mod.ts";
import { startRedis } from "../tests/support/mod.ts";
import { Redis as IORedis } from "npm:ioredis@5";
import { createClient } from "npm:redis@4";
import {
  ceilingSubjects,
  clientSubjects,
  printMemory,
  probeMemory,
  redwireSubjects,
  runThroughput,
  seed,
} from "./_e2e.mjs";

/** Bytes the raw loop asks of the socket per read. */
const RAW_READ = 256 * 1024;
const SAMPLE = 64;
/** How long one memory probe may take before its child is killed. */
const PROBE_LIMIT_MS = 60_000;

interface RawConnection {
  exchange(
    request: Uint8Array,
    replyLength: number,
    whole: boolean,
  ): Promise<{ head: Uint8Array; tail: Uint8Array; whole?: Uint8Array }>;
  close(): void;
}

/**
 * The ceiling: Deno.connect, write the request, read and count the reply.
 * For the floor (`whole`), the reply is read straight into one array kept
 * for the next exchange (as a client reuses its buffers): no copy either way.
 */
async function connectRaw(port: number): Promise<RawConnection> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const buffer = new Uint8Array(RAW_READ);
  let reply = new Uint8Array(0);
  return {
    async exchange(request, replyLength, whole) {
      for (let at = 0; at < request.length;) at += await conn.write(request.subarray(at));
      if (whole && reply.length < replyLength) reply = new Uint8Array(replyLength);
      const into = whole ? reply.subarray(0, replyLength) : undefined;
      let got = 0;
      let head: Uint8Array | undefined;
      let tail = new Uint8Array(0);
      while (got < replyLength) {
        const target = into === undefined ? buffer : into.subarray(got, got + RAW_READ);
        const n = await conn.read(target);
        if (n === null) throw new Error("raw socket: the server closed the connection");
        head ??= target.slice(0, Math.min(n, SAMPLE));
        got += n;
        if (got === replyLength) tail = target.slice(Math.max(0, n - SAMPLE), n);
      }
      if (got !== replyLength) throw new Error(`raw socket: ${got} bytes, expected ${replyLength}`);
      return { head: head!, tail, whole: into };
    },
    close: () => conn.close(),
  };
}

/**
 * REDWIRE_BEFORE=<folder of another redwire checkout> measures that build too,
 * as "redwire before": a before/after comparison within one run.
 */
const BEFORE = Deno.env.get("REDWIRE_BEFORE");
const before = BEFORE === undefined ? undefined : await import(`${BEFORE}/mod.ts`);

function subjects(port: number) {
  return [
    ...ceilingSubjects(() => connectRaw(port)),
    ...clientSubjects({ Redis, Connection, IORedis, createClient }, port),
    ...(before === undefined ? [] : redwireSubjects(before, port, " before")),
  ];
}

/** Runs the throughput tables, then the memory probe; prints both. */
export async function runE2eBench(
  durationMs = 1000,
  memoryOnly = false,
  only = "",
): Promise<void> {
  const server = await startRedis();
  try {
    const all = subjects(server.port);
    const clients = all.filter((s) => !("ceiling" in s));
    const seeder = await clients[0].open();
    await seed(seeder);
    await seeder.close();
    if (!memoryOnly) {
      await runThroughput(all, {
        durationMs,
        only,
        title: `End to end on Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ` +
          `redis-server on port ${server.port}`,
      });
    }
    const memory: [string, { rss: number; heap: number } | string][] = [];
    for (const s of only === "" ? clients : []) {
      memory.push([s.name, await memoryInChild(s.name, server.port, server.pid)]);
    }
    if (memory.length > 0) printMemory(memory);
  } finally {
    await server.stop();
  }
}

async function memoryInChild(
  name: string,
  port: number,
  pid: number,
): Promise<{ rss: number; heap: number } | string> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      "--memory",
      name,
      String(port),
      String(pid),
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  // A client that never answers after SIGCONT must not hang the run: the
  // child gets a time limit, and the server is resumed whatever happened.
  const child = command.spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), PROBE_LIMIT_MS);
  try {
    const { code, stdout, signal } = await child.output();
    const text = new TextDecoder().decode(stdout).trim();
    if (code === 0) return JSON.parse(text);
    return signal === "SIGKILL" ? `no reply in ${PROBE_LIMIT_MS / 1000} s` : `failed (${code})`;
  } finally {
    clearTimeout(timer);
    Deno.kill(pid, "SIGCONT");
  }
}

async function memoryChild(name: string, port: number, pid: number): Promise<void> {
  const subject = subjects(port).find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no subject ${name}`);
  const client = await subject.open();
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const growth = await probeMemory(client, {
    memory: () => Deno.memoryUsage(),
    gc,
    signal: (signal: Deno.Signal) => Deno.kill(pid, signal),
  });
  await client.close();
  console.log(JSON.stringify(growth));
}

if (import.meta.main) {
  if (Deno.args[0] === "--memory") {
    await memoryChild(Deno.args[1], Number(Deno.args[2]), Number(Deno.args[3]));
    Deno.exit(0);
  } else {
    const memoryOnly = Deno.args[0] === "memory";
    await runE2eBench(memoryOnly ? 0 : Number(Deno.args[0] ?? 1000), memoryOnly, Deno.args[1]);
  }
}
