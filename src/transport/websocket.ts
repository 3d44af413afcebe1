/**
 * The WebSocket adapter: RESP bytes in binary frames to a redwire bridge,
 * for runtimes without raw sockets (browsers, Cloudflare Workers, Deno
 * Deploy). Uses only the standard WebSocket API.
 *
 * @module
 */

import { ConnectionError, messageOf, TimeoutError } from "../errors.ts";
import { checkDuration, checkInteger } from "../_check.ts";
import type { OpenOptions, Transport, TransportFactory } from "./transport.ts";
import { ChunkQueue } from "./_chunk_queue.ts";
import type { WebSocketConstructor, WebSocketEvent, WebSocketLike } from "./websocket_types.ts";
import { BRIDGE_PROTOCOL, tokenSubprotocol } from "./bridge_handshake.ts";
import { clientOptions, frameSizes } from "./_websocket_quirks.ts";

/**
 * Options of {@linkcode webSocketTransport}.
 *
 * @example
 * ```ts
 * import type { WebSocketTransportOptions } from "@redwire/redis";
 *
 * const options: WebSocketTransportOptions = { token: "s3cret", connectTimeout: 5_000 };
 * ```
 */
export interface WebSocketTransportOptions {
  /**
   * The bridge's shared secret. It travels as the subprotocol
   * `token.<base64url of its UTF-8 bytes>` next to `redwire`, never in the
   * URL, and never appears in an error message.
   */
  token?: string;
  /** Subprotocols to offer; the redwire bridge needs `"redwire"` among them. @default ["redwire"] */
  protocols?: string[];
  /** The WebSocket implementation, such as `WebSocket` from `ws` on Node 20. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  /** Longest wait for the WebSocket handshake, in ms; `null` waits forever. @default 10000 */
  connectTimeout?: number | null;
  /** `write` resolves once `bufferedAmount` is at most this many bytes. @default 1048576 */
  highWaterMark?: number;
}

const DEFAULTS = { connectTimeout: 10_000, highWaterMark: 1024 * 1024 } as const;
/** How often a write blocked on `bufferedAmount` looks again, in ms. */
const DRAIN_POLL_MS = 2;
const OPEN = 1;

/**
 * Makes a transport factory that reaches Redis through a redwire WebSocket
 * bridge (`serveBridge` from `@redwire/redis/bridge`). Each connection opens
 * one WebSocket; binary frames carry the raw RESP bytes both ways. The
 * bridge decides which Redis server it talks to, so the `host` and `port`
 * options of the client only name the connection in messages.
 *
 * The token is sent as a WebSocket subprotocol, because browsers cannot set
 * headers on a WebSocket and a URL query ends up in access logs: the client
 * offers `["redwire", "token.<base64url(token)>"]` and the bridge answers
 * `redwire`.
 *
 * Opening fails with `ConnectionError` when the handshake is refused (the
 * bridge answers 401 for a wrong token, 503 at its connection cap, 502 when
 * Redis is down) and with `TimeoutError` after `connectTimeout`; a close
 * by the bridge fails the connection with `ConnectionError` giving the
 * close code and reason. Messages name the URL without credentials or
 * query values, and never the token.
 *
 * @param url The bridge's `ws://` or `wss://` URL; `wss://` on any public network.
 * @param options The token, subprotocols, WebSocket class, connect timeout and high-water mark.
 * @returns A factory for the `transport` option of `Redis`, pools and `Connection`.
 * @throws {TypeError} If the URL is not a `ws:` or `wss:` URL, or no WebSocket class is available.
 * @throws {RangeError} If `connectTimeout` or `highWaterMark` is out of range.
 *
 * @example Usage
 * ```ts
 * import { Redis, webSocketTransport } from "@redwire/redis";
 *
 * await using redis = new Redis({
 *   transport: webSocketTransport("wss://bridge.example.com/redis", { token: "s3cret" }),
 * });
 * await redis.set("greeting", "hello");
 * ```
 */
