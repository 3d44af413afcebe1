/**
 * Codec benchmark: encode and decode throughput of redwire's RESP codec on
 * typical workloads, next to ioredis's parser (`redis-parser@3`) and
 * ioredis's way of building a command, measured in the same run.
 *
 * Run with `deno run -A bench/codec.ts`; it takes about 17 s and never fails
 * on a time.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import RedisParserModule from "npm:redis-parser@3";
import { Decoder, encodeCommand, encodeCommands, type Reply } from "../src/protocol/mod.ts";
import type { RedisArgument } from "../src/protocol/mod.ts";
import { recordReplyStream } from "./_recorded_stream.ts";

/** The part of redis-parser@3's API the benchmark uses (it ships no types). */
interface RedisParser {
  execute(buffer: Buffer): void;
}
interface RedisParserOptions {
  returnReply(reply: unknown): void;
  returnError(error: Error): void;
  returnFatalError?(error: Error): void;
  returnBuffers?: boolean;
  stringNumbers?: boolean;
}
const RedisParserClass = RedisParserModule as unknown as new (
  options: RedisParserOptions,
) => RedisParser;

/** How long each case runs after its warm-up, in milliseconds. */
const CASE_MS = 400;
const WARMUP_MS = 100;

const utf8 = new TextEncoder();

/** One measured case: what ran, and its rate in operations per second. */
interface Result {
  name: string;
  ours: number;
  peer: number;
}

/**
 * Runs every case and prints a table of ops/s and ratios (redwire / peer).
 *
 * @returns Resolves when the table is printed.
 *
 * @example
 * ```ts ignore
 * import { runCodecBench } from "./bench/codec.ts";
 *
 * await runCodecBench();
 * ```
 */
export async function runCodecBench(): Promise<void> {
  const results: Result[] = [];
  for (const [name, args] of encodeCases()) {
    results.push({
      name: `encode ${name}`,
      ours: await measure(() => encodeCommand(args).length),
      peer: await measure(() => ioredisStyleEncode(args).length),
    });
  }
  const pipeline: RedisArgument[][] = Array.from({ length: 100 }, (_, i) => ["GET", `key:${i}`]);
  results.push({
    name: "encode 100 GETs (one buffer)",
    ours: await measure(() => encodeCommands(pipeline).length),
    // ioredis's pipeline joins the commands' strings and writes them once.
    peer: await measure(() => Buffer.from(pipeline.map(ioredisStyleString).join("")).length),
  });
  for (const [name, chunks, replies] of decodeCases()) {
    results.push({
      name: `decode ${name}`,
      ours: await measure(() => decodeWith(redwire.strings, chunks, replies)),
      peer: await measure(() => decodeWith(peer.strings, chunks, replies)),
    });
  }
  for (const [name, chunks, replies] of decodeCases().filter(([, , , bytes]) => bytes)) {
    results.push({
      name: `decode ${name} (as bytes)`,
      ours: await measure(() => decodeWith(redwire.bytes, chunks, replies)),
      peer: await measure(() => decodeWith(peer.bytes, chunks, replies)),
    });
  }
  printTable(results);
  await recordedStreamBench();
}

/** Decodes a stream recorded from a real server with both parsers; prints MB/s. */
async function recordedStreamBench(): Promise<void> {
  const { chunks, replies, bytes } = await recordReplyStream();
  const megabytes = bytes / 1e6;
  const ours = await measure(() => decodeWith(redwire.strings, chunks, replies)) * megabytes;
  const theirs = await measure(() => decodeWith(peer.strings, chunks, replies)) * megabytes;
  console.log(
    `\nrecorded reply stream (${replies} replies, ${
      (bytes / 1024).toFixed(0)
    } KiB in ${chunks.length} socket chunks):` +
      `\n  redwire ${ours.toFixed(0)} MB/s   redis-parser ${theirs.toFixed(0)} MB/s   ratio ${
        (ours / theirs).toFixed(2)
      }x`,
  );
}

function encodeCases(): [string, RedisArgument[]][] {
  return [
    ["SET 16 B value", ["SET", "key:000000000042", "v".repeat(16)]],
    ["SET 1 KiB value", ["SET", "key:000000000042", "v".repeat(1024)]],
    ["SET 1 KiB UTF-8 value", ["SET", "key:000000000042", "é".repeat(512)]],
    ["SET 1 KiB bytes", ["SET", "key:000000000042", new Uint8Array(1024).fill(118)]],
    ["ZADD with numbers", ["ZADD", "scores", 1234.5, "member:1", 42, "member:2"]],
  ];
}

/**
 * Builds the command the way ioredis's `Command#toWritable` does (a string,
 * or mixed buffers once an argument is binary), then encodes it as the
 * socket's write would.
 */
