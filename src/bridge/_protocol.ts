/**
 * The bridge's side of the handshake contract with `webSocketTransport`:
 * the `redwire` subprotocol, and the token carried as the subprotocol
 * `token.<base64url of its UTF-8 bytes>`.
 *
 * @module
 */

/**
 * The subprotocol every redwire client offers and the bridge selects.
 */
export const BRIDGE_PROTOCOL = "redwire";
/** Prefix of the subprotocol that carries the token. */
const TOKEN_PREFIX = "token.";
const BASE64URL = /^[A-Za-z0-9_-]*$/;

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
  const offered = offeredProtocols(request).find((name) => name.startsWith(TOKEN_PREFIX));
  if (offered === undefined) return undefined;
  const encoded = offered.slice(TOKEN_PREFIX.length);
  if (encoded === "" || !BASE64URL.test(encoded) || encoded.length % 4 === 1) return undefined;
  const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
