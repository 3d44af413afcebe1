/**
 * The incremental RESP2 / RESP3 decoder: bytes in, one callback per reply.
 *
 * @module
 */
import { ProtocolError, toReplyError } from "../errors.ts";
import { integerOr } from "../_check.ts";
import {
  badLength,
  badLine,
  badPayloadEnd,
  badVerbatim,
  invalidLine,
  nestedPush,
  overlongLine,
  tooDeep,
  tooLong,
  unknownType,
} from "./_decode_errors.ts";
import { decodeText, parseBigNumber, parseDouble, parseInteger } from "./_scalars.ts";
import type { Reply } from "./types.ts";
import { Aggregates, PENDING } from "./_aggregates.ts";

// Local constants, not imports: V8 folds a module's own consts into the hot
// loop but loads imported bindings on every use.
const CR = 13;
const LF = 10;
const COLON = 58;
const MINUS = 45;
const ONE = 49;

// RESP3 type bytes ("RESP protocol description", redis.io).
const SIMPLE = 43; // +
const ERROR = 45; // -
const INTEGER = 58; // :
const BULK = 36; // $
const ARRAY = 42; // *
const NULL = 95; // _
const BOOLEAN = 35; // #
const DOUBLE = 44; // ,
const BIG_NUMBER = 40; // (
const BULK_ERROR = 33; // !
const VERBATIM = 61; // =
const MAP = 37; // %
const SET = 126; // ~
const ATTRIBUTE = 124; // |
const PUSH = 62; // >

/**
 * How a {@linkcode Decoder} turns bytes into replies, and the limits it enforces.
 *
 * @example
 * ```ts
 * import { Decoder, type DecoderOptions } from "@redwire/redis";
 *
 * const options: DecoderOptions = { decodeResponses: false, maxDepth: 8 };
 * const decoder = new Decoder(options);
 * ```
 */
export interface DecoderOptions {
  /**
   * `true`: simple, bulk and verbatim strings decode to strings (UTF-8);
   * `false`: to `Uint8Array` copies of the bytes, never views of a fed chunk.
   * Like Node's pooled Buffers, a value may be a view of a larger private
   * buffer (a slab of small values, or a copy of a chunk of 4 KiB or more)
   * that it keeps alive: copy it to keep it long, and never transfer its
   * `buffer`. Map keys that are `Uint8Array` compare by identity, so look
   * them up by iterating the map.
   * @default true
   */
  decodeResponses?: boolean;
  /** Longest bulk string, simple string or aggregate length accepted. @default 536870912 (512 MiB) */
  maxBulkLength?: number;
  /** Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes) accepted. @default 64 */
  maxDepth?: number;
  /** Receives each RESP3 attribute (`|`); the value it annotates is delivered alone. @default dropped */
  onAttribute?: (attribute: Map<Reply, Reply>) => void;
}

/**
 * Receives each complete top-level reply, in order; `push` is `true` for an
 * out-of-band RESP3 push (`>`), such as a pub/sub message.
 *
 * @example
 * ```ts
 * import type { FrameHandler } from "@redwire/redis";
 *
 * const onFrame: FrameHandler = (reply, push) => console.log(push ? "push" : "reply", reply);
 * ```
 */
export type FrameHandler = (reply: Reply, push: boolean) => void;

const DEFAULTS = { decodeResponses: true, maxBulkLength: 512 * 1024 * 1024, maxDepth: 64 };

/** A header line (length, number, ...) may run this long before it is an error. */
const MAX_LINE = 64 * 1024;
/** A bulk payload split over chunks gets its whole buffer at once up to this size, then grows. */
const EAGER_PAYLOAD = 8 * 1024 * 1024;
/**
 * A payload decoded to text is gathered in a scratch buffer the decoder
 * reuses, kept up to this size: a fresh buffer per big reply costs more than
 * copying into it (fresh memory is zeroed and faulted in page by page).
 */
