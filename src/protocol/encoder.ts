/**
 * Encodes commands as RESP arrays of bulk strings (RESP2 and RESP3 send
 * commands the same way): the bytes every command costs before it leaves.
 *
 * @module
 */
import type { RedisArgument } from "./types.ts";

const CR = 13;
const LF = 10;
const DOLLAR = 36;
const STAR = 42;
const ZERO = 48;

/** Strings up to this many UTF-16 units are copied by a JS loop while ASCII. */
const ASCII_LOOP_MAX = 64;
/** Longer strings are encoded whole by `TextEncoder.encode`, not into a 3x reservation. */
const ENCODE_INTO_MAX = 64 * 1024;
/** Commands are written into slabs of this size and returned as views of them. */
const SLAB_SIZE = 64 * 1024;
/** A slab grown past this by a big command is not reused for the next one. */
const SLAB_KEEP = 1024 * 1024;
/** The smallest slab of a connection's own (EncodeScratch.slab). */
const OWN_SLAB_MIN = 16 * 1024;
/** The biggest slab of a connection's own: bigger encodings take fresh slabs past it. */
const OWN_SLAB_MAX = 256 * 1024;
/** Room for "$" + up to 16 digits + CRLF, and the CRLF after the payload. */
const HEADER_ROOM = 24;
/** In encodeCommandChunks, arguments at least this long leave as chunks of their own. */
const OWN_CHUNK_MIN = 64 * 1024;
/** The most an EncodeScratch buffer grows to; longer strings get a buffer each. */
const SCRATCH_MAX = 8 * 1024 * 1024;

const UTF8 = new TextEncoder();

/**
 * Writes commands into a slab: allocating a small Uint8Array costs more than
 * encoding a SET, so each command is a view of a shared buffer (as Node's
 * pooled Buffers are), and a slab is replaced only when full.
 */
class Writer {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  /** Where the command being written starts (or the part after the last cut). */
  #start = 0;
  /** While encoding chunks: the chunks so far, and the scratch buffer if still unused. */
  #chunks: Uint8Array[] | null = null;
  #scratch: EncodeScratch | null = null;

  /** The caller's scratch whose slab is being written into. */
  #owner: EncodeScratch | null = null;
  /** Bytes written since startChunks, counting the slabs left behind. */
  #past = 0;

  /**
   * Starts encoding into chunks (see encodeCommandChunks); with a scratch,
   * into its slab from the start (its last write is done), so only OWN_WRITER
   * is given one: the shared slab of WRITER is never swapped out.
   */
  startChunks(scratch: EncodeScratch | undefined): void {
    this.#chunks = [];
    this.#scratch = this.#owner = scratch ?? null;
    if (scratch === undefined) return;
    const want = Math.min(scratch.want ?? 0, OWN_SLAB_MAX);
    if (scratch.slab === undefined || scratch.slab.length < want) {
      scratch.slab = new Uint8Array(Math.max(OWN_SLAB_MIN, want));
    }
    this.#buf = scratch.slab;
    this.#pos = this.#start = this.#past = 0;
  }

  /** Ends encoding into chunks, returning them. */
  finishChunks(): Uint8Array[] {
    const chunks = this.#chunks!;
    const owner = this.#owner;
    // Sized for next time, with room for ensure()'s worst-case reservations:
    // a batch like this one fits the next slab without a fresh one.
    if (owner !== null) {
      const total = this.#past + this.#pos;
      owner.want = total + (total >> 2) + 1024;
    }
    const last = this.finish();
    if (last.length > 0) chunks.push(last);
    this.#chunks = null;
    this.#scratch = null;
    return chunks;
  }

  /** Ends the bytes written since the last `finish`, returning them as a view. */
  finish(): Uint8Array {
    const bytes = this.#buf.subarray(this.#start, this.#pos);
    if (this.#buf.length > SLAB_KEEP) {
      // A big command grew this slab: do not keep it for the small ones to come.
      this.#buf = new Uint8Array(0);
      this.#pos = 0;
    }
    this.#start = this.#pos;
    return bytes;
  }

