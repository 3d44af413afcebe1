/**
 * Fuzzes the decoder: `deno task fuzz -- --n 1000000 --seed 7`.
 * Exits 1 when a case decodes differently whole and in chunks, or throws
 * something other than a ProtocolError.
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { fuzzDecoder } from "../tests/support/decoder_fuzz.ts";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { n: { type: "string", default: "50000" }, seed: { type: "string" } },
});
const n = Number(values.n);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(seed)) {
  throw new RangeError(`--n and --seed must be integers, got ${values.n} / ${values.seed}`);
}
const started = performance.now();
const report = fuzzDecoder({ n, seed });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `seed ${seed}: ${report.cases} cases, ${report.rejected} rejected, ${report.failed} failures (${seconds} s)`,
);
for (const failure of report.failures) {
  console.log(`case ${failure.index}: ${failure.reason}\n  input ${failure.input}`);
}
process.exitCode = report.failed === 0 ? 0 : 1;
