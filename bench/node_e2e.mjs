/**
 * End-to-end on Node: the npm build of redwire (npm/: the pooled `Redis`
 * client and one `Connection`) beside ioredis and node-redis, every figure
 * also as a ratio to a raw `node:net` loop that writes the same bytes and
 * reads the replies without a client (the ceiling), and to that loop plus
 * the promises and strings any client hands back (its floor), all in one
 * run against one redis-server this script starts. Then the memory probe: RSS growth
 * with 100,000 commands queued on a stopped server, one child process per
 * client. The workloads and the method are in bench/_e2e.mjs, shared with
 * bench/e2e.ts (Deno).
 *
 * Run: `node bench/node_e2e.mjs [durationMs | memory] [workload]` (`memory`: the
 * memory probe alone; a workload name part: only those workloads, no memory probe),
 * or `npm run bench:node --prefix scripts`.
 * It builds npm/ when stale and installs the peers into
 * scripts/bench-peers/node_modules on first use; CI never runs it.
 *
 * @module
 */

import { Buffer, isAscii } from "node:buffer";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as net from "node:net";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildIfStale, ensureInstalled, NPM_DIR, SCRIPTS, startRedis } from "../scripts/_tools.mjs";
import {
  ceilingSubjects,
  clientSubjects,
  printMemory,
  probeMemory,
  redwireSubjects,
  runThroughput,
  seed,
} from "./_e2e.mjs";

const PEERS = join(SCRIPTS, "bench-peers");
const SAMPLE = 64;

/**
 * The ceiling: node:net, write the request, count the reply bytes as they
 * arrive (Node reads into its own buffers; nothing is copied). For the floor
 * (`whole`), a reply split over chunks is also copied into one array kept
 * for the next exchange (as any Node client copies such a reply); one that
 * came in one chunk is used as it is.
 *
 * @param {number} port
 */
function connectRaw(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.setNoDelay(true);
      socket.off("error", reject);
      resolve(rawConnection(socket));
    });
    socket.once("error", reject);
  });
}

/** @param {net.Socket} socket */
function rawConnection(socket) {
  /** @type {{ expected: number, got: number, head?: Uint8Array, into?: Uint8Array, resolve: Function, reject: Function } | undefined} */
  let current;
  let reply = new Uint8Array(0);
  socket.on("data", (data) => {
    const c = current;
    if (c === undefined) return socket.destroy(new Error("raw socket: a reply nobody asked for"));
    c.head ??= data.subarray(0, SAMPLE);
    if (c.into !== undefined && c.got + data.length <= c.expected) c.into.set(data, c.got);
    c.got += data.length;
    if (c.got < c.expected) return;
    current = undefined;
    if (c.got > c.expected) {
      return c.reject(new Error(`raw socket: ${c.got} bytes, expected ${c.expected}`));
    }
    // A reply in one chunk is its own array: no copy.
    const whole = c.into !== undefined && c.expected === data.length ? data : c.into;
    c.resolve({ head: c.head, tail: data.subarray(Math.max(0, data.length - SAMPLE)), whole });
  });
  socket.on("error", (error) => current?.reject(error));
  return {
    /** @param {Uint8Array} request @param {number} replyLength @param {boolean} whole */
    exchange: (request, replyLength, whole) =>
      new Promise((resolve, reject) => {
        if (whole && reply.length < replyLength) reply = new Uint8Array(replyLength);
        const into = whole ? reply.subarray(0, replyLength) : undefined;
        current = { expected: replyLength, got: 0, into, resolve, reject };
        socket.write(request);
      }),
    close: () => socket.destroy(),
  };
}

const textDecoder = new TextDecoder();

/**
 * The floor's decoder: Node's fastest string for each value. A big ASCII
 * value goes through Buffer's latin1 decoder, which makes an external string
 * where TextDecoder fills V8's large-object space (ten times slower on Node
 * 20; redwire's src/transport/large_text.ts does the same).
 *
 * @param {Uint8Array} bytes
 */
function decodeFast(bytes) {
  if (bytes.length < 1 << 20 || !isAscii(bytes)) return textDecoder.decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

async function loadSubjects(port) {
  const { Connection, Redis } = await import(pathToFileURL(join(NPM_DIR, "esm", "mod.js")).href);
  const require = createRequire(join(PEERS, "package.json"));
  const IORedis = require("ioredis");
  const { createClient } = require("redis");
  const versions = ["ioredis", "redis"].map((name) =>
    `${name}@${require(`${name}/package.json`).version}`
  );
  const subjects = [
    ...ceilingSubjects(() => connectRaw(port), decodeFast),
    ...clientSubjects({ Redis, Connection, IORedis, createClient }, port),
  ];
  // REDWIRE_BEFORE=<another checkout, its npm/ built>: that build too, as "redwire before".
  const before = process.env.REDWIRE_BEFORE;
  if (before !== undefined) {
    const build = await import(pathToFileURL(join(before, "npm", "esm", "mod.js")).href);
    subjects.push(...redwireSubjects(build, port, " before"));
  }
  return { subjects, versions };
}

/** @param {number} durationMs Time per measurement. */
async function runNodeE2eBench(durationMs, only = "") {
  ensureInstalled(PEERS);
  buildIfStale();
  const server = await startRedis();
  try {
    const { subjects, versions } = await loadSubjects(server.port);
    const clients = subjects.filter((s) => !("ceiling" in s));
    const seeder = await clients[0].open();
    await seed(seeder);
    await seeder.close();
    if (durationMs > 0) {
      await runThroughput(subjects, {
        durationMs,
        only,
        title:
          `End to end on Node ${process.version}, redwire from npm/, ${versions.join(", ")}, ` +
          `redis-server on port ${server.port}`,
      });
    }
    const memory = (only === "" ? clients : []).map((
      s,
    ) => [s.name, memoryInChild(s.name, server)]);
    if (memory.length > 0) printMemory(memory);
  } finally {
    server.stop();
  }
}

/** How long one memory probe may take before its child is killed. */
const PROBE_LIMIT_MS = 60_000;

/** Runs the memory probe of one subject in a child process; returns bytes or why it failed. */
function memoryInChild(name, server) {
  const script = fileURLToPath(import.meta.url);
  try {
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", script, "--memory", name, String(server.port), String(server.pid)],
      // A client that never answers after SIGCONT must not hang the run.
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: PROBE_LIMIT_MS },
    );
    return JSON.parse(out.trim());
  } catch (error) {
    return error.signal === "SIGTERM"
      ? `no reply in ${PROBE_LIMIT_MS / 1000} s`
      : `failed (${error.status})`;
  } finally {
    process.kill(server.pid, "SIGCONT");
  }
}

async function memoryChild(name, port, pid) {
  const { subjects } = await loadSubjects(port);
  const subject = subjects.find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no subject ${name}`);
  const client = await subject.open();
  const growth = await probeMemory(client, {
    memory: () => process.memoryUsage(),
    gc: globalThis.gc,
    signal: (signal) => process.kill(pid, signal),
  });
  await client.close();
  console.log(JSON.stringify(growth));
  process.exit(0);
}

// Interrupted: exit through process.exit, whose handler stops the server.
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

if (process.argv[2] === "--memory") {
  await memoryChild(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
} else {
  // "memory": the memory probe alone.
  await runNodeE2eBench(
    process.argv[2] === "memory" ? 0 : Number(process.argv[2] ?? 1000),
    process.argv[3],
  );
}
