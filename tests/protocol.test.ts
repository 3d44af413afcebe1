import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProtocolError, RedirectionError, ReplyError } from "../src/errors.ts";
import {
  Decoder,
  type DecoderOptions,
  encodeCommand,
  encodeCommands,
  type RedisArgument,
  type Reply,
} from "../src/protocol/mod.ts";
import { concatBytes } from "./support/bytes.ts";
import { seededRandom } from "./support/wait.ts";

const utf8 = new TextEncoder();

function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const pieces = parts.map((part) =>
    typeof part === "string" ? utf8.encode(part) : Uint8Array.from(part)
  );
  return concatBytes(pieces);
}

interface Frame {
  reply: Reply;
  push: boolean;
}

function decodeChunks(chunks: Uint8Array[], options?: DecoderOptions): Frame[] {
  const decoder = new Decoder(options);
  const frames: Frame[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (reply, push) => frames.push({ reply, push }));
  assert.equal(decoder.buffered, 0, "bytes left buffered after the last frame");
  return frames;
}

/** Feeds `input` whole, split at every byte boundary, and byte by byte. */
function assertDecodesEverywhere(input: Uint8Array, expected: Frame[], options?: DecoderOptions) {
  assert.deepEqual(decodeChunks([input], options), expected, "fed whole");
  for (let at = 1; at < input.length; at++) {
    const chunks = [input.subarray(0, at), input.subarray(at)];
    assert.deepEqual(decodeChunks(chunks, options), expected, `split at ${at}`);
  }
  const single = Array.from(input, (_, i) => input.subarray(i, i + 1));
  assert.deepEqual(decodeChunks(single, options), expected, "byte by byte");
}

