/**
 * Text of big values from the runtime's cheapest string maker.
 *
 * Node 20 (V8 11.3) puts a string over 128 KiB in its large-object space,
 * whose fresh pages cost more than the decoding itself: a 1 MiB value takes
 * about 4 ms through `TextDecoder`, ten times a Deno run. Node's Buffer
 * decoders make an *external* string instead for more than `EXTERN_APEX`
 * bytes (src/string_bytes.cc), which is malloc'd memory outside that space:
 * the same 1 MiB ASCII value then takes about 0.5 ms. Only the `latin1`
 * decoder does this without a UTF-8 pass, and latin1 equals UTF-8 exactly
 * when every byte is ASCII, which `isAscii` (SIMD) checks first.
 *
 * @module
 */

import { builtinModule } from "./runtime.ts";

/** Decodes UTF-8 bytes to text; given only payloads of 64 KiB or more. */
export type LargeTextDecoder = (bytes: Uint8Array) => string;

/** Node makes an external string for more bytes than this (`EXTERN_APEX` in src/string_bytes.cc). */
const EXTERNAL_ABOVE = 0xfbee9;

interface NodeBuffer {
  Buffer: {
    from(buffer: ArrayBufferLike, byteOffset: number, length: number): {
      toString(encoding: "latin1"): string;
    };
  };
  isAscii?: (bytes: Uint8Array) => boolean;
}

const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Finds `node:buffer` and builds a decoder on it for big ASCII payloads,
 * where Node's own decoder beats `TextDecoder`; others (non-ASCII, or too
 * small for an external string) go to `TextDecoder` as before.
 *
 * @returns The decoder, or `undefined` where `node:buffer` with `isAscii`
 *   cannot be looked up synchronously (`process.getBuiltinModule`: Node
 *   20.16+, Deno 2, Bun): `TextDecoder` then decodes everything.
 */
export function nodeLargeTextDecoder(): LargeTextDecoder | undefined {
  const buffer = builtinModule<NodeBuffer>("node:buffer");
  const isAscii = buffer?.isAscii;
  if (buffer === undefined || isAscii === undefined) return undefined;
  const { Buffer } = buffer;
  return (bytes) => {
    if (bytes.length <= EXTERNAL_ABOVE || !isAscii(bytes)) return UTF8.decode(bytes);
    // A Buffer over the same memory: no copy before Node's own.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
  };
}
