/**
 * The end-to-end benchmark shared by bench/e2e.ts (Deno) and
 * bench/node_e2e.mjs (Node): the workloads, how they are timed and checked,
 * the client subjects, the memory probe and the tables. Each runtime's script
 * supplies what differs: the raw socket loop, how redwire and the peers are
 * loaded, the server, and the child processes of the memory probe.
 *
 * Method: one redis-server; every subject (raw socket, its floor, redwire,
 * ioredis, node-redis) runs every workload, 3 repetitions; within a repetition the
 * subjects take turns in short slices (order rotated), so outside load on a
 * shared machine hits all of them alike. A figure is the median of its three
 * repetitions, a ratio is that median over the raw socket's median. Every reply counted is
 * read and checked (the raw loop checks the byte count and a sample of bytes).
 *
 * The floor ("raw + promises") is the raw loop plus the least any client
 * must do to hand replies back as redwire's contract says: one promise per
 * call, settled, and each value decoded to a string, with no encoding, no
 * parsing and no client state (where the values lie in the reply is known in
 * advance). It does that work after the whole reply is in, as a client
 * must for one value or one burst; only a client that overlaps its work
 * with the server's (a big pipeline written in parts) can pass it. What
 * separates a client from the floor is the client's own work.
 *
 * Plain JavaScript so that Deno and Node load the same file.
 *
 * @module
 */

const encoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Repetitions of every measurement; figures are their medians. */
export const REPETITIONS = 3;
/** Commands in one in-flight burst. */
export const IN_FLIGHT = 100;
/** Commands in one pipeline (SET and GET alternated). */
export const PIPELINE = 1000;
/** Clients (one connection each) in the many-connections workload. */
export const CONNECTIONS = 50;
/** Commands queued against a stopped server in the memory probe. */
export const QUEUED = 100_000;

const MIB = 1024 * 1024;
const SMALL_KEY = "bench:small";
const BIG_KEY = "bench:big";
const BIG_SET_KEY = "bench:big:set";
const SMALL = pattern(64);
const BIG = pattern(MIB);
const PIPELINE_KEYS = Array.from({ length: PIPELINE / 2 }, (_, i) => `bench:p:${i}`);

/** ASCII text of `length` bytes that changes every byte, so a misplaced slice fails a check. */
function pattern(length) {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  return alphabet.repeat(Math.ceil(length / 64)).slice(0, length);
}

