/**
 * The decoder's big-value paths: payloads split over many chunks, fed from a
 * read buffer the transport overwrites after each feed, as text (gathered in
 * a reused scratch buffer) and as bytes (one buffer of their own).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Decoder, type DecoderOptions, encodeCommands, type Reply } from "../mod.ts";
import { encodeCommandChunks } from "../src/protocol/mod.ts";
import { concatBytes } from "./support/bytes.ts";

const utf8 = new TextEncoder();
const MIB = 1024 * 1024;

/** Text of `length` UTF-16 units mixing ASCII and 2-, 3- and 4-byte UTF-8 sequences. */
function mixedText(length: number, seed: number): string {
  const pieces = ["abcdefgh", "é", "ü", "€", "漢", "😀", "0123456789"];
  let text = "";
  for (let i = seed; text.length < length; i++) text += pieces[i % pieces.length];
  return text.slice(0, length).replace(/[\ud800-\udbff]$/, "x");
}

function frame(values: (string | Uint8Array)[]): Uint8Array {
  const parts = values.map((value) => typeof value === "string" ? utf8.encode(value) : value);
  const total = parts.reduce((sum, p) => sum + p.length + 16, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    at += utf8.encodeInto(`$${part.length}\r\n`, out.subarray(at)).written;
    out.set(part, at);
    at += part.length;
    out[at++] = 13;
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

/**
 * Feeds `input` cut at `cuts`, through one buffer overwritten with garbage
 * after every feed, as a transport that reuses its read buffer does.
 */
function feedThroughReusedBuffer(input: Uint8Array, cuts: number[], options: DecoderOptions) {
  const decoder = new Decoder(options);
  const replies: Reply[] = [];
  const buffer = new Uint8Array(input.length);
  const ends = [...cuts.filter((at) => at > 0 && at < input.length), input.length];
  let from = 0;
  for (const to of ends.sort((a, b) => a - b)) {
    if (to === from) continue;
    buffer.set(input.subarray(from, to));
    decoder.feed(buffer.subarray(0, to - from), (reply) => replies.push(reply));
    buffer.fill(0x21, 0, to - from);
    from = to;
  }
  assert.equal(decoder.buffered, 0);
  return replies;
}

function everyCut(size: number, step: number): number[] {
  return Array.from({ length: Math.ceil(size / step) }, (_, i) => i * step);
}

describe("Decoder with big values", () => {
  const big = mixedText(MIB, 0);
  const bigger = mixedText(MIB + 333_333, 3);
  const small = mixedText(5000, 5);
  const values = [big, small, bigger, big];
  const input = frame(values);

  it("decodes big text split over many reads of a reused buffer", () => {
    for (const step of [1000, 4096, 65536, 262144, 999_999]) {
      const replies = feedThroughReusedBuffer(input, everyCut(input.length, step), {});
      assert.equal(replies.length, values.length, `reads of ${step}`);
      replies.forEach((reply, i) => assert.ok(reply === values[i], `value ${i}, reads of ${step}`));
    }
  });

  it("decodes big text cut at every byte of a header, at the payload's ends and in a character", () => {
    const header = `$${utf8.encode(big).length}\r\n`.length;
    const length = utf8.encode(big).length;
    const cuts = [
      ...Array.from({ length: header + 3 }, (_, i) => i),
      ...Array.from({ length: 6 }, (_, i) => header + length - 3 + i),
      ...Array.from({ length: 4 }, (_, i) => header + 8 + i), // inside "é" after "abcdefgh"
    ];
    for (const cut of cuts) {
      for (const options of [{}, { decodeResponses: false }]) {
        const [reply] = feedThroughReusedBuffer(frame([big]), [cut, cut + 70_000], options);
        const text = typeof reply === "string"
          ? reply
          : new TextDecoder().decode(reply as Uint8Array);
        assert.ok(text === big, `cut at ${cut}, ${JSON.stringify(options)}`);
      }
    }
  });

  it("returns big bytes as views of a buffer of their own when decodeResponses is false", () => {
    const replies = feedThroughReusedBuffer(input, everyCut(input.length, 65536), {
      decodeResponses: false,
    }) as Uint8Array[];
    assert.equal(replies.length, values.length);
    replies.forEach((reply, i) => assert.deepEqual(reply, utf8.encode(values[i]), `value ${i}`));
    // One copy: the payload's buffer is the value's (plus its CRLF), not a slab or a chunk.
    for (const i of [0, 2, 3]) {
      assert.equal(replies[i].byteOffset, 0);
      assert.equal(replies[i].buffer.byteLength, replies[i].length + 2, `value ${i}`);
    }
    assert.notEqual(replies[0].buffer, replies[3].buffer, "two values share a buffer");
  });

  it("hands text payloads of 64 KiB or more, whole, to its large-text decoder", () => {
    const seen: number[] = [];
    const largeText = (bytes: Uint8Array) => {
      seen.push(bytes.length);
      return new TextDecoder().decode(bytes);
    };
    const texts = [mixedText(64 * 1024, 1), mixedText(1000, 2), big];
    const data = frame(texts);
    for (const step of [4096, 65536, 262144, data.length]) {
      seen.length = 0;
      const replies: Reply[] = [];
      const decoder = new Decoder({}, largeText);
      for (let at = 0; at < data.length; at += step) {
        decoder.feed(data.subarray(at, at + step), (reply) => replies.push(reply));
      }
      assert.ok(replies.every((reply, i) => reply === texts[i]), `reads of ${step}`);
      assert.deepEqual(seen, [utf8.encode(texts[0]).length, utf8.encode(big).length]);
    }
  });

  it("decodes a big text whose last character is cut short as one decode would, and the next one clean", () => {
    const broken = new Uint8Array(300_000).fill(0x61);
    broken.set([0xe2, 0x82], broken.length - 2); // the start of "€", never finished
    const data = frame([broken, "after", big]);
    const expected = [new TextDecoder().decode(broken), "after", big];
    for (const step of [4096, 65536, 100_000]) {
      const replies = feedThroughReusedBuffer(data, everyCut(data.length, step), {});
      assert.equal(replies.length, 3, `reads of ${step}`);
      replies.forEach((reply, i) =>
        assert.ok(reply === expected[i], `value ${i}, reads of ${step}`)
      );
    }
  });

  it("offers the rest of a big payload as a view to read into, and takes those bytes in place", () => {
    for (const options of [{}, { decodeResponses: false }]) {
      const data = frame([big, "next"]);
      const decoder = new Decoder(options);
      const replies: Reply[] = [];
      const onReply = (reply: Reply) => replies.push(reply);
      assert.equal(decoder.readTarget(), undefined, "nothing pending");
      let at = 20_000;
      decoder.feed(data.subarray(0, at), onReply);
      const targets: Uint8Array[] = [];
      for (let target = decoder.readTarget(); target !== undefined; target = decoder.readTarget()) {
        // A transport reads at most the view's length: here 100,000 bytes at a time.
        const count = Math.min(target.length, 100_000);
        target.set(data.subarray(at, at + count));
        targets.push(target);
        decoder.feed(target.subarray(0, count), onReply);
        at += count;
      }
      decoder.feed(data.subarray(at), onReply);
      assert.equal(replies.length, 2, JSON.stringify(options));
      if (options.decodeResponses === false) {
        assert.deepEqual(replies[0], utf8.encode(big));
        // The value is the buffer read into: no copy after the first read.
        assert.equal((replies[0] as Uint8Array).buffer, targets[0].buffer);
        assert.deepEqual(replies[1], utf8.encode("next"));
      } else {
        assert.ok(replies[0] === big);
        assert.equal(replies[1], "next");
      }
      assert.ok(targets.length > 1);
      assert.equal(at + (data.length - at), data.length);
    }
  });

  it("offers nothing to read into for payloads under 256 KiB", () => {
    const decoder = new Decoder();
    decoder.feed(utf8.encode(`$${200 * 1024}\r\nabc`), () => {});
    assert.equal(decoder.readTarget(), undefined);
    decoder.reset();
    decoder.feed(utf8.encode(`$${300 * 1024}\r\nab`), () => {});
    assert.equal(decoder.readTarget()?.length, 300 * 1024);
  });

  it("forgets a big text decoded halfway when reset", () => {
    const decoder = new Decoder();
    const bytes = utf8.encode(big);
    decoder.feed(utf8.encode(`$${bytes.length}\r\n`), () => {});
    decoder.feed(bytes.subarray(0, 200_001), () => {}); // ends inside a character
    decoder.reset();
    const replies: Reply[] = [];
    decoder.feed(frame([small]), (reply) => replies.push(reply));
    assert.deepEqual(replies, [small]);
  });

  it("keeps earlier big byte values intact while later ones arrive", () => {
    const first = new Uint8Array(2 * MIB).map((_, i) => i * 7);
    const second = new Uint8Array(3 * MIB).map((_, i) => i * 13);
    const replies = feedThroughReusedBuffer(
      frame([first, second, first]),
      everyCut(6 * MIB, 50_000),
      {
        decodeResponses: false,
      },
    );
    assert.deepEqual(replies, [first, second, first]);
  });
});

describe("encodeCommandChunks", () => {
  it("writes the bytes encodeCommands writes, big arguments as chunks of their own", () => {
    const value = new Uint8Array(MIB).map((_, i) => i);
    const text = "v".repeat(200_000);
    const unicode = mixedText(100_000, 1);
    const commands = [["SET", "a", value], ["PING"], ["SET", "b", text, "EX", 60], [
      "SET",
      "c",
      unicode,
    ], ["GET", "a"]];
    const scratch = { buffer: new Uint8Array(0) };
    const chunks = encodeCommandChunks(commands, scratch);
    assert.deepEqual(concatBytes(chunks), encodeCommands(commands));
    assert.ok(chunks.includes(value), "a big Uint8Array is copied");
    const own = chunks.find((chunk) => chunk.length === text.length);
    assert.equal(own?.buffer, scratch.buffer.buffer, "the first big string is not in the scratch");
    assert.ok(chunks.some((chunk) => chunk.length === utf8.encode(unicode).length));
  });

  it("reuses the scratch buffer from one encoding to the next", () => {
    const scratch = { buffer: new Uint8Array(0) };
    const first = encodeCommandChunks([["SET", "k", "x".repeat(300_000)]], scratch);
    const buffer = scratch.buffer;
    const second = encodeCommandChunks([["SET", "k", "y".repeat(100_000)]], scratch);
    assert.equal(scratch.buffer, buffer);
    assert.equal(second[1].buffer, buffer.buffer);
    assert.equal(first.length, 3);
    assert.deepEqual(concatBytes(second), encodeCommands([["SET", "k", "y".repeat(100_000)]]));
  });

  it("fails like encodeCommands on a bad argument after a big one, and keeps working", () => {
    const big = new Uint8Array(100_000);
    assert.throws(
      () => encodeCommandChunks([["SET", "k", big], ["SET", "k", Infinity]]),
      /Argument 2 of command 1 is Infinity/,
    );
    const chunks = encodeCommandChunks([["SET", "k", big]]);
    assert.deepEqual(concatBytes(chunks), encodeCommands([["SET", "k", big]]));
  });
});
