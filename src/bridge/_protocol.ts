/**
 * The bridge's side of the handshake contract with `webSocketTransport`:
 * the `redwire` subprotocol, and the token carried as the subprotocol
 * `token.<base64url of its UTF-8 bytes>`.
 *
 * @module
 */

// The contract's constants live with the client's side of it, in one place.
import { BRIDGE_PROTOCOL, tokenFromSubprotocols } from "../transport/bridge_handshake.ts";

export { BRIDGE_PROTOCOL };

/**
 * The subprotocols a WebSocket upgrade offers, in order.
 *
 * @param request The upgrade request.
 * @returns The offered subprotocols; empty when none are.
 */
export function offeredProtocols(request: Request): string[] {
  const header = request.headers.get("sec-websocket-protocol") ?? "";
  return header.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

/**
 * The token bytes an upgrade carries in its subprotocols.
 *
 * @param request The upgrade request.
 * @returns The decoded token bytes, or `undefined` when there is none or it is not base64url.
 */
export function offeredTokenBytes(request: Request): Uint8Array<ArrayBuffer> | undefined {
  return tokenFromSubprotocols(offeredProtocols(request));
}
