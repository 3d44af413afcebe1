/**
 * Private helpers of the decoder: payload text and the RESP3 number types.
 * Each parser returns `undefined` for malformed text and lets the decoder
 * throw, since only the decoder knows the offset to report.
 *
 * @module
 */

const MINUS = 45;
const PLUS = 43;
const ZERO = 48;
const NINE = 57;

/** Payloads up to this many bytes are built by String.fromCharCode while ASCII: below it, one TextDecoder call costs more. */
const SHORT_TEXT = 32;

// ignoreBOM keeps a leading U+FEFF: a value's first bytes are data, not a mark.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });
const fromCharCode = String.fromCharCode;

/**
 * Decodes `bytes[start, stop)` as UTF-8 (invalid sequences become U+FFFD).
 *
 * @param bytes The buffer holding the payload.
 * @param start The payload's first index.
 * @param stop The index after its last byte.
 * @returns The text.
 */
export function decodeText(bytes: Uint8Array, start: number, stop: number): string {
  const length = stop - start;
  if (length > SHORT_TEXT) return UTF8.decode(bytes.subarray(start, stop));
  let bits = 0;
  for (let i = start; i < stop; i++) bits |= bytes[i];
  if (bits >= 0x80) return UTF8.decode(bytes.subarray(start, stop));
  if (length <= 16) return ascii(bytes, start, length);
  return ascii(bytes, start, 16) + ascii(bytes, start + 16, length - 16);
}

/** One String.fromCharCode call for up to 16 ASCII bytes: no intermediate strings. */
function ascii(b: Uint8Array, s: number, length: number): string {
  switch (length) {
    case 0:
      return "";
    case 1:
      return fromCharCode(b[s]);
    case 2:
      return fromCharCode(b[s], b[s + 1]);
    case 3:
      return fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fromCharCode(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
      );
    default:
      // 9 to 16 bytes: eight, then the rest, still without a loop of concatenations.
      return ascii(b, s, 8) + ascii(b, s + 8, length - 8);
  }
}

/**
 * Parses a RESP integer line (`[+-]digits`): a number when safe, else a bigint.
 *
 * @param bytes The buffer holding the line.
 * @param start The index after the `:` type byte.
 * @param stop The index of the line's CR.
 * @returns The integer, or `undefined` if the text is not an integer.
 */
export function parseInteger(
  bytes: Uint8Array,
  start: number,
  stop: number,
): number | bigint | undefined {
  let p = start;
  const sign = bytes[p];
  if (sign === MINUS || sign === PLUS) p++;
  if (p === stop) return undefined;
  // 15 digits always fit a safe integer; longer ones go through BigInt.
  if (stop - p <= 15) {
    let value = 0;
    for (; p < stop; p++) {
      const c = bytes[p];
      if (c < ZERO || c > NINE) return undefined;
      value = value * 10 + (c - ZERO);
    }
    return sign === MINUS && value !== 0 ? -value : value;
  }
  for (let i = p; i < stop; i++) {
    const c = bytes[i];
    if (c < ZERO || c > NINE) return undefined;
  }
  const big = BigInt(decodeText(bytes, start, stop));
  const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER);
  return safe ? Number(big) : big;
}

const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a RESP3 double (`,1.5`, `,-2e10`, `,inf`, `,-inf`, `,nan`).
 *
 * @param text The line after the `,` type byte.
 * @returns The number, or `undefined` if the text is not a double.
 */
export function parseDouble(text: string): number | undefined {
  if (DOUBLE.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
    case "-nan":
      return NaN;
    default:
      return undefined;
  }
}

const BIG_NUMBER = /^[+-]?\d+$/;

/**
 * Parses a RESP3 big number (`(3492890328409238509324850943850943825024385`).
 *
 * @param text The line after the `(` type byte.
 * @returns The bigint, or `undefined` if the text is not an integer.
 */
export function parseBigNumber(text: string): bigint | undefined {
  return BIG_NUMBER.test(text) ? BigInt(text) : undefined;
}

/**
 * Describes a byte for an error message, such as `0x0a ("\n")`.
 *
 * @param byte The byte, or `undefined` past the end of the input.
 * @returns Its hex value and, when printable, the character.
 */
export function describeByte(byte: number | undefined): string {
  if (byte === undefined) return "end of input";
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  return `${hex} (${JSON.stringify(fromCharCode(byte))})`;
}