const SCRATCH_KEEP = 4 * 1024 * 1024;
/** Text payloads from this size go to the runtime's large-text decoder, when it has one. */
const LARGE_TEXT = 64 * 1024;
/** With decodeResponses false, values up to this size are copied into a shared slab of SLAB_SIZE... */
const SLAB_VALUE_MAX = 512;
const SLAB_SIZE = 8 * 1024;
/** ...unless the chunk is at least this long: then it is copied once and values are views of it. */
const OWN_CHUNK_MIN = 4 * 1024;
/**
 * A payload of at least this many bytes is offered to the transport to
 * read into (see `Decoder.readTarget`): below it, one read of
 * the next replies too costs less than a read of this one alone.
 */
const DIRECT_READ_MIN = 256 * 1024;
/** Returned by #readLength when the header line is not all here yet. */
const INCOMPLETE = -2;

/**
 * Turns a stream of RESP2 / RESP3 bytes into replies. It is incremental: a
 * reply split at any byte decodes the same, a partial header line is kept,
 * and a bulk string arriving over many chunks is copied into its own buffer
 * as it comes, never parsed again from the start. Nested aggregates are built
 * on an explicit stack bounded by `maxDepth`. Limits are checked as soon as
 * a header is read, so no declared length makes it buffer without bound.
 *
 * @example Decoding replies as they arrive
 * ```ts
 * import { Decoder, type Reply } from "@redwire/redis";
 *
 * const decoder = new Decoder();
 * const replies: Reply[] = [];
 * const bytes = new TextEncoder().encode("+OK\r\n%1\r\n$4\r\nname\r\n$7\r\nredwire\r\n");
 * decoder.feed(bytes.subarray(0, 9), (reply) => replies.push(reply));
 * decoder.feed(bytes.subarray(9), (reply) => replies.push(reply));
 * console.log(replies); // ["OK", Map(1) { "name" => "redwire" }]
 * ```
 */
export class Decoder {
  readonly #decodeResponses: boolean;
  readonly #maxBulkLength: number;
  readonly #maxDepth: number;
  readonly #largeText: ((bytes: Uint8Array) => string) | undefined;
  #onFrame: FrameHandler = ignore;
  #failure: Error | null = null;
  // Aggregates being filled, outermost first.
  readonly #aggregates: Aggregates;
  // A bulk payload being read: its length (-1: none), type byte and stream offset.
  #bulkLength = -1;
  #bulkType = 0;
  #bulkOffset = 0;
  // The bytes of a payload split over chunks, and how many have arrived.
  #payload: Uint8Array | null = null;
  #filled = 0;
  // Reused for payloads that become text, so they need no buffer of their own.
  #scratch: Uint8Array = new Uint8Array(0);
  // A header line split over chunks, its length and stream offset.
  #line: Uint8Array = new Uint8Array(0);
  #lineLength = 0;
  #lineOffset = 0;
  // Set while the kept line, complete up to its LF, is being read.
  #finishing = false;
  // Where small Uint8Array values are copied when decodeResponses is false.
  #slab: Uint8Array = new Uint8Array(0);
  #slabUsed = 0;
  // Whether the buffer being read is a private copy that values may view.
  #owned = false;
  // Stream offset of the current buffer's first byte; bytes fed so far.
  #base = 0;
  #total = 0;
  // The index after the line #readLength or #lineEnd last read.
  #next = 0;