function assertProtocolError(input: Uint8Array | string, options?: DecoderOptions, match?: RegExp) {
  const data = typeof input === "string" ? utf8.encode(input) : input;
  const feeds = [[data], Array.from(data, (_, i) => data.subarray(i, i + 1))];
  for (const chunks of feeds) {
    const decoder = new Decoder(options);
    assert.throws(
      () => {
        for (const chunk of chunks) decoder.feed(chunk, () => {});
      },
      (error: unknown) => {
        assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${error}`);
        if (match) assert.match(error.message, match);
        return true;
      },
      `${
        JSON.stringify(new TextDecoder().decode(data.subarray(0, 80)))
      } in ${chunks.length} chunks`,
    );
  }
}

const reply = (value: Reply): Frame => ({ reply: value, push: false });
const push = (value: Reply): Frame => ({ reply: value, push: true });
const LONG = "x".repeat(1000);

const CORPUS: [string, Uint8Array, Frame[]][] = [
  ["simple string", bytes("+OK\r\n"), [reply("OK")]],
  ["empty simple string", bytes("+\r\n"), [reply("")]],
  ["UTF-8 simple string", bytes("+héllo wörld ✓\r\n"), [reply("héllo wörld ✓")]],
  ["error", bytes("-ERR unknown command 'x'\r\n"), [
    reply(new ReplyError("ERR unknown command 'x'")),
  ]],
  [
    "integers",
    bytes(":0\r\n:-42\r\n:+7\r\n:123456789012345\r\n"),
    [0, -42, 7, 123456789012345].map(reply),
  ],
  ["integer at the safe limit", bytes(":9007199254740991\r\n:-9007199254740991\r\n"), [
    reply(Number.MAX_SAFE_INTEGER),
    reply(Number.MIN_SAFE_INTEGER),
  ]],
  ["integers past the safe limit", bytes(":9007199254740992\r\n:-9223372036854775808\r\n"), [
    reply(9007199254740992n),
    reply(-9223372036854775808n),
  ]],
  ["bulk string", bytes("$5\r\nhello\r\n"), [reply("hello")]],
  ["empty bulk string", bytes("$0\r\n\r\n"), [reply("")]],
  ["null bulk string", bytes("$-1\r\n"), [reply(null)]],
  ["bulk string holding CRLF", bytes("$6\r\na\r\nb\r\n\r\n"), [reply("a\r\nb\r\n")]],
  ["UTF-8 bulk string", bytes("$16\r\nnaïve café ✓\r\n"), [reply("naïve café ✓")]],
  ["bulk string starting with a BOM", bytes("$4\r\n\uFEFFa\r\n"), [reply("\uFEFFa")]],
  ["long bulk string", bytes(`$1000\r\n${LONG}\r\n`), [reply(LONG)]],
  ["array", bytes("*3\r\n:1\r\n$1\r\na\r\n+b\r\n"), [reply([1, "a", "b"])]],
  ["empty and null arrays", bytes("*0\r\n*-1\r\n"), [reply([]), reply(null)]],
  ["nested arrays", bytes("*3\r\n*1\r\n:1\r\n*0\r\n*2\r\n*1\r\n_\r\n$-1\r\n"), [
    reply([[1], [], [[null], null]]),
  ]],
  ["error inside an array", bytes("*2\r\n-WRONGTYPE bad\r\n:1\r\n"), [
    reply([new ReplyError("WRONGTYPE bad"), 1]),
  ]],
  ["null", bytes("_\r\n"), [reply(null)]],
  ["booleans", bytes("#t\r\n#f\r\n"), [reply(true), reply(false)]],
  [
    "doubles",
    bytes(",1.5\r\n,-2.5E-3\r\n,1e10\r\n,3\r\n,0\r\n,inf\r\n,-inf\r\n,nan\r\n"),
    [1.5, -0.0025, 1e10, 3, 0, Infinity, -Infinity, NaN].map(reply),
  ],
  ["big numbers", bytes("(3492890328409238509324850943850943825024385\r\n(-12\r\n"), [
    reply(3492890328409238509324850943850943825024385n),
    reply(-12n),
  ]],
  ["bulk error", bytes("!21\r\nSYNTAX invalid syntax\r\n"), [
    reply(new ReplyError("SYNTAX invalid syntax")),
  ]],
  ["verbatim strings", bytes("=15\r\ntxt:Some string\r\n=4\r\nmkd:\r\n"), [
    reply("Some string"),
    reply(""),
  ]],
  ["map", bytes("%2\r\n+first\r\n:1\r\n+second\r\n,2.5\r\n"), [
    reply(new Map<Reply, Reply>([["first", 1], ["second", 2.5]])),
  ]],
  ["empty map", bytes("%0\r\n"), [reply(new Map())]],
  [
    "nested map",
    bytes("%2\r\n$4\r\nname\r\n$7\r\nredwire\r\n$4\r\ntags\r\n%1\r\n+a\r\n*2\r\n#t\r\n_\r\n"),
    [
      reply(
        new Map<Reply, Reply>([
          ["name", "redwire"],
          ["tags", new Map<Reply, Reply>([["a", [true, null]]])],
        ]),
      ),
    ],
  ],
  ["set", bytes("~3\r\n+a\r\n+b\r\n:1\r\n"), [reply(new Set<Reply>(["a", "b", 1]))]],
  ["empty set", bytes("~0\r\n"), [reply(new Set())]],
  ["set of aggregates", bytes("~2\r\n*1\r\n:1\r\n%1\r\n+k\r\n+v\r\n"), [
    reply(new Set<Reply>([[1], new Map<Reply, Reply>([["k", "v"]])])),
  ]],
  [
    "attribute before a reply",
    bytes(
      "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n",
      "*2\r\n:2039123\r\n:9543892\r\n",
    ),
    [reply([2039123, 9543892])],
  ],
  ["attribute inside an array", bytes("*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n"), [
    reply([1, 2]),
  ]],
  ["empty attribute", bytes("|0\r\n+x\r\n"), [reply("x")]],
  ["push", bytes(">3\r\n+message\r\n+channel\r\n$5\r\nhello\r\n"), [
    push(["message", "channel", "hello"]),
  ]],
  ["empty push", bytes(">0\r\n"), [push([])]],
  ["push after an attribute", bytes("|1\r\n+a\r\n+b\r\n>1\r\n:1\r\n"), [push([1])]],
  [
    "binary bulk string",
    bytes("$5\r\n", [0, 255, 13, 10, 128], "\r\n"),
    [reply(new TextDecoder().decode(Uint8Array.from([0, 255, 13, 10, 128])))],
  ],
  ["64 nested arrays", bytes("*1\r\n".repeat(64), ":1\r\n"), [
    reply(Array.from({ length: 63 }).reduce<Reply>((inner) => [inner], [1])),
  ]],
];

describe("Decoder", () => {
  for (const [name, input, expected] of CORPUS) {
    it(`decodes ${name} identically whole, at every split and byte by byte`, () => {
      assertDecodesEverywhere(input, expected);
    });
  }

  it("decodes the whole corpus as one stream at every split point", () => {
    const stream = bytes(...CORPUS.map(([, input]) => input));
    const expected = CORPUS.flatMap(([, , frames]) => frames);
    assertDecodesEverywhere(stream, expected);
  });

  it("decodes the corpus identically over random chunkings", () => {
    const stream = bytes(...CORPUS.map(([, input]) => input));
    const expected = CORPUS.flatMap(([, , frames]) => frames);
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 8 : 400));
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(decodeChunks(chunks), expected, `round ${round}`);
    }
  });

  it("delivers several frames from one chunk in order", () => {
    const calls: Frame[] = [];
    new Decoder().feed(
      bytes("+a\r\n:1\r\n>1\r\n+p\r\n$1\r\nb\r\n"),
      (reply, push) => calls.push({ reply, push }),
    );
    assert.deepEqual(calls, [reply("a"), reply(1), push(["p"]), reply("b")]);
  });

  it("keeps the rest of a cut frame for the next chunk", () => {
    const decoder = new Decoder();
    const seen: Reply[] = [];
    const onFrame = (reply: Reply) => void seen.push(reply);
    decoder.feed(bytes("+a\r\n*2\r\n$3\r\nfo"), onFrame);
    assert.deepEqual(seen, ["a"]);
    assert.equal(decoder.buffered, 2);
    decoder.feed(bytes("o\r\n:7\r\n+b"), onFrame);
    assert.deepEqual(seen, ["a", ["foo", 7]]);
    assert.equal(decoder.buffered, 2);
    decoder.feed(bytes("\r\n"), onFrame);
    assert.deepEqual(seen, ["a", ["foo", 7], "b"]);
    assert.equal(decoder.buffered, 0);
  });

  it("builds ReplyError subclasses for error replies", () => {
    const [moved] = decodeChunks([bytes("-MOVED 3999 127.0.0.1:6381\r\n")]);
    assert.ok(moved.reply instanceof RedirectionError);
    assert.equal(moved.reply.slot, 3999);
    const [bulk] = decodeChunks([bytes("!9\r\nERR oops!\r\n")]);
    assert.ok(bulk.reply instanceof ReplyError);
    assert.equal(bulk.reply.code, "ERR");
  });

  it("decodes strings to fresh Uint8Arrays when decodeResponses is false", () => {
    const input = bytes(
      "$5\r\n",
      [0, 255, 13, 10, 128],
      "\r\n+OK\r\n=7\r\ntxt:abc\r\n-ERR e\r\n%1\r\n$1\r\nk\r\n:1\r\n",
    );
    const expected = [
      reply(Uint8Array.from([0, 255, 13, 10, 128])),
      reply(utf8.encode("OK")),
      reply(utf8.encode("abc")),
      reply(new ReplyError("ERR e")),
      reply(new Map<Reply, Reply>([[utf8.encode("k"), 1]])),
    ];
    assertDecodesEverywhere(input, expected, { decodeResponses: false });
    const [first] = decodeChunks([input], { decodeResponses: false });
    input.fill(0);
    assert.deepEqual(first.reply, Uint8Array.from([0, 255, 13, 10, 128]), "aliases the chunk");
  });

  it("decodes big chunks to values that do not alias them when decodeResponses is false", () => {
    const values = Array.from({ length: 600 }, (_, i) => `value:${i}`);
    const input = bytes(
      `*${values.length}\r\n`,
      ...values.map((v) => `$${v.length}\r\n${v}\r\n`),
      "+OK\r\n",
    );
    assert.ok(input.length > 8192);
    const expected = [reply(values.map((v) => utf8.encode(v))), reply(utf8.encode("OK"))];
    const random = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < input.length;) {
        const size = round === 0 ? input.length : 1 + Math.floor(random() * 6000);
        chunks.push(input.slice(at, at + size));
        at += size;
      }
      const frames = decodeChunks(chunks, { decodeResponses: false });
      for (const chunk of chunks) chunk.fill(0);
      assert.deepEqual(frames, expected, `round ${round}`);
    }
  });

  it("reads a large bulk string over many chunks, holding each byte once", () => {
    const size = 4 * 1024 * 1024;
    const decoder = new Decoder({ decodeResponses: false });
    const seen: Reply[] = [];
    decoder.feed(bytes(`$${size}\r\n`), (reply) => seen.push(reply));
    const piece = new Uint8Array(4096).fill(97);
    for (let sent = 0; sent < size; sent += piece.length) {
      decoder.feed(piece, (reply) => seen.push(reply));
      assert.equal(decoder.buffered, sent + piece.length);
    }
    decoder.feed(bytes("\r\n"), (reply) => seen.push(reply));
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as Uint8Array).length, size);
    assert.equal(decoder.buffered, 0);
  });

  it("passes attributes to onAttribute", () => {
    const attributes: Map<Reply, Reply>[] = [];
    const frames = decodeChunks([bytes("|1\r\n+ttl\r\n:5\r\n+v\r\n")], {
      onAttribute: (attribute) => attributes.push(attribute),
    });
    assert.deepEqual(frames, [reply("v")]);
    assert.deepEqual(attributes, [new Map<Reply, Reply>([["ttl", 5]])]);
  });

  it("decodes random reply trees identically over random chunkings", () => {
    const random = seededRandom(42);
    for (let round = 0; round < 100; round++) {
      const replies = Array.from(
        { length: 1 + Math.floor(random() * 5) },
        () => randomReply(random, 0),
      );
      const stream = bytes(...replies.map(serialize));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + Math.floor(random() * 32);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(decodeChunks(chunks), replies.map(reply), `round ${round}`);
    }
  });

  it("decodes what encodeCommand writes", () => {
    const args: RedisArgument[] = ["SET", "kéy", 42, -1.5, 10n ** 30n, "", "a\r\nb"];
    const [frame] = decodeChunks([encodeCommand(args)]);
    assert.deepEqual(frame.reply, ["SET", "kéy", "42", "-1.5", "1" + "0".repeat(30), "", "a\r\nb"]);
  });

  it("reset drops held bytes and clears an earlier error", () => {
    const decoder = new Decoder();
    decoder.feed(bytes("*2\r\n:1\r\n$3\r\nab"), () => {});
    assert.equal(decoder.buffered, 2);
    decoder.reset();
    assert.equal(decoder.buffered, 0);
    assert.throws(() => decoder.feed(bytes("?"), () => {}), ProtocolError);
    assert.throws(() => decoder.feed(bytes("+OK\r\n"), () => {}), /stopped by an earlier error/);
    decoder.reset();
    const seen: Reply[] = [];
    decoder.feed(bytes("+OK\r\n"), (reply) => seen.push(reply));
    assert.deepEqual(seen, ["OK"]);
  });

  it("stops when onFrame throws, passing its error on", () => {
    const decoder = new Decoder();
    const boom = new Error("boom");
    assert.throws(() =>
      decoder.feed(bytes("+a\r\n+b\r\n"), () => {
        throw boom;
      }), boom);
    assert.throws(() => decoder.feed(bytes("+c\r\n"), () => {}), ProtocolError);
  });

  it("rejects bad options with RangeError or TypeError", () => {
    assert.throws(() => new Decoder({ maxBulkLength: -1 }), RangeError);
    assert.throws(() => new Decoder({ maxDepth: 1.5 }), RangeError);
    assert.throws(() => new Decoder({ decodeResponses: "no" as unknown as boolean }), TypeError);
  });
});

describe("Decoder on malformed input", () => {
  const cases: [string, string | Uint8Array, RegExp][] = [
    ["an unknown type byte", "?\r\n", /Unknown RESP type byte 0x3f \("\?"\) at offset 0/],
    ["an unknown type byte after a frame", "+OK\r\n\r\n", /type byte 0x0d .* at offset 5/],
    ["a non-digit in a length", "$1a\r\nx\r\n", /non-digit.*0x61/],
    ["a length with no digits", "*\r\n", /no digits/],
    ["a negative bulk length", "$-5\r\n", /negative length/],
    ["a null length longer than -1", "$-12\r\n", /negative length/],
    ["a negative array length", "*-2\r\n", /negative length/],
    ["a null map", "%-1\r\n", /negative length/],
    ["a null verbatim string", "=-1\r\n", /negative length/],
    ["a length with CR but no LF", "$3\rabc\r\n", /CR without LF/],
    [
      "a bulk payload not followed by CRLF",
      "$3\r\nabcde\r\n",
      /Missing CRLF after a RESP bulk payload at offset 7/,
    ],
    ["a bulk payload followed by LF only", "$3\r\nabc\n\r\n", /Missing CRLF/],
    ["a non-digit in an integer", ":12a\r\n", /Invalid RESP : line "12a"/],
    ["an empty integer", ":\r\n", /Invalid RESP :/],
    ["a sign without digits", ":-\r\n", /Invalid RESP :/],
    ["a bad double", ",abc\r\n", /Invalid RESP , line/],
    ["an empty double", ",\r\n", /Invalid RESP ,/],
    ["a bad big number", "(12.5\r\n", /Invalid RESP \( line/],
    ["a bad boolean", "#x\r\n", /Invalid RESP # line/],
    ["a null with content", "_x\r\n", /Invalid RESP _ line/],
    ["a verbatim string without its format", "=3\r\nabc\r\n", /format prefix/],
    ["a simple string ended by LF alone", "+OK\n+OK\r\n", /not terminated by CRLF: 0x0a/],
    ["a simple string with CR inside", "+O\rK\r\n", /not terminated by CRLF: 0x4b/],
    ["a bulk length over maxBulkLength", "$536870913\r\n", /over maxBulkLength \(536870912\)/],
    ["too many digits in a length", "$00000000000000000001\r\n", /too many digits/],
    [
      "nesting deeper than maxDepth",
      "*1\r\n".repeat(65) + ":1\r\n",
      /deeper than maxDepth \(64\) at offset 256/,
    ],
    ["a push nested in a push", ">1\r\n".repeat(65) + ":1\r\n", /nested inside an aggregate/],
    ["a push nested in an array", "*1\r\n>1\r\n:1\r\n", /push frame nested .* at offset 4/],
    ["a push nested in a map", "%1\r\n+k\r\n>0\r\n", /push frame nested/],
  ];
  for (const [name, input, match] of cases) {
    it(`throws ProtocolError on ${name}`, () => assertProtocolError(input, undefined, match));
  }

  it("throws on an aggregate longer than maxBulkLength", () => {
    assertProtocolError("*11\r\n", { maxBulkLength: 10 }, /over maxBulkLength \(10\)/);
    assertProtocolError("%11\r\n", { maxBulkLength: 10 }, /over maxBulkLength/);
  });

  it("throws on nesting deeper than a configured maxDepth", () => {
    assert.deepEqual(decodeChunks([bytes("*1\r\n*1\r\n:1\r\n")], { maxDepth: 2 }), [reply([[1]])]);
    assertProtocolError("*1\r\n*1\r\n*0\r\n", { maxDepth: 2 }, /maxDepth \(2\)/);
    assertProtocolError("|1\r\n+a\r\n*1\r\n*0\r\n", { maxDepth: 1 }, /maxDepth \(1\)/);
  });

  it("throws on a huge declared length at once, without waiting for bytes", () => {
    for (const header of ["$99999999999", "*99999999999", "$536870913"]) {
      const decoder = new Decoder();
      assert.throws(() => decoder.feed(bytes(header), () => {}), /over maxBulkLength/);
      assert.equal(decoder.buffered, 0);
    }
  });

  it("throws on a simple string longer than maxBulkLength", () => {
    assertProtocolError(`+${"a".repeat(101)}\r\n`, { maxBulkLength: 100 }, /runs over 100 bytes/);
    assertDecodesEverywhere(bytes(`+${"a".repeat(100)}\r\n`), [reply("a".repeat(100))], {
      maxBulkLength: 100,
    });
  });

  it("does not keep growing on a long line without CRLF", () => {
    for (const start of [":", ",", "(", "+", "-"]) {
      const decoder = new Decoder({ maxBulkLength: 1024 * 1024 });
      const piece = bytes("1".repeat(1024));
      let most = 0;
      assert.throws(() => {
        decoder.feed(bytes(start), () => {});
        for (let i = 0; i < 10_000; i++) {
          decoder.feed(piece, () => {});
          most = Math.max(most, decoder.buffered);
        }
      }, /without CRLF/);
      const limit = start === "+" || start === "-" ? 1024 * 1024 : 64 * 1024;
      assert.ok(most <= limit + 2, `${start}: buffered ${most} bytes`);
    }
  });

  it("rejects a malformed header as soon as the bad byte arrives, fed byte by byte", () => {
    for (const header of ["$1x", "*-2", "$1\rx", "%12a", "+O\rK", ">-", "!-"]) {
      const data = bytes(header);
      const decoder = new Decoder();
      for (let i = 0; i < data.length - 1; i++) decoder.feed(data.subarray(i, i + 1), () => {});
      assert.throws(
        () => decoder.feed(data.subarray(data.length - 1), () => {}),
        ProtocolError,
        JSON.stringify(header),
      );
    }
  });

  it("gives the offset of the error in the stream", () => {
    const decoder = new Decoder();
    decoder.feed(bytes("+OK\r\n:1"), () => {});
    assert.throws(() => decoder.feed(bytes("\r\n?"), () => {}), /at offset 9/);
  });
});

describe("encodeCommand", () => {
  it("writes a RESP array of bulk strings", () => {
    assert.deepEqual(
      encodeCommand(["SET", "k", "v"]),
      bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"),
    );
  });

  it("writes strings as UTF-8 of every length", () => {
    for (
      const text of [
        "héllo",
        "😀",
        "€".repeat(40),
        "é".repeat(500),
        "a".repeat(99) + "✓",
        "😀".repeat(30_000),
        "z".repeat(70_000),
      ]
    ) {
      assert.deepEqual(encodeCommand(["ECHO", text]), reference(["ECHO", text]), text.slice(0, 10));
    }
  });

  it("writes numbers and bigints as decimal text", () => {
    const args: RedisArgument[] = [
      "X",
      0,
      -1,
      42,
      100,
      12345,
      1.5,
      -0.25,
      -0,
      1e21,
      Number.MAX_SAFE_INTEGER,
      -(2 ** 60),
      2n ** 64n,
      -5n,
    ];
    assert.deepEqual(encodeCommand(args), reference(args));
    assert.deepEqual(encodeCommand(["X", -0]), bytes("*2\r\n$1\r\nX\r\n$1\r\n0\r\n"));
  });

  it("writes bytes as they are, CRLF included", () => {
    const binary = Uint8Array.from([13, 10, 0, 255, 36, 13, 10]);
    const big = new Uint8Array(100_000).map((_, i) => i % 256);
    assert.deepEqual(encodeCommand(["SET", binary, big]), reference(["SET", binary, big]));
    assert.deepEqual(
      encodeCommand(["SET", new Uint8Array(0)]),
      bytes("*2\r\n$3\r\nSET\r\n$0\r\n\r\n"),
    );
  });

  it("writes empty strings", () => {
    assert.deepEqual(
      encodeCommand(["SET", "k", ""]),
      bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"),
    );
  });

  it("returns bytes that later encodings do not overwrite", () => {
    const first = encodeCommand(["SET", "a", "1"]);
    const copy = first.slice();
    for (let i = 0; i < 5_000; i++) encodeCommand(["SET", `key:${i}`, "x".repeat(i % 100)]);
    assert.deepEqual(first, copy);
  });

  it("keeps working after a caller transfers the bytes' buffer", () => {
    const bytes = encodeCommand(["PING"]);
    structuredClone(bytes, { transfer: [bytes.buffer as ArrayBuffer] });
    assert.equal(bytes.length, 0);
    assert.deepEqual(encodeCommand(["PING"]), reference(["PING"]));
  });

  it("matches a reference encoder on random arguments", () => {
    const random = seededRandom(3);
    for (let round = 0; round < 300; round++) {
      const args = Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => randomArgument(random),
      );
      assert.deepEqual(encodeCommand(args), reference(args), `round ${round}`);
    }
  });

  it("throws a TypeError naming the argument for non-finite numbers", () => {
    assert.throws(() => encodeCommand(["ZADD", "k", NaN, "m"]), /^TypeError: Argument 2 is NaN/);
    assert.throws(() => encodeCommand(["ZADD", "k", Infinity]), /Argument 2 is Infinity/);
    assert.throws(() => encodeCommand(["ZADD", "k", -Infinity]), /Argument 2 is -Infinity/);
  });

  it("throws a TypeError for other values and for an empty command", () => {
    assert.throws(() => encodeCommand(["GET", null as unknown as string]), /Argument 1 is null/);
    assert.throws(() => encodeCommand(["GET", {} as unknown as string]), /Argument 1 is object/);
    assert.throws(() => encodeCommand([]), TypeError);
  });
});

describe("encodeCommands", () => {
  it("writes many commands into one buffer, in order", () => {
    const commands: RedisArgument[][] = Array.from(
      { length: 10_000 },
      (_, i) => ["SET", `key:${i}`, "v".repeat(i % 300)],
    );
    const expected = bytes(...commands.map(reference));
    assert.deepEqual(encodeCommands(commands), expected);
    assert.deepEqual(encodeCommands([["PING"]]), bytes("*1\r\n$4\r\nPING\r\n"));
    assert.deepEqual(encodeCommands([]), new Uint8Array(0));
  });

  it("names the command and argument in a TypeError", () => {
    assert.throws(
      () => encodeCommands([["PING"], ["INCRBY", "k", NaN]]),
      /Argument 2 of command 1 is NaN/,
    );
    assert.throws(() => encodeCommands([["PING"], []]), /Command 1 is empty/);
  });
});

/** The obvious encoder, to compare the fast one against. */
function reference(args: RedisArgument[]): Uint8Array {
  const parts: (string | Uint8Array)[] = [`*${args.length}\r\n`];
  for (const arg of args) {
    const data = arg instanceof Uint8Array ? arg : utf8.encode(String(arg));
    parts.push(`$${data.length}\r\n`, data, "\r\n");
  }
  return bytes(...parts);
}

function randomText(random: () => number): string {
  const alphabet = ["a", "Z", "0", " ", "\r", "\n", "é", "€", "😀", "\u0000"];
  const length = Math.floor(random() * (random() < 0.1 ? 200 : 20));
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
}

function randomArgument(random: () => number): RedisArgument {
  switch (Math.floor(random() * 5)) {
    case 0:
      return Math.floor((random() - 0.5) * 2 ** Math.floor(random() * 54));
    case 1:
      return (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10);
    case 2:
      return BigInt(Math.floor(random() * 1e15)) ** 2n;
    case 3:
      return Uint8Array.from(
        { length: Math.floor(random() * 40) },
        () => Math.floor(random() * 256),
      );
    default:
      return randomText(random);
  }
}

function randomReply(random: () => number, depth: number): Reply {
  const kind = Math.floor(random() * (depth > 3 ? 7 : 11));
  const size = Math.floor(random() * 4);
  switch (kind) {
    case 0:
      return randomText(random);
    case 1:
      return Math.floor((random() - 0.5) * 2 ** 40);
    case 2:
      return (random() - 0.5) * 1e6;
    case 3:
      return BigInt(Math.floor(random() * 1e15)) ** 3n;
    case 4:
      return random() < 0.5;
    case 5:
      return null;
    case 6:
      return new ReplyError(`ERR ${randomText(random).replace(/[\r\n]/g, "")}`);
    case 7:
      return Array.from({ length: size }, () => randomReply(random, depth + 1));
    case 8:
      return new Set(Array.from({ length: size }, () => randomText(random)));
    case 9:
      return new Map(
        Array.from({ length: size }, () => [randomText(random), randomReply(random, depth + 1)]),
      );
    default:
      return [randomReply(random, depth + 1)];
  }
}

/** Writes a reply the way a RESP3 server would. */
function serialize(value: Reply): string {
  if (value === null) return "_\r\n";
  if (typeof value === "boolean") return value ? "#t\r\n" : "#f\r\n";
  if (typeof value === "bigint") return `(${value}\r\n`;
  if (typeof value === "number") return Number.isInteger(value) ? `:${value}\r\n` : `,${value}\r\n`;
  if (typeof value === "string") return `$${utf8.encode(value).length}\r\n${value}\r\n`;
  if (value instanceof ReplyError) return `-${value.message}\r\n`;
  if (value instanceof Map) {
    return `%${value.size}\r\n${[...value].map(([k, v]) => serialize(k) + serialize(v)).join("")}`;
  }
  if (value instanceof Set) return `~${value.size}\r\n${[...value].map(serialize).join("")}`;
  if (Array.isArray(value)) return `*${value.length}\r\n${value.map(serialize).join("")}`;
  throw new TypeError("unexpected reply in test");
}