/** RESP of one command, as the raw loop writes it. */
function resp(args) {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${encoder.encode(arg).length}\r\n${arg}\r\n`;
  return text;
}

function bulk(value) {
  return `$${value.length}\r\n${value}\r\n`;
}

/** A SET's reply: "OK", or `true` from redwire's typed `set`. */
function isOk(reply) {
  return reply === "OK" || reply === true;
}

function fail(what) {
  throw new Error(`wrong reply: ${what}`);
}

/** Whether `value` is `expected`: whole when short, else by its length and three 64-byte samples. */
function matches(value, expected) {
  if (typeof value !== "string" || value.length !== expected.length) return false;
  if (value.length <= 4096) return value === expected;
  const at = [0, value.length >> 1, value.length - 64];
  return at.every((i) => value.slice(i, i + 64) === expected.slice(i, i + 64));
}

function checkBig(value) {
  if (!matches(value, BIG)) fail("1 MiB value");
}

/**
 * A workload: `run` drives a client and returns what it counted (operations,
 * or bytes for the MB/s rows); `raw` is the same traffic as bytes: the
 * request, the exact reply the raw loop counts and samples, and how many
 * promises a client returns for it (`calls`, for the floor).
 */
export const WORKLOADS = [
  {
    name: "sequential GET",
    unit: "ops/s",
    run: async (c) => {
      if ((await c.get(SMALL_KEY)) !== SMALL) fail("GET");
      return 1;
    },
    raw: { request: resp(["GET", SMALL_KEY]), reply: bulk(SMALL), count: 1, calls: 1 },
  },
  {
    name: `${IN_FLIGHT} GETs in flight`,
    unit: "ops/s",
    run: async (c) => {
      const calls = new Array(IN_FLIGHT);
      for (let i = 0; i < IN_FLIGHT; i++) calls[i] = c.get(SMALL_KEY);
      for (const value of await Promise.all(calls)) if (value !== SMALL) fail("GET");
      return IN_FLIGHT;
    },
    raw: {
      request: resp(["GET", SMALL_KEY]).repeat(IN_FLIGHT),
      reply: bulk(SMALL).repeat(IN_FLIGHT),
      count: IN_FLIGHT,
      calls: IN_FLIGHT,
    },
  },
  {
    name: `pipeline of ${PIPELINE} (SET, GET)`,
    unit: "ops/s",
    run: async (c) => {
      const replies = await c.pipeline(PIPELINE_KEYS, SMALL);
      if (replies.length !== PIPELINE) fail("pipeline length");
      for (let i = 0; i < PIPELINE; i += 2) {
        if (!isOk(replies[i]) || replies[i + 1] !== SMALL) fail(`pipeline reply ${i}`);
      }
      return PIPELINE;
    },
    raw: {
      request: PIPELINE_KEYS.map((k) => resp(["SET", k, SMALL]) + resp(["GET", k])).join(""),
      reply: `+OK\r\n${bulk(SMALL)}`.repeat(PIPELINE / 2),
      count: PIPELINE,
      calls: 1,
    },
  },
  {
    name: "1 MiB GET",
    unit: "MB/s",
    run: async (c) => {
      checkBig(await c.get(BIG_KEY));
      return BIG.length;
    },
    raw: { request: resp(["GET", BIG_KEY]), reply: bulk(BIG), count: BIG.length, calls: 1 },
  },
  {
    name: "1 MiB SET",
    unit: "MB/s",
    run: async (c) => {
      if (!isOk(await c.set(BIG_SET_KEY, BIG))) fail("SET");
      return BIG.length;
    },
    raw: {
      request: resp(["SET", BIG_SET_KEY, BIG]),
      reply: "+OK\r\n",
      count: BIG.length,
      calls: 1,
    },
  },
  {
    name: `${CONNECTIONS} connections, 1 GET each`,
    unit: "ops/s",
    connections: CONNECTIONS,
    run: async (clients) => {
      const values = await Promise.all(clients.map((c) => c.get(SMALL_KEY)));
      for (const value of values) if (value !== SMALL) fail("GET");
      return CONNECTIONS;
    },
    raw: { request: resp(["GET", SMALL_KEY]), reply: bulk(SMALL), count: 1, calls: 1 },
  },
];

/** Writes the values the workloads read. */
export async function seed(client) {
  await client.set(SMALL_KEY, SMALL);
  await client.set(BIG_KEY, BIG);
}

/**
 * The client subjects, from the constructors each runtime loads. Each
 * `open()` makes a client with one connection; a client has get, set,
 * pipeline (SET and GET of each key, alternated) and close.
 */
export function clientSubjects({ Redis, Connection, IORedis, createClient }, port) {
  const url = `redis://127.0.0.1:${port}`;
  return [
    ...redwireSubjects({ Redis, Connection }, port),
    ioredisSubject("ioredis", IORedis, port, false),
    ioredisSubject("ioredis auto", IORedis, port, true),
    {
      name: "node-redis",
      open: async () => {
        const client = createClient({ url });
        await client.connect();
        return {
          get: (k) => client.get(k),
          set: (k, v) => client.set(k, v),
          pipeline: (keys, value) => {
            const m = client.multi();
            for (const k of keys) m.set(k, value).get(k);
            return m.execAsPipeline();
          },
          close: () => client.quit(),
        };
      },
    },
  ];
}

/**
 * The redwire subjects: the pooled `Redis` client and one `Connection`.
 * `suffix` names another build of redwire measured beside this one (a
 * before/after comparison in one run: REDWIRE_BEFORE in the scripts).
 */
export function redwireSubjects({ Redis, Connection }, port, suffix = "") {
  const url = `redis://127.0.0.1:${port}`;
  return [
    {
      name: `redwire${suffix}`,
      open: () => {
        // The memory probe queues 100,000 commands: above the default bound
        // of 10,000 (issue 14), which would refuse the rest.
        const redis = new Redis({ host: "127.0.0.1", port, maxQueuedCommands: 2 * QUEUED });
        return {
          get: (k) => redis.get(k),
          set: (k, v) => redis.set(k, v),
          pipeline: (keys, value) => {
            const p = redis.pipeline();
            for (const k of keys) p.set(k, value).get(k);
            return p.exec();
          },
          close: () => redis.close(),
        };
      },
    },
    {
      name: `redwire Connection${suffix}`,
      open: async () => {
        const conn = new Connection(url);
        await conn.connect();
        return {
          get: (k) => conn.command(["GET", k]),
          set: (k, v) => conn.command(["SET", k, v]),
          pipeline: (keys, value) => {
            const commands = [];
            for (const k of keys) commands.push(["SET", k, value], ["GET", k]);
            return conn.batch(commands);
          },
          close: () => conn.close(),
        };
      },
    },
  ];
}

function ioredisSubject(name, IORedis, port, enableAutoPipelining) {
  return {
    name,
    open: async () => {
      const client = new IORedis({ host: "127.0.0.1", port, enableAutoPipelining });
      await client.ping();
      return {
        get: (k) => client.get(k),
        set: (k, v) => client.set(k, v),
        pipeline: async (keys, value) => {
          const p = client.pipeline();
          for (const k of keys) p.set(k, value).get(k);
          return (await p.exec()).map(([error, reply]) => error ?? reply);
        },
        close: () => client.quit(),
      };
    },
  };
}

