/**
 * What the WebSocket transport does for the server runtimes' own WebSocket
 * clients: the `ws` package's options (Node), and small frames for Deno's
 * client. The npm build's twin for the `browser`, `worker` and `edge-light`
 * conditions (scripts/twins/websocket_quirks_web.ts) has neither: there the
 * WebSocket is the runtime's, which takes no options and is not Deno's.
 *
 * @module
 */

import { IS_DENO } from "./runtime.ts";
import type { WebSocketClientOptions, WebSocketConstructor } from "./websocket_types.ts";

/**
 * The third argument of the WebSocket constructor, which only `ws` reads:
 * no compression, and the subprotocols sent as one header as given.
 *
 * @param protocols The subprotocols offered.
 * @returns The options.
 */
export function clientOptions(protocols: readonly string[]): WebSocketClientOptions | undefined {
  const header = protocols.join(", ");
  return {
    perMessageDeflate: false,
    finishRequest: (request) => {
      if (header !== "") request.setHeader("Sec-WebSocket-Protocol", header);
      request.end();
    },
  };
}

/** Largest message sent at once: a big write goes out as several frames. */
const FRAME_SIZE = 1024 * 1024;
/**
 * Deno's own WebSocket client (2.x) leaves Nagle's algorithm on and writes
 * a frame's header and payload separately when the payload is over 1 KiB:
 * the payload then waits for the bridge's delayed ACK, about 40 ms, unless
 * it fills a TCP segment. So writes between 1 KiB and 64 KiB leave it in
 * frames of 1 KiB, each written whole; a pipeline's first frame draws
 * replies whose packets carry the ACK that releases the next.
 */
const NAGLE_FRAME_SIZE = 1024;
const NAGLE_WRITE_LIMIT = 64 * 1024;

/**
 * How writes are cut into frames on a socket: at most 1 MiB each, and 1 KiB
 * for writes between 1 KiB and 64 KiB on Deno's own client (see NAGLE_FRAME_SIZE).
 *
 * @param Socket The WebSocket constructor in use.
 * @returns The frame size for a write of `length` bytes.
 */
export function frameSizes(Socket: WebSocketConstructor): (length: number) => number {
  if (!IS_DENO || Socket !== (globalThis as { WebSocket?: unknown }).WebSocket) {
    return () => FRAME_SIZE;
  }
  return (length) =>
    length > NAGLE_FRAME_SIZE && length < NAGLE_WRITE_LIMIT ? NAGLE_FRAME_SIZE : FRAME_SIZE;
}
