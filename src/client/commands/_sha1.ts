/**
 * SHA-1 of a script's UTF-8 text, synchronously: pipelines queue EVALSHA at
 * once, and `crypto.subtle` is asynchronous. Used for script ids only.
 */
const encoder = new TextEncoder();
/** The round constants, one per 20 rounds. */
const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** The SHA-1 digest of `text` as 40 lowercase hex digits (FIPS 180-4). */
export function sha1(text: string): string {
  const bytes = encoder.encode(text);
  // Big-endian words of whole 64-byte blocks: the message, a 1 bit, zeros,
  // and the length in bits in the last two words.
  const words = new Int32Array((((bytes.length + 8) >> 6) + 1) * 16);
  bytes.forEach((byte, i) => words[i >> 2]! |= byte << (24 - (i % 4) * 8));
  words[bytes.length >> 2]! |= 0x80 << (24 - (bytes.length % 4) * 8);
  words[words.length - 2] = Math.floor(bytes.length / 0x20000000);
  words[words.length - 1] = bytes.length * 8;
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Int32Array(80);
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 80; i++) {
      w[i] = i < 16 ? words[block + i]! : rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    }
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const f = i < 20
        ? (b & c) | (~b & d)
        : i >= 40 && i < 60
        ? (b & c) | (b & d) | (c & d)
        : b ^ c ^ d;
      const t = (rotl(a, 5) + f + e + K[(i / 20) | 0]! + w[i]!) | 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30), a, t];
    }
    [a, b, c, d, e].forEach((x, i) => h[i] = (h[i]! + x) | 0);
  }
  return h.map((x) => (x >>> 0).toString(16).padStart(8, "0")).join("");
}
