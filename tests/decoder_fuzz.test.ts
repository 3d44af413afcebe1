import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fuzzDecoder } from "./support/decoder_fuzz.ts";

describe("Decoder (fuzzed)", () => {
  it("decodes 50,000 mutated streams the same whole and in random chunks", () => {
    const started = performance.now();
    const report = fuzzDecoder({ n: 50_000, seed: 20_261_130 });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `decoder fuzz: ${report.cases} cases, ${report.rejected} rejected with ProtocolError, ` +
        `${report.failed} failures in ${seconds} s`,
    );
    assert.deepEqual(report.failures, []);
  });
});
