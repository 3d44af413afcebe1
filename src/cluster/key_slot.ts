/**
 * Hash slots: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384.
 *
 * @module
 */

/** How many hash slots a cluster has. */
export const SLOT_COUNT = 16384;

// CRC16/XMODEM (polynomial 0x1021, initial 0), the variant the cluster
// specification names; one table lookup per byte.
const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[byte] = crc & 0xffff;
}

const encoder = new TextEncoder();
const OPEN = 0x7b; // "{"
const CLOSE = 0x7d; // "}"

/**
 * The hash slot of a key, as the server computes it: when the key holds a
 * non-empty `{...}` (the first `{` and the first `}` after it), only that
 * part is hashed, so `{user1000}.following` and `{user1000}.followers` share
 * a slot.
 *
 * @param key The key, as text (hashed as UTF-8) or bytes.
 * @returns The slot, 0 to 16383.
 * @throws {TypeError} If `key` is neither a string nor a Uint8Array.
 *
 * @example Hash tags
 * ```ts
 * import { keySlot } from "@redwire/redis";
 *
 * console.log(keySlot("{user1000}.following")); // 3443
 * console.log(keySlot("{user1000}.followers") === keySlot("{user1000}.following")); // true
 * ```
 */
export function keySlot(key: string | Uint8Array): number {
  if (typeof key === "string") {
    return isAscii(key) ? asciiSlot(key) : bytesSlot(encoder.encode(key));
  }
  if (key instanceof Uint8Array) return bytesSlot(key);
  throw new TypeError(`keySlot() takes a string or a Uint8Array, got ${typeof key}`);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The common case, without encoding: ASCII code units are the UTF-8 bytes. */
function asciiSlot(key: string): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf("{");
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) [start, end] = [open + 1, close];
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff]!;
  }
  return crc & (SLOT_COUNT - 1);
}

function bytesSlot(key: Uint8Array): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf(OPEN);
  if (open >= 0) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) [start, end] = [open + 1, close];
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ key[i]!) & 0xff]!;
  }
  return crc & (SLOT_COUNT - 1);
}
