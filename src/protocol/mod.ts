/**
 * RESP2 / RESP3: the command encoder, the incremental reply decoder and the
 * reply types. Pure and synchronous: no I/O, no timers, no runtime APIs.
 *
 * @example Encoding a command and decoding its reply
 * ```ts
 * import { Decoder, encodeCommand } from "@redwire/redis";
 *
 * const bytes = encodeCommand(["GET", "greeting"]); // written to the socket
 * new Decoder().feed(new TextEncoder().encode("$5\r\nhello\r\n"), (reply) => {
 *   console.log(bytes.length, reply); // 27 "hello"
 * });
 * ```
 *
 * @module
 */
export { encodeCommand, encodeCommandChunks, encodeCommands } from "./encoder.ts";
export type { EncodeScratch } from "./encoder.ts";
export { Decoder } from "./decoder.ts";
export type { DecoderOptions, FrameHandler } from "./decoder.ts";
export type { RedisArgument, Reply } from "./types.ts";
export { decodeText } from "./_scalars.ts";