/**
 * The ceiling subjects, from a runtime's socket loop: the raw socket, then
 * its floor (see the module doc), which decodes values with `decode` (the
 * runtime's fastest way to a string). `connect()` resolves to
 * `exchange(request, replyLength, whole)`, which writes the bytes and reads
 * until `replyLength` bytes came back, resolving with the first and last (up
 * to) 64 of them, and with `whole` the whole reply as one array; and `close()`.
 */
export function ceilingSubjects(connect, decode = (bytes) => textDecoder.decode(bytes)) {
  return [
    { name: "raw socket", open: () => connect(), ceiling: rawRun },
    { name: "raw + promises", open: () => connect(), ceiling: (w) => floorRun(w, decode) },
  ];
}

function rawRun(workload) {
  const request = encoder.encode(workload.raw.request);
  const reply = encoder.encode(workload.raw.reply);
  return perConnection(workload, async (conn) => {
    const { head, tail } = await conn.exchange(request, reply.length, false);
    const wantHead = reply.subarray(0, head.length);
    const wantTail = reply.subarray(reply.length - tail.length);
    if (!sameBytes(head, wantHead) || !sameBytes(tail, wantTail)) fail("raw reply bytes");
  });
}

/**
 * The floor's loop: `calls` promises made before the exchange, every value
 * of the reply decoded from where it is known to lie, the promises settled
 * with them (a single call gets its one value, or all of them as a
 * pipeline's array) and awaited, the first and last values checked.
 */
function floorRun(workload, decode) {
  const { calls } = workload.raw;
  const request = encoder.encode(workload.raw.request);
  const replyLength = encoder.encode(workload.raw.reply).length;
  const spans = bulkSpans(workload.raw.reply);
  const expected = spans.map(([start, end]) => workload.raw.reply.slice(start, end));
  return perConnection(workload, async (conn) => {
    const settle = new Array(calls);
    const promises = new Array(calls);
    for (let i = 0; i < calls; i++) promises[i] = new Promise((resolve) => (settle[i] = resolve));
    const { whole } = await conn.exchange(request, replyLength, true);
    const values = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) {
      values[i] = decode(whole.subarray(spans[i][0], spans[i][1]));
    }
    if (calls === spans.length) { for (let i = 0; i < calls; i++) settle[i](values[i]); }
    else settle[0](spans.length === 1 ? values[0] : values);
    await Promise.all(promises);
    const last = spans.length - 1;
    if (last >= 0 && !(matches(values[0], expected[0]) && matches(values[last], expected[last]))) {
      fail("floor value");
    }
  });
}

/** Where each bulk payload lies in a RESP reply of simple and bulk strings (ASCII). */
function bulkSpans(reply) {
  const spans = [];
  for (let at = 0; at < reply.length;) {
    const lineEnd = reply.indexOf("\r\n", at);
    if (reply[at] !== "$") {
      at = lineEnd + 2;
      continue;
    }
    const start = lineEnd + 2;
    const end = start + Number(reply.slice(at + 1, lineEnd));
    spans.push([start, end]);
    at = end + 2;
  }
  return spans;
}

