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

/**
 * Whether writes between 1 KiB and 64 KiB must leave in 1 KiB frames: Deno's
 * own client (see NAGLE_FRAME_SIZE in websocket.ts).
 *
 * @param Socket The WebSocket constructor in use.
 * @returns True for Deno's global WebSocket.
 */
export function needsSmallFrames(Socket: WebSocketConstructor): boolean {
  return IS_DENO && Socket === (globalThis as { WebSocket?: unknown }).WebSocket;
}
