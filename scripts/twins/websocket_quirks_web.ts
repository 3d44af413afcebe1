/**
 * The npm build's twin of `src/transport/_websocket_quirks.ts` for the
 * `browser`, `worker` and `edge-light` conditions: the WebSocket there is the
 * runtime's own, which takes no constructor options (those are the `ws`
 * package's) and is not Deno's, so it needs neither.
 *
 * @module
 */

import type { WebSocketClientOptions, WebSocketConstructor } from "./websocket_types.ts";

/** No options: the runtime's WebSocket takes none. */
export function clientOptions(_protocols: readonly string[]): WebSocketClientOptions | undefined {
  return undefined;
}

/** Never: this is not Deno's WebSocket client. */
export function needsSmallFrames(_Socket: WebSocketConstructor): boolean {
  return false;
}