function ioredisStyleEncode(args: RedisArgument[]): Buffer {
  if (!args.some((arg) => arg instanceof Uint8Array)) return Buffer.from(ioredisStyleString(args));
  const parts: Buffer[] = [];
  let text = `*${args.length}\r\n`;
  for (const arg of args) {
    if (arg instanceof Uint8Array) {
      parts.push(Buffer.from(`${text}$${arg.length}\r\n`), Buffer.from(arg));
      text = "\r\n";
    } else {
      const value = String(arg);
      text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
    }
  }
  parts.push(Buffer.from(text));
  return Buffer.concat(parts);
}

function ioredisStyleString(args: RedisArgument[]): string {
  let text = `*${args.length}\r\n`;
  for (const arg of args) {
    const value = String(arg);
    text += `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  }
  return text;
}

/** Each case: chunks as a socket would deliver them, the replies they hold, and whether to run it in bytes mode too. */
function decodeCases(): [string, Uint8Array[], number, boolean][] {
  const bulk = (text: string) => `$${utf8.encode(text).length}\r\n${text}\r\n`;
  const value16 = "v".repeat(16);
  const value1k = "v".repeat(1024);
  const members = Array.from({ length: 1000 }, (_, i) => `member:${String(i).padStart(8, "0")}`);
  const array1000 = `*1000\r\n${members.map(bulk).join("")}`;
  const integers = `*1000\r\n${members.map((_, i) => `:${i * 7919}\r\n`).join("")}`;
  const pipeline16 = bulk(value16).repeat(100);
  const pipeline1k = bulk(value1k).repeat(100);
  const one = (text: string) => [utf8.encode(text)];
  return [
    ["+OK (SET reply)", one("+OK\r\n"), 1, false],
    ["GET reply, 16 B bulk", one(bulk(value16)), 1, true],
    ["GET reply, 1 KiB bulk", one(bulk(value1k)), 1, false],
    ["100-reply pipeline, 16 B bulks", one(pipeline16), 100, true],
    ["100-reply pipeline, 1 KiB bulks, 16 KiB chunks", chunked(pipeline1k, 16 * 1024), 100, false],
    ["1000-element array of bulks", one(array1000), 1, true],
    ["1000-element array of bulks, 1 KiB chunks", chunked(array1000, 1024), 1, false],
    ["1000-element array of integers", one(integers), 1, false],
  ];
}

function chunked(text: string, size: number): Uint8Array[] {
  const bytes = utf8.encode(text);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** Something that decodes chunks and counts the replies it delivers. */
interface Subject {
  feed(chunk: Uint8Array): void;
  count: number;
}

function redwireSubject(decodeResponses: boolean): Subject {
  const decoder = new Decoder({ decodeResponses });
  const subject = {
    count: 0,
    feed: (chunk: Uint8Array) => decoder.feed(chunk, onFrame),
  };
  const onFrame = (_reply: Reply) => {
    subject.count++;
  };
  return subject;
}

function redisParserSubject(returnBuffers: boolean): Subject {
  const subject = { count: 0, feed: (chunk: Uint8Array) => parser.execute(asBuffer(chunk)) };
  const parser = new RedisParserClass({
    returnReply: () => {
      subject.count++;
    },
    returnError: () => {
      subject.count++;
    },
    returnFatalError: (error) => {
      throw error;
    },
    returnBuffers,
  });
  return subject;
}

const redwire = { strings: redwireSubject(true), bytes: redwireSubject(false) };
const peer = { strings: redisParserSubject(false), bytes: redisParserSubject(true) };

const buffers = new WeakMap<Uint8Array, Buffer>();

/** A Buffer view of the same bytes, made once: ioredis gets Buffers from node:net. */
function asBuffer(chunk: Uint8Array): Buffer {
  let buffer = buffers.get(chunk);
  if (buffer === undefined) {
    buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    buffers.set(chunk, buffer);
  }
  return buffer;
}

function decodeWith(subject: Subject, chunks: Uint8Array[], replies: number): number {
  subject.count = 0;
  for (const chunk of chunks) subject.feed(chunk);
  if (subject.count !== replies) throw new Error(`decoded ${subject.count} of ${replies} replies`);
  return replies;
}

let sink = 0;

/** Runs `op` in growing batches for CASE_MS after a warm-up; returns ops per second. */
async function measure(op: () => number): Promise<number> {
  await runFor(op, WARMUP_MS);
  return await runFor(op, CASE_MS);
}

async function runFor(op: () => number, ms: number): Promise<number> {
  let ops = 0;
  let batch = 16;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink += op();
    ops += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 20) batch *= 2;
  }
  // Yield between cases so timers and GC bookkeeping do not pile up.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return (ops * 1000) / elapsed;
}

function printTable(results: Result[]): void {
  const rows = results.map((r) => [
    r.name,
    formatRate(r.ours),
    formatRate(r.peer),
    `${(r.ours / r.peer).toFixed(2)}x`,
  ]);
  const header = ["case", "redwire ops/s", "peer ops/s", "ratio"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(
      "  ",
    );
  console.log(
    "peer: encode = ioredis-style string building + Buffer.from; decode = redis-parser@3",
  );
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
  if (sink === 0) console.log("(nothing measured)");
}

function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}

if (import.meta.main) {
  await runCodecBench();
}
