/**
 * A seeded mutational fuzzer for the decoder: random valid RESP2 / RESP3
 * streams, mutated (flipped, inserted, deleted, duplicated bytes, cut
 * lengths), decoded whole and in random chunks, with decodeResponses both
 * ways. A difference between the two feeds, or a throw that is not a
 * ProtocolError, is a failure.
 *
 * @module
 */
import { ProtocolError } from "../../src/errors.ts";
import { Decoder, type Reply } from "../../src/protocol/mod.ts";
import { seededRandom } from "./wait.ts";

/** One case the decoder got wrong. */
export interface FuzzFailure {
  /** The case's number (rerun it with the same seed). */
  index: number;
  /** What went wrong. */
  reason: string;
  /** The input, as a JSON string of its bytes. */
  input: string;
}

/** What a fuzz run did. */
export interface FuzzReport {
  /** Cases run. */
  cases: number;
  /** Cases that ended in a ProtocolError (both ways). */
  rejected: number;
  /** Failures (at most the first 10 are kept). */
  failures: FuzzFailure[];
  /** How many failures there were in all. */
  failed: number;
}

type Random = () => number;

const utf8 = new TextEncoder();
const WORDS = ["OK", "message", "ch", "", "héllo", "a\u0000b", "-1", "3.14", "inf", "nan"];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** A random valid frame, as text (bulk lengths count UTF-8 bytes). */
function frame(random: Random, depth: number): string {
  const roll = random();
  const word = pick(random, WORDS);
  const n = Math.floor(random() * 4);
  if (depth < 4 && roll < 0.3) {
    const type = pick(random, ["*", "%", "~", "|"]);
    const count = type === "%" || type === "|" ? n * 2 : n;
    const items = Array.from({ length: count }, () => frame(random, depth + 1));
    const body = `${type}${n}\r\n${items.join("")}`;
    return type === "|" ? body + frame(random, depth + 1) : body;
  }
  if (depth === 0 && roll < 0.35) {
    return `>${n}\r\n${Array.from({ length: n }, () => frame(random, 1)).join("")}`;
  }
  const bulk = (type: string, text: string) => `${type}${utf8.encode(text).length}\r\n${text}\r\n`;
  return pick(random, [
    () => `+${word}\r\n`,
    () => `-ERR ${word}\r\n`,
    () => `:${Math.floor((random() - 0.5) * 2 ** 40)}\r\n`,
    () => bulk("$", word),
    () => "$-1\r\n",
    () => "*-1\r\n",
    () => "_\r\n",
    () => `#${random() < 0.5 ? "t" : "f"}\r\n`,
    () => `,${pick(random, ["1.5", "-0", "inf", "-inf", "nan", "1e3"])}\r\n`,
    () => `(${Math.floor(random() * 1e9)}123456789012\r\n`,
    () => bulk("=", `txt:${word}`),
    () => bulk("!", `ERR ${word}`),
  ])();
}

const SPECIAL = [13, 10, 36, 42, 43, 45, 58, 62, 37, 48, 57, 0, 255];

/** Applies 0..3 random mutations. */
function mutate(random: Random, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  const rounds = Math.floor(random() * 4);
  for (let r = 0; r < rounds && bytes.length > 0; r++) {
    const at = Math.floor(random() * bytes.length);
    const byte = random() < 0.7 ? pick(random, SPECIAL) : Math.floor(random() * 256);
    switch (Math.floor(random() * 5)) {
      case 0:
        bytes[at] = byte;
        break;
      case 1:
        bytes.splice(at, 0, byte);
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(random() * 3));
        break;
      case 3:
        bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(random() * 8)));
        break;
      default:
        bytes = bytes.slice(0, at);
    }
  }
  return Uint8Array.from(bytes);
}

/** A canonical text for replies, so two decodings compare exactly. */
function show(reply: Reply | unknown): string {
  if (reply instanceof Uint8Array) return `b[${reply.join(",")}]`;
  if (reply instanceof Error) return `E(${reply.name}:${reply.message})`;
  if (Array.isArray(reply)) return `[${reply.map(show).join(",")}]`;
  if (reply instanceof Map) return `M{${[...reply].map(([k, v]) => show(k) + ":" + show(v))}}`;
  if (reply instanceof Set) return `S{${[...reply].map(show).join(",")}}`;
  if (typeof reply === "bigint") return `${reply}n`;
  if (typeof reply === "number") return Object.is(reply, -0) ? "-0" : String(reply);
  return JSON.stringify(reply) ?? String(reply);
}

interface Outcome {
  frames: string[];
  error: unknown;
}

function decode(chunks: Uint8Array[], decodeResponses: boolean): Outcome {
  const decoder = new Decoder({ decodeResponses, maxDepth: 8, maxBulkLength: 1 << 20 });
  const frames: string[] = [];
  try {
    for (const chunk of chunks) {
      decoder.feed(chunk, (reply, push) => frames.push((push ? ">" : "") + show(reply)));
    }
    return { frames, error: undefined };
  } catch (error) {
    return { frames, error };
  }
}

function split(random: Random, input: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < input.length;) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 3 : 40));
    // Copies: the decoder must not rely on a fed chunk staying unchanged.
    chunks.push(input.slice(at, at + size));
    at += size;
  }
  return chunks;
}

function compare(whole: Outcome, parts: Outcome): string | undefined {
  for (const outcome of [whole, parts]) {
    if (outcome.error !== undefined && !(outcome.error instanceof ProtocolError)) {
      return `threw ${String(outcome.error)}`;
    }
  }
  if ((whole.error === undefined) !== (parts.error === undefined)) {
    return `whole ${whole.error ? "threw" : "passed"}, chunks ${parts.error ? "threw" : "passed"}`;
  }
  const a = whole.frames.join("\n");
  const b = parts.frames.join("\n");
  if (a !== b) return `frames differ:\n whole: ${a}\n chunks: ${b}`;
}

/**
 * Runs `n` cases from `seed`.
 *
 * @param options How many cases and the seed.
 * @returns What happened.
 */
export function fuzzDecoder(options: { n: number; seed: number }): FuzzReport {
  const random = seededRandom(options.seed);
  const report: FuzzReport = { cases: 0, rejected: 0, failures: [], failed: 0 };
  for (let index = 0; index < options.n; index++) {
    const count = 1 + Math.floor(random() * 3);
    const text = Array.from({ length: count }, () => frame(random, 0)).join("");
    const input = mutate(random, utf8.encode(text));
    const chunks = split(random, input);
    for (const decodeResponses of [true, false]) {
      const whole = decode([input], decodeResponses);
      const reason = compare(whole, decode(chunks, decodeResponses));
      if (whole.error !== undefined && decodeResponses) report.rejected++;
      if (reason === undefined) continue;
      report.failed++;
      if (report.failures.length < 10) {
        report.failures.push({
          index,
          reason: `decodeResponses ${decodeResponses}: ${reason}`,
          input: JSON.stringify(new TextDecoder().decode(input)),
        });
      }
    }
    report.cases++;
  }
  return report;
}
