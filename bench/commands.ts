/**
 * Command table benchmark: what the table costs on the hot path (the
 * dispatcher asks `isBlockingCall` of every command, the cluster asks
 * `keyPositions`) and once (decoding the rows on the first lookup).
 *
 * Run with `deno run -A bench/commands.ts`; it takes about 10 s and never
 * fails on a time.
 *
 * @module
 */
import type { RedisArgument } from "../src/protocol/mod.ts";
import {
  isBlockingCall,
  isReadOnlyCommand,
  keyPositions,
  lookupCommand,
} from "../src/commands/mod.ts";

const ROUNDS = 1_000_000;

const TRIES = 5;

/** Runs `fn` ROUNDS times over `args`, TRIES times, and returns the best ns per call. */
function measure(fn: (args: readonly RedisArgument[]) => unknown, args: RedisArgument[]): number {
  let sink = 0;
  let best = Infinity;
  for (let i = 0; i < ROUNDS / 10; i++) sink += fn(args) === undefined ? 0 : 1; // warm-up
  for (let t = 0; t < TRIES; t++) {
    const started = performance.now();
    for (let i = 0; i < ROUNDS; i++) sink += fn(args) === undefined ? 0 : 1;
    best = Math.min(best, ((performance.now() - started) * 1e6) / ROUNDS);
  }
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return best;
}

/** A Map of the same size, for scale: the floor a table lookup can reach in this harness. */
const BASELINE = new Map(
  Array.from({ length: 250 }, (_, i) => [i === 0 ? "GET" : `C${i}`, i] as const),
);

const CASES: [string, (args: readonly RedisArgument[]) => unknown, RedisArgument[]][] = [
  ["Map.get GET (baseline)", (args) => BASELINE.get(args[0] as string), ["GET", "k"]],
  ["lookupCommand GET", lookupCommand, ["GET", "k"]],
  ["lookupCommand get (lowercase)", lookupCommand, ["get", "k"]],
  ["lookupCommand CLIENT LIST", lookupCommand, ["CLIENT", "LIST"]],
  ["isBlockingCall GET", isBlockingCall, ["GET", "k"]],
  ["isBlockingCall BLPOP", isBlockingCall, ["BLPOP", "q", 1]],
  ["isBlockingCall XREAD (no BLOCK)", isBlockingCall, ["XREAD", "STREAMS", "s", "$"]],
  ["isReadOnlyCommand GET", isReadOnlyCommand, ["GET", "k"]],
  ["keyPositions GET", keyPositions, ["GET", "k"]],
  ["keyPositions MSET x3", keyPositions, ["MSET", "a", 1, "b", 2, "c", 3]],
  ["keyPositions EVAL 2 keys", keyPositions, ["EVAL", "return 1", 2, "a", "b", "x"]],
  ["keyPositions XREAD 2 streams", keyPositions, ["XREAD", "STREAMS", "a", "b", "0", "0"]],
];

/**
 * Prints ns per call for each case, and the one-time decoding cost.
 *
 * @returns Resolves when the figures are printed.
 */
export function runCommandsBench(): Promise<void> {
  // The first lookup decodes every row; time it before anything else does.
  const started = performance.now();
  lookupCommand(["PING"]);
  console.log(`first lookup (decodes the table): ${(performance.now() - started).toFixed(2)} ms`);
  for (const [name, fn, args] of CASES) {
    console.log(`${name.padEnd(34)} ${measure(fn, args).toFixed(1).padStart(6)} ns/call`);
  }
  return Promise.resolve();
}

if (import.meta.main) await runCommandsBench();
