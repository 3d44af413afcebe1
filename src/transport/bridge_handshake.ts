/**
 * The handshake contract between `webSocketTransport` and the bridge, in one
 * place: the `redwire` subprotocol, and the token carried as the subprotocol
 * `token.<base64url of its UTF-8 bytes>` (browsers cannot set headers on a
 * WebSocket). A leaf module: the bridge imports it without loading any
 * transport adapter.
 *
 * @module
 */

/**
 * The subprotocol every redwire client offers and the bridge selects.
 *
 * @example
 * ```ts
 * import { BRIDGE_PROTOCOL } from "./bridge_handshake.ts";
 *
 * console.log(["redwire", "token.czNjcmV0"].includes(BRIDGE_PROTOCOL)); // true
 * ```
 */
export const BRIDGE_PROTOCOL = "redwire";

/** Prefix of the subprotocol that carries the token. */
const TOKEN_PREFIX = "token.";
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The subprotocol that carries `token`, and its encoded part (a secret too).
 *
 * @param token The bridge's shared secret.
 * @returns The subprotocol, such as `"token.czNjcmV0"`, and the encoded token.
 *
 * @example
 * ```ts
 * import { tokenSubprotocol } from "./bridge_handshake.ts";
 *
 * console.log(tokenSubprotocol("s3cret").protocol); // "token.czNjcmV0"
 * ```
 */
export function tokenSubprotocol(token: string): { protocol: string; encoded: string } {
  let binary = "";
  for (const byte of new TextEncoder().encode(token)) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return { protocol: TOKEN_PREFIX + encoded, encoded };
}

/**
 * The token bytes among offered subprotocols.
 *
 * @param offered The subprotocols an upgrade offers.
 * @returns The decoded token bytes, or `undefined` when there is none or it is not base64url.
 *
 * @example
 * ```ts
 * import { tokenFromSubprotocols } from "./bridge_handshake.ts";
 *
 * const bytes = tokenFromSubprotocols(["redwire", "token.czNjcmV0"]);
 * console.log(new TextDecoder().decode(bytes)); // "s3cret"
 * ```
 */
export function tokenFromSubprotocols(
  offered: readonly string[],
): Uint8Array<ArrayBuffer> | undefined {
  const protocol = offered.find((name) => name.startsWith(TOKEN_PREFIX));
  if (protocol === undefined) return undefined;
  const encoded = protocol.slice(TOKEN_PREFIX.length);
  if (encoded === "" || !BASE64URL.test(encoded) || encoded.length % 4 === 1) return undefined;
  const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
