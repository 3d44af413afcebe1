/**
 * The large-text decoder of Node builds: Node's Buffer makes big ASCII
 * strings outside V8's large-object space; every other payload goes to
 * TextDecoder. Either way the text is the one TextDecoder gives.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nodeLargeTextDecoder } from "../src/transport/large_text.ts";

const MIB = 1024 * 1024;
const utf8 = new TextEncoder();
/** Node's threshold for an external string (EXTERN_APEX), which the decoder switches at. */
const EXTERNAL_ABOVE = 0xfbee9;

function ascii(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
  return alphabet.repeat(Math.ceil(length / 64)).slice(0, length);
}

describe("nodeLargeTextDecoder", () => {
  const decode = nodeLargeTextDecoder();

  it("is found wherever node:buffer is (Node, Deno 2, Bun)", () => {
    assert.equal(typeof decode, "function");
  });

  it("decodes ASCII, UTF-8 and invalid bytes as TextDecoder does, on both sides of the switch", () => {
    const texts = [
      ascii(64 * 1024),
      ascii(EXTERNAL_ABOVE),
      ascii(EXTERNAL_ABOVE + 1),
      ascii(MIB),
      ascii(MIB - 1) + "é",
      "é" + ascii(MIB),
      "\ufeff" + ascii(MIB),
    ];
    for (const text of texts) {
      const bytes = utf8.encode(text);
      assert.ok(decode!(bytes) === text, `${bytes.length} bytes starting ${text.slice(0, 2)}`);
    }
    const invalid = utf8.encode(ascii(MIB));
    invalid[MIB >> 1] = 0xff;
    assert.equal(decode!(invalid), new TextDecoder().decode(invalid));
  });

  it("decodes a view at an offset of a larger buffer, leaving the bytes around it out", () => {
    const text = ascii(MIB + 7);
    const buffer = new Uint8Array(MIB + 100).fill(0x21);
    buffer.set(utf8.encode(text), 13);
    const decoded = decode!(buffer.subarray(13, 13 + text.length));
    assert.ok(decoded === text);
    buffer.fill(0x22);
    assert.ok(decoded === text, "the text does not share the buffer's memory");
  });
});