/** Runs `once` on the one connection, or on each of a workload's connections at once. */
function perConnection(workload, once) {
  if (workload.connections === undefined) {
    return async (conn) => {
      await once(conn);
      return workload.raw.count;
    };
  }
  return async (conns) => {
    await Promise.all(conns.map(once));
    return workload.raw.count * conns.length;
  };
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Slices of one measurement: subjects take turns slice by slice, so load from outside hits all alike. */
const SLICES = 5;

/** Runs `run` for `ms`; returns the units it counted and the time it took. */
async function slice(run, ms) {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    count += await run();
    now = performance.now();
  }
  return [count, now - start];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * Runs every workload on every subject, REPETITIONS times, and prints the
 * medians with their ratio to the raw socket and the spread of the three.
 *
 * @param subjects The ceiling subjects first (the raw socket, its floor), then the clients.
 * @param options `durationMs` per measurement; `title` heads the table; `only`
 *   keeps the workloads whose name contains it.
 * @returns The medians, by workload and subject.
 */
export async function runThroughput(subjects, { durationMs, title, only = "" }) {
  const workloads = WORKLOADS.filter((w) => w.name.includes(only));
  const samples = new Map(); // "workload|subject" -> number[]
  const open = new Map();
  for (const s of subjects) open.set(s.name, await s.open());
  for (let rep = 0; rep < REPETITIONS; rep++) {
    for (const workload of workloads) {
      const targets = new Map();
      for (const s of subjects) {
        targets.set(
          s.name,
          workload.connections === undefined
            ? open.get(s.name)
            : await Promise.all(Array.from({ length: workload.connections }, () => s.open())),
        );
      }
      const runs = subjects.map((s) => {
        const run = s.ceiling === undefined ? workload.run : s.ceiling(workload);
        const target = targets.get(s.name);
        return () => run(target);
      });
      for (const run of runs) await slice(run, Math.min(200, durationMs / 4)); // warm-up
      const counts = subjects.map(() => 0);
      const times = subjects.map(() => 0);
      for (let turn = 0; turn < SLICES; turn++) {
        // Rotate the order so no subject always runs first (or last) after another.
        for (let k = 0; k < subjects.length; k++) {
          const i = (k + turn + rep) % subjects.length;
          const [count, ms] = await slice(runs[i], durationMs / SLICES);
          counts[i] += count;
          times[i] += ms;
        }
      }
      subjects.forEach((s, i) => {
        const key = `${workload.name}|${s.name}`;
        samples.set(key, [...(samples.get(key) ?? []), (counts[i] * 1000) / times[i]]);
      });
      if (workload.connections !== undefined) {
        for (const many of targets.values()) for (const c of many) await c.close();
      }
    }
  }
  for (const c of open.values()) await c.close();
  printThroughput(subjects, workloads, samples, title);
  return samples;
}

function printThroughput(subjects, workloads, samples, title) {
  // Wide enough for the longest name ("redwire Connection before") and a space.
  const width = Math.max(20, ...subjects.map((s) => s.name.length + 1));
  console.log(`\n${title}`);
  console.log(
    `medians of ${REPETITIONS}, ratio to the raw socket of the same run; ` +
      "spread = (max - min) / median of the three\n",
  );
  console.log("workload".padEnd(30) + subjects.map((s) => s.name.padStart(width)).join(""));
  for (const w of workloads) {
    const raw = median(samples.get(`${w.name}|${subjects[0].name}`));
    const cells = subjects.map((s) => {
      const values = samples.get(`${w.name}|${s.name}`);
      const m = median(values);
      const spread = (Math.max(...values) - Math.min(...values)) / m;
      const figure = w.unit === "MB/s"
        ? (m / 1e6).toFixed(0)
        : Math.round(m).toLocaleString("en-US");
      return `${figure} ${(m / raw).toFixed(2)}x ±${Math.round(spread * 50)}%`.padStart(width);
    });
    console.log(`${w.name} (${w.unit})`.padEnd(30) + cells.join(""));
  }
}

/**
 * The memory probe, run in a child process per subject so that RSS is its
 * own: connect, seed nothing, collect garbage, note RSS; stop the server
 * (SIGSTOP), queue QUEUED GETs, let the writes stall, collect garbage, note
 * RSS; continue the server (SIGCONT), check every reply.
 *
 * @param client An open client.
 * @param runtime `memory()` (rss and heapUsed), `gc()`, `signal(name)` for the server process.
 * @returns The growth of RSS and of the JS heap in bytes while the commands were queued.
 */
export async function probeMemory(client, { memory, gc, signal }) {
  for (let i = 0; i < 1000; i++) if ((await client.get(SMALL_KEY)) !== SMALL) fail("GET");
  await settleMemory(gc);
  const before = memory();
  signal("SIGSTOP");
  let growth;
  try {
    const calls = new Array(QUEUED);
    for (let i = 0; i < QUEUED; i++) calls[i] = client.get(SMALL_KEY);
    // Let the writes run until the socket buffers are full and the rest waits.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await settleMemory(gc);
    const after = memory();
    growth = { rss: after.rss - before.rss, heap: after.heapUsed - before.heapUsed };
    signal("SIGCONT");
    const values = await Promise.all(calls);
    for (let i = 0; i < QUEUED; i += 997) if (values[i] !== SMALL) fail("GET after SIGCONT");
    if (values.length !== QUEUED) fail("reply count");
  } finally {
    signal("SIGCONT");
  }
  return growth;
}

async function settleMemory(gc) {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Prints the memory probe's results: MB of RSS and JS heap growth per subject.
 *
 * @param results [subject name, growth or why the probe failed]
 */
export function printMemory(results) {
  console.log(
    `\nGrowth with ${QUEUED.toLocaleString("en-US")} GETs queued on a stopped server ` +
      "(MB, after a full GC; one child process per client)",
  );
  console.log(`  ${"".padEnd(20)}${"RSS".padStart(10)}${"JS heap".padStart(10)}`);
  for (const [name, growth] of results) {
    const text = typeof growth === "string"
      ? growth.padStart(10)
      : [growth.rss, growth.heap].map((n) => `+${(n / MIB).toFixed(1)}`.padStart(10)).join("");
    console.log(`  ${name.padEnd(20)}${text}`);
  }
}