  /** Forgets a command left half-written by an error (and chunks being encoded). */
  abort(): void {
    this.#pos = this.#start;
    this.#chunks = null;
    this.#scratch = null;
  }

  /**
   * Writes commands in order; if one cannot be encoded, forgets what this
   * call wrote and rethrows.
   *
   * @param commands The commands.
   * @param numbered Whether messages name a command by its index (a single one: no).
   */
  commands(commands: readonly RedisArgument[][], numbered: boolean): void {
    try {
      for (let i = 0; i < commands.length; i++) this.#command(commands[i]!, numbered ? i : -1);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Makes room for `extra` more bytes, moving the current command to a new slab if needed. */
  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    const used = this.#pos - this.#start;
    const next = new Uint8Array(Math.max(SLAB_SIZE, used + extra + (used >> 1)));
    if (used > 0) next.set(this.#buf.subarray(this.#start, this.#pos));
    this.#past += this.#start;
    this.#buf = next;
    this.#start = 0;
    this.#pos = used;
  }

  #command(args: RedisArgument[], command: number): void {
    const count = args.length;
    if (count === 0) {
      // Redis answers nothing to "*0\r\n", which would leave a reply pending forever.
      throw new TypeError(`${where(command, -1)}is empty: a command needs at least its name`);
    }
    this.#ensure(HEADER_ROOM);
    const buf = this.#buf;
    buf[this.#pos++] = STAR;
    this.#pos = writeDecimal(buf, this.#pos, count);
    buf[this.#pos++] = CR;
    buf[this.#pos++] = LF;
    for (let i = 0; i < count; i++) {
      const arg = args[i];
      if (typeof arg === "string") this.#string(arg);
      else if (typeof arg === "number") this.#number(arg, command, i);
      else if (arg instanceof Uint8Array) this.#bytes(arg);
      else if (typeof arg === "bigint") this.#string(arg.toString());
      else {
        const type = arg === null ? "null" : typeof arg;
        throw new TypeError(
          `${where(command, i)}is ${type}: pass a string, number, bigint or Uint8Array`,
        );
      }
    }
  }

  #string(text: string): void {
    const length = text.length;
    if (length > ASCII_LOOP_MAX) {
      if (length >= OWN_CHUNK_MIN && this.#chunks !== null) this.#ownString(text);
      else if (length <= ENCODE_INTO_MAX) this.#utf8(text);
      else this.#large(text);
      return;
    }
    this.#ensure(HEADER_ROOM + length * 3);
    const buf = this.#buf;
    // Optimistic ASCII copy after a header sized for `length` bytes; the
    // first non-ASCII unit abandons it and the UTF-8 path overwrites it.
    let p = this.#pos + 3 + (length < 10 ? 1 : 2);
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) return this.#utf8(text);
      buf[p++] = code;
    }
    this.#header(length);
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  /** Encodes with `encodeInto` into room for the worst case (3 bytes a UTF-16 unit). */
  #utf8(text: string): void {
    const most = text.length * 3;
    this.#ensure(HEADER_ROOM + most);
    const buf = this.#buf;
    const reserved = digitCount(most);
    const start = this.#pos + 3 + reserved;
    const written = UTF8.encodeInto(text, buf.subarray(start, start + most)).written;
    const digits = digitCount(written);
    if (digits < reserved) {
      // The header is shorter than reserved: slide the payload back against it.
      buf.copyWithin(start - (reserved - digits), start, start + written);
    }
    this.#header(written);
    let p = this.#pos + written;
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  /**
   * Big values are mostly ASCII: try room for one byte a UTF-16 unit first,
   * which costs one allocation instead of three; when the text does not fit,
   * encode it on its own.
   */
  #large(text: string): void {
    const length = text.length;
    this.#ensure(HEADER_ROOM + length);
    const start = this.#pos + 3 + digitCount(length);
    const { read } = UTF8.encodeInto(text, this.#buf.subarray(start, start + length));
    // Every unit read and every byte within `length` means one byte a unit.
    if (read < length) return this.#bytes(UTF8.encode(text));
    this.#header(length);
    const buf = this.#buf;
    let p = this.#pos + length;
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  #number(value: number, command: number, index: number): void {
    if (Number.isSafeInteger(value) && value >= 0) {
      // Counts, indexes, TTLs: digits written straight, without a string.
      this.#ensure(HEADER_ROOM + 17);
      this.#header(digitCount(value));
      const buf = this.#buf;
      let p = writeDecimal(buf, this.#pos, value);
      buf[p++] = CR;
      buf[p++] = LF;
      this.#pos = p;
    } else if (Number.isFinite(value)) {
      this.#string(String(value));
    } else {
      throw new TypeError(
        `${where(command, index)}is ${value}: Redis takes finite numbers only ` +
          `(send "inf" or "-inf" as a string where a command accepts them)`,
      );
    }
  }

  #bytes(bytes: Uint8Array): void {
    const length = bytes.length;
    if (length >= OWN_CHUNK_MIN && this.#chunks !== null) return this.#own(bytes);
    this.#ensure(HEADER_ROOM + length);
    this.#header(length);
    const buf = this.#buf;
    let p = this.#pos;
    if (length < 32) {
      for (let i = 0; i < length; i++) buf[p++] = bytes[i];
    } else {
      buf.set(bytes, p);
      p += length;
    }
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }

  /**
   * Encodes a big string into the scratch buffer, the first one of this
   * encoding that fits, or else into a buffer of its own; either way it
   * leaves as its own chunk, never copied into a slab.
   */
  #ownString(text: string): void {
    const scratch = this.#scratch;
    if (scratch !== null && text.length <= SCRATCH_MAX) {
      // Room for one byte a UTF-16 unit: big values are mostly ASCII.
      if (scratch.buffer.length < text.length) scratch.buffer = new Uint8Array(text.length);
      const { read, written } = UTF8.encodeInto(text, scratch.buffer);
      if (read === text.length) {
        this.#scratch = null;
        return this.#own(scratch.buffer.subarray(0, written));
      }
    }
    this.#own(UTF8.encode(text));
  }

  /** Writes a payload as a chunk of its own between the slab parts holding its header and CRLF. */
  #own(payload: Uint8Array): void {
    this.#ensure(HEADER_ROOM);
    this.#header(payload.length);
    this.#chunks!.push(this.#buf.subarray(this.#start, this.#pos), payload);
    const buf = this.#buf;
    buf[this.#pos++] = CR;
    buf[this.#pos++] = LF;
    this.#start = this.#pos - 2;
  }

  /** Writes "$<length>\r\n" at `pos`. */
  #header(length: number): void {
    const buf = this.#buf;
    buf[this.#pos] = DOLLAR;
    let p = writeDecimal(buf, this.#pos + 1, length);
    buf[p++] = CR;
    buf[p++] = LF;
    this.#pos = p;
  }
}

const WRITER = new Writer();
/** Encodes into callers' own slabs (encodeCommandChunks with a scratch). */
const OWN_WRITER = new Writer();

/**
 * Encodes one command as a RESP array of bulk strings.
 *
 * The bytes are a view that may share its `ArrayBuffer` with other encoded
 * commands (as Node's pooled Buffers do): use it through `byteOffset` and
 * `byteLength`, and never transfer or detach its `buffer`.
 *
 * @param args The command name followed by its arguments: strings as UTF-8,
 *   numbers and bigints as decimal text, bytes as they are.
 * @returns The bytes to write.
 * @throws {TypeError} If `args` is empty, an argument is not a string, number,
 *   bigint or Uint8Array, or a number is not finite (the message names the
 *   argument's index).
 *
 * @example Encoding a SET
 * ```ts
 * import { encodeCommand } from "@redwire/redis";
 *
 * const bytes = encodeCommand(["SET", "greeting", "héllo", 60]);
 * console.log(new TextDecoder().decode(bytes));
 * // "*4\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$6\r\nhéllo\r\n$2\r\n60\r\n"
 * ```
 */
export function encodeCommand(args: RedisArgument[]): Uint8Array {
  WRITER.commands([args], false);
  return WRITER.finish();
}

/**
 * Encodes several commands into one buffer, for a pipeline sent in one write.
 * Like {@linkcode encodeCommand}, the bytes may share their `ArrayBuffer`.
 *
 * @param commands The commands, each its name followed by its arguments.
 * @returns The bytes of every command, in order, in one view.
 * @throws {TypeError} If a command is empty or holds an argument that cannot
 *   be encoded (the message names the command's and the argument's index).
 *
 * @example Encoding a pipeline
 * ```ts
 * import { encodeCommands } from "@redwire/redis";
 *
 * const bytes = encodeCommands([["SET", "a", 1], ["GET", "a"]]);
 * console.log(bytes.length); // 47
 * ```
 */
export function encodeCommands(commands: RedisArgument[][]): Uint8Array {
  WRITER.commands(commands, true);
  return WRITER.finish();
}

/**
 * A buffer that {@linkcode encodeCommandChunks} may encode one big string
 * argument into, growing it when needed; its owner reuses it for the next
 * encoding once the bytes of this one are written.
 */
export interface EncodeScratch {
  /** The buffer; the encoder may replace it with a bigger one. */
  buffer: Uint8Array;
  /**
   * The owner's slab: the small parts of each encoding are written into it
   * from its start (no fresh slab, whose pages cost more than the encoding,
   * per write), so it too is reused only once the last write is done.
   * Created and grown by the encoder.
   */
  slab?: Uint8Array;
  /** What the last encoding needed, for the size of the next slab. */
  want?: number;
}

/**
 * Encodes commands for one write as a list of chunks: the small parts in
 * slab views as {@linkcode encodeCommands} writes them, and every argument
 * of 64 KiB or more as a chunk of its own, so a big value is never copied
 * into a slab: a `Uint8Array` is the chunk itself (not copied at all), and
 * the first big string is encoded into `scratch` (the others into buffers
 * of their own).
 *
 * @param commands The commands, each its name followed by its arguments.
 * @param scratch Reusable memory for one big string; omit to allocate.
 * @returns The chunks, to be written in order.
 * @throws {TypeError} As {@linkcode encodeCommands} does.
 *
 * @example
 * ```ts ignore
 * const chunks = encodeCommandChunks([["SET", "k", new Uint8Array(1 << 20)]]);
 * console.log(chunks.length); // 3: "*3 ... $1048576\r\n", the value, "\r\n"
 * ```
 */
export function encodeCommandChunks(
  commands: RedisArgument[][],
  scratch?: EncodeScratch,
): Uint8Array[] {
  const writer = scratch === undefined ? WRITER : OWN_WRITER;
  writer.startChunks(scratch);
  writer.commands(commands, true);
  return writer.finishChunks();
}

/** Names the command and argument for an error message, such as "Argument 2 of command 3 ". */
function where(command: number, arg: number): string {
  const of = command < 0 ? "" : `of command ${command} `;
  if (arg >= 0) return `Argument ${arg} ${of}`;
  return command < 0 ? "The command " : `Command ${command} `;
}

/** Writes a non-negative safe integer's digits at `p`, without a string; returns the end. */
function writeDecimal(buf: Uint8Array, p: number, value: number): number {
  if (value < 10) {
    buf[p] = ZERO + value;
    return p + 1;
  }
  if (value < 100) {
    const tens = (value / 10) | 0;
    buf[p] = ZERO + tens;
    buf[p + 1] = ZERO + value - tens * 10;
    return p + 2;
  }
  const end = p + digitCount(value);
  let at = end;
  let rest = value;
  while (rest >= 10) {
    const next = Math.floor(rest / 10);
    buf[--at] = ZERO + (rest - next * 10);
    rest = next;
  }
  buf[--at] = ZERO + rest;
  return end;
}

function digitCount(value: number): number {
  if (value < 10) return 1;
  if (value < 100) return 2;
  if (value < 1000) return 3;
  if (value < 10000) return 4;
  let count = 5;
  for (let limit = 100000; value >= limit && count < 17; limit *= 10) count++;
  return count;
}
