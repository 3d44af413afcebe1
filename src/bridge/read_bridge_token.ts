/**
 * Reads the token a redwire client sent, for custom `authenticate` callbacks.
 *
 * @module
 */

import { offeredTokenBytes } from "./_protocol.ts";

/**
 * Reads the token that `webSocketTransport(url, { token })` sends with a
 * WebSocket upgrade (the subprotocol `token.<base64url>`), so an
 * `authenticate` callback can check it its own way: look it up, verify a
 * signed token, rotate secrets. Compare secrets in constant time
 * (`crypto.subtle.verify` does).
 *
 * @param request The upgrade request given to `authenticate`.
 * @returns The token, or `undefined` when the request carries none (or not valid UTF-8).
 *
 * @example Accepting HMAC-signed tokens (`<app>:<base64 signature of app>`)
 * ```ts
 * import { readBridgeToken, serveBridge } from "@redwire/redis/bridge";
 *
 * const secret = new TextEncoder().encode("signing secret");
 * const hmac = { name: "HMAC", hash: "SHA-256" };
 * const key = await crypto.subtle.importKey("raw", secret, hmac, false, ["verify"]);
 * await using bridge = await serveBridge({
 *   port: 8080,
 *   target: { host: "127.0.0.1", port: 6379 },
 *   authenticate: async (request) => {
 *     const [app = "", signature = ""] = (readBridgeToken(request) ?? "").split(":");
 *     const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
 *     return await crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(app));
 *   },
 * });
 * ```
 */
export function readBridgeToken(request: Request): string | undefined {
  const bytes = offeredTokenBytes(request);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
