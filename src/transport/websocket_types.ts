/**
 * The structural types the WebSocket transport needs from a runtime's
 * `WebSocket` (or the `ws` package's), kept narrow so no runtime's own
 * declarations are required.
 *
 * @module
 */

/**
 * The events a {@linkcode WebSocketLike} dispatches, as far as the transport
 * reads them: `message` carries `data`, `close` a `code` and `reason`, and
 * `error` sometimes a `message`.
 *
 * @example
 * ```ts
 * import type { WebSocketEvent } from "@redwire/redis";
 *
 * const onClose = (event: WebSocketEvent) => console.log(event.type, event.code);
 * ```
 */
export interface WebSocketEvent {
  /** `"open"`, `"message"`, `"error"` or `"close"`. */
  readonly type: string;
  /** The payload of a `message` event: an `ArrayBuffer` for binary frames. */
  readonly data?: unknown;
  /** The close code of a `close` event. */
  readonly code?: number;
  /** The close reason of a `close` event. */
  readonly reason?: string;
  /** What went wrong, on an `error` event (not every runtime says). */
  readonly message?: string;
}

/**
 * The part of the standard `WebSocket` API the transport uses. The global
 * `WebSocket` of Deno, browsers and edge runtimes fits, and so does the
 * `WebSocket` class of the `ws` package.
 *
 * @example
 * ```ts
 * import type { WebSocketLike } from "@redwire/redis";
 *
 * const socket: WebSocketLike = new WebSocket("wss://bridge.example.com/redis", ["redwire"]);
 * ```
 */
export interface WebSocketLike {
  /** How binary messages arrive; the transport sets `"arraybuffer"`. */
  binaryType: string;
  /** Bytes given to `send` that the runtime has not yet written out. */
  readonly bufferedAmount: number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens to `open`, `message`, `error` and `close`. */
  addEventListener(type: string, listener: (event: WebSocketEvent) => void): void;
}

/**
 * The third constructor argument, which the `ws` package reads and standard
 * constructors ignore. `finishRequest` lists the subprotocols as `a, b`
 * (ws writes `a,b`, which `Deno.upgradeWebSocket` cannot parse).
 *
 * @example
 * ```ts
 * import type { WebSocketClientOptions } from "@redwire/redis";
 *
 * const options: WebSocketClientOptions = { perMessageDeflate: false };
 * ```
 */
export interface WebSocketClientOptions {
  /** RESP is sent as it is; compressing it costs more than it saves on a LAN. */
  perMessageDeflate?: boolean;
  /** Called by `ws` with the upgrade request before it is sent; must end it. */
  finishRequest?: (
    request: { setHeader(name: string, value: string): unknown; end(): unknown },
  ) => void;
}

/**
 * A `WebSocket` constructor: the global one, or `WebSocket` from the `ws`
 * package on Node 20, which has no global `WebSocket`.
 *
 * @example
 * ```ts
 * import type { WebSocketConstructor } from "@redwire/redis";
 *
 * const Socket: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string[],
  options?: WebSocketClientOptions,
) => WebSocketLike;
