/**
 * Run alone (`deno run -A tests/faults/_memory_probe.ts <port> [harness]`) so
 * its RSS is its own: issues 100,000 SETs of 100 B to a port where no server
 * listens (or, with `harness`, to a stub that only rejects promises) and
 * prints one JSON line: RSS growth (peak) and the outcomes.
 *
 * @module
 */
import process from "node:process";
import { Redis } from "../../src/client/mod.ts";

const COUNT = 100_000;
const port = Number(Deno.args[0]);
const value = "x".repeat(100);

async function measure(call: (i: number) => Promise<unknown>) {
  const names = new Map<string, number>();
  let settled = 0;
  const count = (error?: Error) => {
    settled++;
    const name = error?.name ?? "ok";
    names.set(name, (names.get(name) ?? 0) + 1);
  };
  const before = process.memoryUsage().rss;
  let peak = before;
  for (let i = 0; i < COUNT; i++) {
    call(i).then(() => count(), count);
    if (i % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  while (settled < COUNT) {
    peak = Math.max(peak, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { growth: (peak - before) / 2 ** 20, outcomes: Object.fromEntries(names) };
}

const warm = Array.from({ length: 2_000 }, (_, i) => i);
if (Deno.args[1] === "harness") {
  // The same loop with a stub that only makes and rejects promises: what the
  // measuring itself costs, on a fresh heap too.
  const stubError = new Error("stub");
  const stub = (key: string) => {
    const args = ["SET", key, value];
    return args.length > 0 ? Promise.reject(stubError) : Promise.resolve();
  };
  await Promise.allSettled(warm.map((i) => stub(`warm:${i}`)));
  console.log(JSON.stringify(await measure((i) => stub(`key:${i}`))));
} else {
  // A warm-up round first, as in a running application: compiled code is not growth.
  const redis = new Redis({ host: "127.0.0.1", port, socketTimeout: 2_000 });
  await Promise.allSettled(warm.map((i) => redis.set(`warm:${i}`, value)));
  console.log(JSON.stringify(await measure((i) => redis.set(`key:${i}`, value))));
  await redis.close();
}