  /**
   * Creates a decoder; it holds no bytes until fed.
   *
   * @param options Decoding and limits; see {@linkcode DecoderOptions}.
   * @param largeText Decodes UTF-8 payloads of 64 KiB or more when
   *   `decodeResponses` is on; a connection passes its runtime's fastest
   *   (Node's, for big ASCII values). Internal: absent, `TextDecoder` does.
   * @throws {TypeError} If `decodeResponses` or `onAttribute` has the wrong type.
   * @throws {RangeError} If `maxBulkLength` or `maxDepth` is not a non-negative integer.
   *
   * @example
   * ```ts
   * import { Decoder } from "@redwire/redis";
   *
   * const decoder = new Decoder({ maxBulkLength: 64 * 1024 * 1024 });
   * ```
   */
  constructor(options: DecoderOptions = {}, largeText?: (bytes: Uint8Array) => string) {
    const decodeResponses = options.decodeResponses ?? DEFAULTS.decodeResponses;
    if (typeof decodeResponses !== "boolean") {
      throw new TypeError(`decodeResponses must be a boolean, got ${typeof decodeResponses}`);
    }
    if (options.onAttribute !== undefined && typeof options.onAttribute !== "function") {
      throw new TypeError(`onAttribute must be a function, got ${typeof options.onAttribute}`);
    }
    this.#decodeResponses = decodeResponses;
    this.#maxBulkLength = integerOr(
      "maxBulkLength",
      options.maxBulkLength,
      0,
      DEFAULTS.maxBulkLength,
    );
    this.#maxDepth = integerOr("maxDepth", options.maxDepth, 0, DEFAULTS.maxDepth);
    this.#aggregates = new Aggregates(options.onAttribute);
    this.#largeText = largeText;
  }

  /**
   * Feeds bytes and calls `onFrame` once per complete top-level reply, in
   * order. The chunk is not kept: bytes still needed are copied.
   *
   * @param chunk The next bytes from the server.
   * @param onFrame Receives each reply, with `push` set for a RESP3 push.
   * @throws {ProtocolError} If the bytes are not valid RESP or break a limit;
   *   the decoder then throws on every feed until {@linkcode Decoder.reset}.
   *   An error thrown by `onFrame` propagates and stops the decoder the same way.
   *
   * @example
   * ```ts
   * import { Decoder } from "@redwire/redis";
   *
   * new Decoder().feed(new TextEncoder().encode(":42\r\n"), (reply) => console.log(reply)); // 42
   * ```
   */
  feed(chunk: Uint8Array, onFrame: FrameHandler): void {
    if (this.#failure !== null) {
      throw new ProtocolError(
        `Decoder stopped by an earlier error (${this.#failure.message}); reset it or open a new connection`,
        { cause: this.#failure },
      );
    }
    this.#onFrame = onFrame;
    try {
      this.#base = this.#total;
      this.#owned = false;
      const start = this.#lineLength > 0 ? this.#finishLine(chunk) : 0;
      if (start >= 0 && start < chunk.length) {
        // Bytes mode and a big chunk of replies (not the middle of a payload,
        // which has its own buffer): one copy of it costs less than one per value.
        this.#owned = !this.#decodeResponses && this.#bulkLength < 0 &&
          chunk.length - start >= OWN_CHUNK_MIN;
        const bytes = this.#owned ? chunk.slice(start) : chunk;
        this.#base = this.#total + chunk.length - bytes.length;
        this.#run(bytes, this.#owned ? 0 : start, bytes.length);
      }
      this.#total += chunk.length;
    } catch (error) {
      this.reset();
      this.#failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      this.#onFrame = ignore;
    }
  }

  /**
   * Where the rest of a big bulk string being received goes: a view of the
   * buffer it is gathered in (its own, or the text scratch), that a
   * transport may read into directly instead of copying the bytes there
   * from its read buffer. The next `feed` must then be given exactly the
   * bytes read into it (a view of this same memory), and nothing else may
   * be fed before. `undefined` unless part of a payload of 256 KiB or more
   * has arrived; the view may be empty (a buffer over 8 MiB that must grow).
   *
   * @returns The view to read into, or `undefined`.
   *
   * @example
   * ```ts
   * import { Decoder } from "@redwire/redis";
   *
   * const decoder = new Decoder();
   * decoder.feed(new TextEncoder().encode("$1048576\r\nabc"), () => {});
   * console.log(decoder.readTarget()?.length); // 1048575: the rest, with its CRLF
   * ```
   */
  readTarget(): Uint8Array | undefined {
    if (this.#bulkLength >= DIRECT_READ_MIN) {
      return this.#payload?.subarray(this.#filled, this.#bulkLength + 2);
    }
  }

  /**
   * Bytes held waiting for the rest of a reply: a partial header line or the
   * arrived part of a bulk string.
   *
   * @returns The number of bytes held.
   *
   * @example
   * ```ts
   * import { Decoder } from "@redwire/redis";
   *
   * const decoder = new Decoder();
   * decoder.feed(new TextEncoder().encode("$5\r\nhel"), () => {});
   * console.log(decoder.buffered); // 3
   * ```
   */
  get buffered(): number {
    return this.#lineLength + (this.#payload === null ? 0 : this.#filled);
  }

  /**
   * Drops held bytes and partial replies, and clears an earlier error, so the
   * decoder can read a new stream from its start.
   *
   * @example
   * ```ts
   * import { Decoder } from "@redwire/redis";
   *
   * const decoder = new Decoder();
   * decoder.feed(new TextEncoder().encode("*2\r\n:1\r\n"), () => {});
   * decoder.reset();
   * console.log(decoder.buffered); // 0
   * ```
   */
  reset(): void {
    this.#aggregates.clear();
    this.#bulkLength = -1;
    this.#payload = null;
    this.#filled = 0;
    this.#line = new Uint8Array(0);
    this.#lineLength = 0;
    this.#finishing = false;
    this.#owned = false;
    this.#failure = null;
    this.#total = 0;
  }

  /**
   * Reads a buffer from `pos`; the hot loop: one header (and payload) per turn.
   * `end` is always `buf.length`, so the parsers may read one past the end
   * without a bounds test: a typed array gives undefined, which matches no byte.
   */
  #run(buf: Uint8Array, pos: number, end: number): void {
    if (this.#bulkLength >= 0) {
      pos = this.#readPayload(buf, pos, end);
      if (this.#bulkLength >= 0) return;
    }
    // A payload can only be left pending when the buffer runs out, so the
    // loop below reads headers only.
    while (pos < end) {
      const type = buf[pos];
      switch (type) {
        case BULK:
        case VERBATIM:
        case BULK_ERROR: {
          const length = this.#readLength(buf, pos, end, type === BULK);
          if (length === INCOMPLETE) return this.#keepLine(buf, pos, end);
          pos = this.#next;
          if (length === -1) {
            this.#put(null, false);
          } else if (end - pos >= length + 2) {
            const stop = pos + length;
            if (buf[stop] !== CR || buf[stop + 1] !== LF) {
              throw badPayloadEnd(this.#base + stop, buf[stop], buf[stop + 1]);
            }
            const value = this.#bulkValue(type, buf, pos, stop, false, pos);
            pos = stop + 2;
            this.#put(value, false);
          } else {
            this.#bulkLength = length;
            this.#bulkType = type;
            this.#bulkOffset = this.#base + pos;
            this.#readPayload(buf, pos, end);
            return;
          }
          break;
        }
        case ARRAY:
        case MAP:
        case SET:
        case PUSH:
        case ATTRIBUTE: {
          const length = this.#readLength(buf, pos, end, type === ARRAY);
          if (length === INCOMPLETE) return this.#keepLine(buf, pos, end);
          const offset = pos;
          pos = this.#next;
          if (length === -1) this.#put(null, false);
          else this.#open(type, length, offset);
          break;
        }
        case INTEGER: {
          // Fast path for up to 15 digits (always a safe integer); anything
          // else (a "+", more digits, a cut or bad line) takes the general one.
          let p = pos + 1;
          const negative = p < end && buf[p] === MINUS;
          if (negative) p++;
          const first = p;
          let value = 0;
          // Reads past the end give undefined, which no test matches (see #run).
          let c = buf[p];
          while (c >= 48 && c <= 57) {
            value = value * 10 + (c - 48);
            c = buf[++p];
          }
          if (c === CR && buf[p + 1] === LF && p > first && p - first <= 15) {
            pos = p + 2;
            this.#put(negative && value !== 0 ? -value : value, false);
            break;
          }
        }
        // falls through
        case SIMPLE:
        case ERROR:
        case DOUBLE:
        case BIG_NUMBER:
        case BOOLEAN:
        case NULL: {
          const stop = this.#lineEnd(buf, pos, end);
          if (stop < 0) return this.#keepLine(buf, pos, end);
          const value = this.#scalar(type, buf, pos, stop);
          pos = stop + 2;
          this.#put(value, false);
          break;
        }
        default:
          throw unknownType(type, this.#base + pos);
      }
    }
  }

  /**
   * Reads the length header at `pos` (`$12`, `*3`, `*-1`...) and sets #next
   * after its CRLF; returns INCOMPLETE if the line is cut. Limits are checked
   * on the digits already here, so a huge length fails before the rest arrives.
   */
  #readLength(buf: Uint8Array, pos: number, end: number, nullable: boolean): number {
    let p = pos + 1;
    if (p >= end) return INCOMPLETE;
    let c = buf[p];
    if (c === MINUS) {
      // "-1" is the RESP2 null bulk string / null array; no other negative is valid.
      if (!nullable || (p + 1 < end && buf[p + 1] !== ONE) || (p + 2 < end && buf[p + 2] !== CR)) {
        throw this.#badLength(buf, pos, p, "a negative length other than the null -1");
      }
      if (p + 3 >= end) return INCOMPLETE;
      if (buf[p + 3] !== LF) throw this.#badLength(buf, pos, p + 3, "CR without LF");
      this.#next = p + 4;
      return -1;
    }
    const first = p;
    let length = 0;
    // Reads past the end give undefined, which ends the loop (see #run).
    while (c >= 48 && c <= 57) {
      length = length * 10 + (c - 48);
      c = buf[++p];
    }
    // Limits first, so a huge length fails before the rest of its line arrives.
    if (p - first > 16) throw this.#badLength(buf, pos, p, "too many digits");
    if (length > this.#maxBulkLength) {
      throw tooLong(buf[pos], this.#base + pos, length, p >= end, this.#maxBulkLength);
    }
    if (p >= end) return INCOMPLETE;
    if (c !== CR) throw this.#badLength(buf, pos, p, "a non-digit");
    if (p === first) throw this.#badLength(buf, pos, p, "no digits");
    if (p + 1 >= end) return INCOMPLETE;
    if (buf[p + 1] !== LF) throw this.#badLength(buf, pos, p + 1, "CR without LF");
    this.#next = p + 2;
    return length;
  }

  /** Finds the CR ending the line at `pos`: -1 if cut; throws on a lone CR or LF or an overlong line. */
  #lineEnd(buf: Uint8Array, pos: number, end: number): number {
    const type = buf[pos];
    const limit = type === SIMPLE || type === ERROR ? this.#maxBulkLength : MAX_LINE;
    const stop = Math.min(end, pos + 2 + limit);
    for (let p = pos + 1; p < stop; p++) {
      const c = buf[p];
      if (c === CR) {
        if (p + 1 >= end) return -1;
        if (buf[p + 1] === LF) return p;
        throw badLine(this.#base + pos, buf[p + 1], this.#base + p + 1);
      }
      if (c === LF) throw badLine(this.#base + pos, c, this.#base + p);
    }
    if (stop < end) throw overlongLine(type, this.#base + pos, limit);
    return -1;
  }

  /** Keeps a cut header line (never more than its limit) until its LF arrives. */
  #keepLine(buf: Uint8Array, pos: number, end: number): void {
    if (this.#finishing) {
      // #finishLine ran up to an LF, so a cut line here means an LF without CR.
      throw badLine(this.#base + pos, LF, this.#base + end - 1);
    }
    this.#lineOffset = this.#base + pos;
    this.#lineLength = 0;
    this.#appendLine(buf, pos, end);
  }

  /** Completes the kept header line from `chunk`; returns where the chunk's next byte is, or -1. */
  #finishLine(chunk: Uint8Array): number {
    const lf = chunk.indexOf(LF);
    const take = lf === -1 ? chunk.length : lf + 1;
    this.#appendLine(chunk, 0, take);
    if (lf === -1) {
      this.#checkPartialLine();
      return -1;
    }
    const length = this.#lineLength;
    this.#lineLength = 0;
    const base = this.#base;
    this.#base = this.#lineOffset;
    this.#finishing = true;
    // An exact view: #run relies on reads past `end` giving undefined.
    this.#run(this.#line.subarray(0, length), 0, length);
    this.#finishing = false;
    this.#base = base;
    // A long simple string grew the line buffer: do not keep that much memory.
    if (this.#line.length > MAX_LINE) this.#line = new Uint8Array(0);
    return take;
  }

  /**
   * Checks the kept, still incomplete header line as far as it goes, so a bad
   * byte fed byte by byte fails when it arrives, as it does when fed whole.
   */
  #checkPartialLine(): void {
    const line = this.#line.subarray(0, this.#lineLength);
    const type = line[0];
    const base = this.#base;
    this.#base = this.#lineOffset;
    try {
      switch (type) {
        case BULK:
        case ARRAY:
        case MAP:
        case SET:
        case PUSH:
        case ATTRIBUTE:
        case VERBATIM:
        case BULK_ERROR:
          this.#readLength(line, 0, line.length, type === BULK || type === ARRAY);
          break;
        default:
          this.#lineEnd(line, 0, line.length);
      }
    } finally {
      this.#base = base;
    }
  }

  #appendLine(buf: Uint8Array, from: number, to: number): void {
    const type = this.#lineLength > 0 ? this.#line[0] : buf[from];
    const length = this.#lineLength + to - from;
    const limit = type === SIMPLE || type === ERROR ? this.#maxBulkLength : MAX_LINE;
    // Two bytes of slack for the CRLF: the complete line is checked exactly by #lineEnd.
    if (length > limit + 3) throw overlongLine(type, this.#lineOffset, limit);
    if (length > this.#line.length) {
      const grown = new Uint8Array(Math.max(length, this.#line.length * 2, 64));
      grown.set(this.#line.subarray(0, this.#lineLength));
      this.#line = grown;
    }
    this.#line.set(buf.subarray(from, to), this.#lineLength);
    this.#lineLength = length;
  }

  /** Reads (part of) the pending bulk payload; returns the position after what it used. */
  #readPayload(buf: Uint8Array, pos: number, end: number): number {
    if (pos >= end) return pos;
    const length = this.#bulkLength;
    const needed = length + 2;
    let payload = this.#payload;
    if (payload === null) {
      if (end - pos >= needed) {
        const stop = pos + length;
        if (buf[stop] !== CR || buf[stop + 1] !== LF) {
          throw badPayloadEnd(this.#base + stop, buf[stop], buf[stop + 1]);
        }
        this.#bulkLength = -1;
        this.#put(this.#bulkValue(this.#bulkType, buf, pos, stop, false, pos), false);
        return stop + 2;
      }
      payload = this.#payload = this.#payloadBuffer(needed, end - pos);
      this.#filled = 0;
    }
    const filled = this.#filled;
    const take = Math.min(needed - filled, end - pos);
    if (filled + take > payload.length) {
      const grown = new Uint8Array(Math.min(needed, Math.max(payload.length * 2, filled + take)));
      grown.set(payload.subarray(0, filled));
      payload = this.#payload = grown;
    }
    // Bytes a transport read into readTarget() (the only chunks that share
    // the payload's memory) are in place already.
    if (buf.buffer !== payload.buffer) payload.set(buf.subarray(pos, pos + take), filled);
    this.#filled = filled + take;
    if (this.#filled < needed) return pos + take;
    if (payload[length] !== CR || payload[length + 1] !== LF) {
      throw badPayloadEnd(this.#bulkOffset + length, payload[length], payload[length + 1]);
    }
    this.#payload = null;
    this.#bulkLength = -1;
    // (A text buffer small enough to keep became the scratch when it was
    // made; one that grew is over EAGER_PAYLOAD, too big to keep.)
    this.#put(this.#bulkValue(this.#bulkType, payload, 0, length, true, -1), false);
    return pos + take;
  }

  /**
   * The buffer a payload split over chunks is gathered in. Text reuses the
   * scratch buffer; bytes get their own, which the value then views (one
   * copy from the read buffer to the value). What is declared is allocated
   * at once only up to EAGER_PAYLOAD: beyond, it grows as bytes arrive, so a
   * header alone cannot make the decoder allocate 512 MiB.
   */
  #payloadBuffer(needed: number, here: number): Uint8Array {
    // A payload that becomes text (then its buffer is scratch).
    const text = this.#decodeResponses || this.#bulkType === BULK_ERROR;
    if (text && needed <= this.#scratch.length) return this.#scratch;
    const buffer = new Uint8Array(Math.min(needed, Math.max(EAGER_PAYLOAD, 2 * here)));
    if (text && buffer.length <= SCRATCH_KEEP) this.#scratch = buffer;
    return buffer;
  }

  /** The value of a `$`, `=` or `!` payload; `owned` buffers may be kept without a copy. */
  #bulkValue(
    type: number,
    buf: Uint8Array,
    start: number,
    stop: number,
    owned: boolean,
    pos: number,
  ): Reply {
    if (type === BULK_ERROR) return toReplyError(decodeText(buf, start, stop));
    if (type === VERBATIM) {
      // RESP3 verbatim string: a 3-byte format ("txt", "mkd"), a colon, then the text.
      if (stop - start < 4 || buf[start + 3] !== COLON) {
        throw badVerbatim(pos < 0 ? this.#bulkOffset : this.#base + pos);
      }
      start += 4;
    }
    if (this.#decodeResponses) {
      const large = this.#largeText;
      if (large === undefined || stop - start < LARGE_TEXT) return decodeText(buf, start, stop);
      return large(buf.subarray(start, stop));
    }
    return owned ? buf.subarray(start, stop) : this.#copy(buf, start, stop);
  }

  /**
   * Copies bytes out of a buffer the decoder does not own. Small values share
   * a slab (as Node's pooled Buffers do): allocating each one costs more
   * than decoding it.
   */
  #copy(buf: Uint8Array, start: number, stop: number): Uint8Array {
    const length = stop - start;
    if (this.#owned) return new Uint8Array(buf.buffer, buf.byteOffset + start, length);
    if (length > SLAB_VALUE_MAX) return buf.slice(start, stop);
    let at = this.#slabUsed;
    if (at + length > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      at = 0;
    }
    const slab = this.#slab;
    for (let i = 0; i < length; i++) slab[at + i] = buf[start + i];
    this.#slabUsed = at + length;
    // Cheaper than subarray, which looks up a species constructor.
    return new Uint8Array(slab.buffer, at, length);
  }

  /** The value of a one-line type; the line is `buf[pos, stop)` with its type byte. */
  #scalar(type: number, buf: Uint8Array, pos: number, stop: number): Reply {
    const start = pos + 1;
    let value: Reply | undefined;
    switch (type) {
      case SIMPLE:
        return this.#decodeResponses ? decodeText(buf, start, stop) : this.#copy(buf, start, stop);
      case ERROR:
        return toReplyError(decodeText(buf, start, stop));
      case INTEGER:
        value = parseInteger(buf, start, stop);
        break;
      case DOUBLE:
        value = parseDouble(decodeText(buf, start, stop));
        break;
      case BIG_NUMBER:
        value = parseBigNumber(decodeText(buf, start, stop));
        break;
      case BOOLEAN:
        if (stop - start === 1 && buf[start] === 116) value = true; // t
        else if (stop - start === 1 && buf[start] === 102) value = false; // f
        break;
      default: // NULL
        if (stop === start) value = null;
    }
    if (value !== undefined) return value;
    const text = decodeText(buf, start, Math.min(stop, start + 64));
    throw invalidLine(type, text, this.#base + pos);
  }

  /** Starts an aggregate of `length` elements (pairs for maps and attributes). */
  #open(type: number, length: number, pos: number): void {
    if (this.#aggregates.depth >= this.#maxDepth) throw tooDeep(this.#maxDepth, this.#base + pos);
    // RESP3 pushes are out-of-band frames: one inside a reply is a broken stream.
    if (type === PUSH && this.#aggregates.depth > 0) throw nestedPush(this.#base + pos);
    if (length > 0) this.#aggregates.open(type, length);
    else if (type === ATTRIBUTE) this.#aggregates.emptyAttribute();
    else if (type === MAP) this.#put(new Map(), false);
    else if (type === SET) this.#put(new Set(), false);
    else this.#put([], type === PUSH);
  }

  /** Adds a complete value to the open aggregate, or delivers it. */
  #put(value: Reply, push: boolean): void {
    // Small and first, so it inlines: most values land in a not-yet-full array.
    const frame = this.#aggregates.top;
    if (frame === null) {
      this.#onFrame(value, push);
    } else if (frame.remaining > 1 && frame.type === ARRAY) {
      frame.items[frame.index++] = value;
      frame.remaining--;
    } else {
      this.#add(value);
    }
  }

  /** The rest of #put: any aggregate, closing those the value fills. */
  #add(value: Reply): void {
    const done = this.#aggregates.add(value);
    if (done !== PENDING) this.#onFrame(done, this.#aggregates.push);
  }

  #badLength(buf: Uint8Array, pos: number, at: number, what: string): ProtocolError {
    return badLength(buf[pos], this.#base + pos, what, buf[at], this.#base + at);
  }
}

function ignore(): void {}
