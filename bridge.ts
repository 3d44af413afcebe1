/**
 * redwire's WebSocket bridge: lets clients that cannot open TCP sockets
 * (browsers, Cloudflare Workers, Deno Deploy) reach one Redis server through
 * `webSocketTransport`. Authenticated by a token (or your own check), capped,
 * with idle timeouts; never an open proxy. Runs on Deno and on Node (with
 * the `ws` package).
 *
 * @example A bridge, and a client talking through it
 * ```ts
 * import { serveBridge } from "@redwire/redis/bridge";
 * import { Redis, webSocketTransport } from "@redwire/redis";
 *
 * await using bridge = await serveBridge({
 *   port: 8080,
 *   target: { host: "127.0.0.1", port: 6379 },
 *   token: "s3cret",
 * });
 * await using redis = new Redis({
 *   transport: webSocketTransport("ws://127.0.0.1:8080/", { token: "s3cret" }),
 * });
 * await redis.set("greeting", "hello through the bridge");
 * ```
 *
 * @module
 */

export { readBridgeToken, serveBridge } from "./src/bridge/mod.ts";
export type {
  BridgeAuthenticate,
  BridgeLogger,
  BridgeOptions,
  BridgeServer,
  BridgeTarget,
} from "./src/bridge/mod.ts";
