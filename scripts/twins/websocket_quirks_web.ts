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

/** Frames of at most 1 MiB: this is not Deno's WebSocket client, which needs small ones. */
export function frameSizes(_Socket: WebSocketConstructor): (length: number) => number {
  return () => 1024 * 1024;
}
