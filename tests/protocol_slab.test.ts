import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  encodeCommand,
  encodeCommandChunks,
  encodeCommands,
  type EncodeScratch,
  type RedisArgument,
} from "../src/protocol/mod.ts";
import { concatBytes } from "./support/bytes.ts";

/** A pipeline of SET / GET pairs: about 110 bytes a pair. */
function pipeline(pairs: number, fill: string): RedisArgument[][] {
  const commands: RedisArgument[][] = [];
  for (let i = 0; i < pairs; i++) {
    commands.push(["SET", `k:${i}`, fill.repeat(64)], ["GET", `k:${i}`]);
  }
  return commands;
}

describe("encodeCommandChunks with a connection's scratch", () => {
  it("writes each batch into the scratch's own slab from its start, sized by the last batch", () => {
    const scratch: EncodeScratch = { buffer: new Uint8Array(0) };
    // Bigger than the first slab: it overflows into fresh slabs once.
    const first = pipeline(1000, "a");
    assert.deepEqual(concatBytes(encodeCommandChunks(first, scratch)), encodeCommands(first));
    const second = pipeline(1000, "b");
    const chunks = encodeCommandChunks(second, scratch);
    const slab = scratch.slab!;
    assert.deepEqual(concatBytes(chunks), encodeCommands(second));
    assert.equal(chunks.length, 1, "a batch like the last one fits the slab");
    assert.equal(chunks[0].buffer, slab.buffer);
    assert.equal(chunks[0].byteOffset, 0);
    const small = [["PING"], ["GET", "k"]];
    const again = encodeCommandChunks(small, scratch);
    assert.deepEqual(concatBytes(again), encodeCommands(small));
    assert.equal(again[0].buffer, slab.buffer, "the slab is reused, not replaced");
    assert.equal(again[0].byteOffset, 0);
  });

  it("leaves the shared slab of encodeCommand alone, also after a bad argument", () => {
    const scratch: EncodeScratch = { buffer: new Uint8Array(0) };
    const kept = encodeCommand(["SET", "kept", "v"]);
    const copy = kept.slice();
    assert.throws(
      () => encodeCommandChunks([["SET", "k", "v"], ["SET", "k", Infinity]], scratch),
      /Argument 2 of command 1 is Infinity/,
    );
    encodeCommandChunks(pipeline(10, "c"), scratch);
    const next = encodeCommand(["GET", "next"]);
    assert.notEqual(next.buffer, scratch.slab!.buffer);
    assert.deepEqual(kept, copy, "an earlier view of the shared slab was overwritten");
    assert.deepEqual(next, encodeCommands([["GET", "next"]]));
  });
});
