/**
 * Private: the decoder's ProtocolError messages, each saying what was wrong,
 * the offending byte or length, and its offset in the stream.
 *
 * @module
 */
import { ProtocolError } from "../errors.ts";
import { describeByte } from "./_scalars.ts";

/**
 * A type byte that starts no RESP2 / RESP3 frame.
 *
 * @param byte The byte read where a frame should start.
 * @param offset Its offset in the stream.
 * @returns The error to throw.
 */
export function unknownType(byte: number, offset: number): ProtocolError {
  return new ProtocolError(`Unknown RESP type byte ${describeByte(byte)} at offset ${offset}`);
}

/**
 * A length header (`$`, `*`, `%`...) that is not a non-negative decimal or `-1`.
 *
 * @param type The header's type byte.
 * @param offset The header's offset.
 * @param what What is wrong, such as "a non-digit".
 * @param byte The offending byte (undefined past the end).
 * @param at The offending byte's offset.
 * @returns The error to throw.
 */
export function badLength(
  type: number,
  offset: number,
  what: string,
  byte: number | undefined,
  at: number,
): ProtocolError {
  return new ProtocolError(
    `Invalid length in RESP ${String.fromCharCode(type)} header at offset ${offset}: ` +
      `${what} (${describeByte(byte)} at offset ${at})`,
  );
}

/**
 * A declared length over `maxBulkLength`, found before any payload is kept.
 *
 * @param type The header's type byte.
 * @param offset The header's offset.
 * @param length The length read so far.
 * @param cut Whether more digits may follow (the line is not complete).
 * @param max The configured `maxBulkLength`.
 * @returns The error to throw.
 */
export function tooLong(
  type: number,
  offset: number,
  length: number,
  cut: boolean,
  max: number,
): ProtocolError {
  const declared = cut ? `at least ${length}` : `${length}`;
  return new ProtocolError(
    `RESP ${String.fromCharCode(type)} header at offset ${offset} declares a length of ` +
      `${declared}, over maxBulkLength (${max})`,
  );
}

/**
 * A line holding a CR not followed by LF, or an LF without CR.
 *
 * @param offset The line's offset.
 * @param byte The byte found instead of the expected one.
 * @param at That byte's offset.
 * @returns The error to throw.
 */
export function badLine(offset: number, byte: number | undefined, at: number): ProtocolError {
  return new ProtocolError(
    `RESP line at offset ${offset} is not terminated by CRLF: ${
      describeByte(byte)
    } at offset ${at}`,
  );
}

/**
 * A line that runs past its limit without CRLF.
 *
 * @param type The line's type byte.
 * @param offset The line's offset.
 * @param limit The longest line accepted for this type.
 * @returns The error to throw.
 */
export function overlongLine(type: number, offset: number, limit: number): ProtocolError {
  return new ProtocolError(
    `RESP ${
      String.fromCharCode(type)
    } line at offset ${offset} runs over ${limit} bytes without CRLF`,
  );
}

/**
 * A one-line value (`:`, `,`, `(`, `#`, `_`) whose text is not valid for its type.
 *
 * @param type The line's type byte.
 * @param text The line's text (its start, for long ones).
 * @param offset The line's offset.
 * @returns The error to throw.
 */
export function invalidLine(type: number, text: string, offset: number): ProtocolError {
  return new ProtocolError(
    `Invalid RESP ${String.fromCharCode(type)} line ${JSON.stringify(text)} at offset ${offset}`,
  );
}

/**
 * A bulk payload not followed by CRLF.
 *
 * @param offset The offset where the CRLF should be.
 * @param first The byte found there.
 * @param second The byte after it.
 * @returns The error to throw.
 */
export function badPayloadEnd(
  offset: number,
  first: number | undefined,
  second: number | undefined,
): ProtocolError {
  return new ProtocolError(
    `Missing CRLF after a RESP bulk payload at offset ${offset}: found ${describeByte(first)}, ` +
      describeByte(second),
  );
}

/**
 * A verbatim string (`=`) without its 3-byte format and colon.
 *
 * @param offset The payload's offset.
 * @returns The error to throw.
 */
export function badVerbatim(offset: number): ProtocolError {
  return new ProtocolError(
    `RESP verbatim string at offset ${offset} lacks its "xxx:" format prefix`,
  );
}

/**
 * An aggregate nested deeper than `maxDepth`.
 *
 * @param max The configured `maxDepth`.
 * @param offset The offending header's offset.
 * @returns The error to throw.
 */
export function tooDeep(max: number, offset: number): ProtocolError {
  return new ProtocolError(
    `RESP aggregates nested deeper than maxDepth (${max}) at offset ${offset}`,
  );
}

/**
 * A RESP3 push (`>`) inside an aggregate: pushes are out-of-band and top-level only.
 *
 * @param offset The push header's offset.
 * @returns The error to throw.
 *
 * @example
 * ```ts ignore
 * throw nestedPush(4);
 * ```
 */
export function nestedPush(offset: number): ProtocolError {
  return new ProtocolError(
    `RESP3 push frame nested inside an aggregate at offset ${offset} (pushes are top-level only)`,
  );
}
