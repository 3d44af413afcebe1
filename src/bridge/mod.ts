/**
 * The WebSocket-to-Redis bridge server, for clients on edge runtimes and in
 * browsers. Not imported by the client's entry point.
 *
 * @example
 * ```ts
 * import { serveBridge } from "./mod.ts";
 *
 * await using bridge = await serveBridge({ port: 8080, target: { port: 6379 }, token: "s3cret" });
 * ```
 *
 * @module
 */

export { serveBridge } from "./serve_bridge.ts";
export type { BridgeServer } from "./serve_bridge.ts";
export { readBridgeToken } from "./read_bridge_token.ts";
export type { BridgeAuthenticate, BridgeLogger, BridgeOptions, BridgeTarget } from "./options.ts";