export function webSocketTransport(
  url: string,
  options: WebSocketTransportOptions = {},
): TransportFactory {
  const settings = resolveSettings(url, options);
  const open = (options: OpenOptions) => openWebSocket(settings, options.signal);
  // Connections name the bridge in their messages: host and port mean nothing here.
  return Object.assign(open, { address: settings.where });
}

interface Settings {
  url: string;
  where: string;
  protocols: string[];
  secrets: string[];
  Socket: WebSocketConstructor;
  connectTimeout: number | null;
  highWaterMark: number;
  /** The frame size for a write of this many bytes (small frames for Deno's own socket). */
  frameSize: (length: number) => number;
}

function resolveSettings(url: string, options: WebSocketTransportOptions): Settings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("webSocketTransport needs a ws:// or wss:// URL");
  }
  const where = `bridge ${redactUrl(parsed)}`;
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new TypeError(`webSocketTransport needs a ws:// or wss:// URL, got ${where}`);
  }
  const Socket = options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Socket !== "function") {
    throw new TypeError(
      "This runtime has no global WebSocket; pass one, e.g. `WebSocket` from the ws package",
    );
  }
  const connectTimeout = options.connectTimeout === undefined
    ? DEFAULTS.connectTimeout
    : options.connectTimeout;
  checkDuration("connectTimeout", connectTimeout, 0, true);
  const highWaterMark = options.highWaterMark ?? DEFAULTS.highWaterMark;
  checkInteger("highWaterMark", highWaterMark, 0);
  const protocols = [...(options.protocols ?? [BRIDGE_PROTOCOL])];
  const secrets: string[] = [];
  if (options.token !== undefined) {
    if (typeof options.token !== "string" || options.token === "") {
      throw new TypeError("token must be a non-empty string");
    }
    const { protocol, encoded } = tokenSubprotocol(options.token);
    protocols.push(protocol);
    secrets.push(options.token, encoded);
  }
  const frameSize = frameSizes(Socket);
  return { url, where, protocols, secrets, Socket, connectTimeout, highWaterMark, frameSize };
}

async function openWebSocket(
  settings: Settings,
  signal: AbortSignal | undefined,
): Promise<Transport> {
  signal?.throwIfAborted();
  let socket: WebSocketLike;
  try {
    socket = new settings.Socket(
      settings.url,
      settings.protocols,
      clientOptions(settings.protocols),
    );
  } catch (error) {
    const message = redact(messageOf(error), settings.secrets);
    throw new ConnectionError(`Cannot connect to ${settings.where}: ${message}`);
  }
  const transport = new WebSocketTransport(socket, settings);
  await transport.opened(signal);
  return transport;
}

class WebSocketTransport implements Transport {
  readonly readable: AsyncIterable<Uint8Array>;
  #socket: WebSocketLike;
  #settings: Settings;
  #isOpen = false;
  #closed = false;
  #errorMessage: string | undefined;
  #queue = new ChunkQueue();
  #onOpen: ((error?: Error) => void) | undefined;

  constructor(socket: WebSocketLike, settings: Settings) {
    this.#socket = socket;
    this.#settings = settings;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => this.#opened());
    socket.addEventListener("message", (event) => this.#onMessage(event.data));
    socket.addEventListener("error", (event) => {
      // Not every runtime says what failed; after the handshake the close
      // event follows and tells the rest.
      if (typeof event.message === "string" && event.message !== "") {
        this.#errorMessage ??= redact(event.message, settings.secrets);
      }
      // Before the handshake an error is final: some runtimes (the Edge
      // Runtime after a 401) never send the close event that would end it.
      if (!this.#isOpen) this.#onOpen?.(this.#openError(undefined));
    });
    socket.addEventListener("close", (event) => this.#onClose(event));
    this.readable = this.#queue.readable;
  }

  /** Resolves once the handshake is done; closes the socket when it fails. */
  opened(signal: AbortSignal | undefined): Promise<void> {
    const limit = this.#settings.connectTimeout;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        this.#onOpen = undefined;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error === undefined) return resolve();
        this.close();
        reject(error);
      };
      const onAbort = () => settle(signal?.reason);
      const timer = limit === null ? undefined : setTimeout(() => {
        settle(
          new TimeoutError(
            `Connecting to ${this.#settings.where} timed out after ${limit} ms (check the bridge is up, or raise connectTimeout)`,
          ),
        );
      }, limit);
      this.#onOpen = settle;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #opened(): void {
    this.#isOpen = true;
    this.#onOpen?.();
  }

  #onMessage(data: unknown): void {
    if (this.#closed) return;
    if (data instanceof ArrayBuffer) {
      this.#queue.push(new Uint8Array(data));
    } else if (ArrayBuffer.isView(data)) {
      this.#queue.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } else {
      // RESP travels in binary frames only; text would be re-encoded.
      this.#queue.fail(
        new ConnectionError(
          `${this.#settings.where} sent a text frame; is this URL a redwire bridge?`,
        ),
      );
      this.#closeSocket(1003, "binary frames only");
    }
  }

  #openError(event: WebSocketEvent | undefined): ConnectionError {
    const why = this.#errorMessage ?? (event && describeClose(event)) ??
      "the WebSocket handshake failed (bridge down or unreachable, token refused (401), " +
        "connection cap reached (503), or Redis unreachable from the bridge (502))";
    return new ConnectionError(`Cannot connect to ${this.#settings.where}: ${why}`);
  }

  #onClose(event: WebSocketEvent): void {
    if (!this.#isOpen) {
      this.#onOpen?.(this.#openError(event));
    } else if (!this.#closed) {
      const why = describeClose(event) ?? this.#errorMessage ?? "without a close frame";
      this.#queue.fail(
        new ConnectionError(`Connection to ${this.#settings.where} closed by the bridge (${why})`),
      );
    }
    this.#queue.end();
  }

  write(bytes: Uint8Array): Promise<void> {
    // Big writes leave in several frames, each sent only once
    // the previous ones drained below the high-water mark: memory stays
    // bounded however large the value.
    const size = this.#settings.frameSize(bytes.length);
    // The first frame goes out synchronously: if the socket refuses it (it
    // closed, or belongs to another request on Workers), this throws and the
    // connection knows that nothing was sent.
    this.#send(bytes.subarray(0, size));
    return this.#sendRest(bytes, size);
  }

  async #sendRest(bytes: Uint8Array, size: number): Promise<void> {
    await this.#drain();
    for (let offset = size; offset < bytes.length; offset += size) {
      this.#send(bytes.subarray(offset, offset + size));
      await this.#drain();
    }
    this.#checkWritable();
  }

  #send(frame: Uint8Array): void {
    this.#checkWritable();
    try {
      this.#socket.send(frame);
    } catch (error) {
      throw new ConnectionError(
        `Cannot write to ${this.#settings.where}: ${
          redact(messageOf(error), this.#settings.secrets)
        }`,
      );
    }
  }

  async #drain(): Promise<void> {
    while (this.#socket.bufferedAmount > this.#settings.highWaterMark) {
      this.#checkWritable();
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  #checkWritable(): void {
    if (this.#closed) throw new ConnectionError(`Connection to ${this.#settings.where} is closed`);
    if (this.#queue.error !== undefined) throw this.#queue.error;
    if (this.#queue.ended || this.#socket.readyState !== OPEN) {
      throw new ConnectionError(`Cannot write to ${this.#settings.where}: the WebSocket is closed`);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.close();
    this.#closeSocket(1000, "");
  }

  #closeSocket(code: number, reason: string): void {
    try {
      this.#socket.close(code, reason);
    } catch {
      // Already closing, or the runtime refuses a close while connecting.
    }
  }
}

function describeClose(event: WebSocketEvent): string | undefined {
  const code = event.code;
  if (code === undefined || code === 0 || code === 1005 || code === 1006) return undefined;
  return event.reason ? `code ${code}: ${event.reason}` : `code ${code}`;
}

/** The URL without credentials and with query values masked, for messages. */
function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  for (const key of new Set(copy.searchParams.keys())) copy.searchParams.set(key, "redacted");
  return copy.href;
}

function redact(message: string, secrets: string[]): string {
  let result = message;
  for (const secret of secrets) result = result.split(secret).join("[redacted]");
  return result;
}
