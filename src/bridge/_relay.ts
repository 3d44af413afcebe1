/**
 * One bridged connection: bytes from a WebSocket to its Redis transport and
 * back, with backpressure both ways and an idle timeout. Runtime-neutral:
 * the socket is a standard server-side WebSocket (Deno's, or one from `ws`).
 *
 * @module
 */

import type { Transport } from "../transport/mod.ts";

/**
 * The events a {@linkcode RelaySocket} dispatches, as far as the relay reads them.
 */
export interface RelayEvent {
  /** `"open"`, `"message"`, `"error"` or `"close"`. */
  readonly type: string;
  /** The payload of a `message` event. */
  readonly data?: unknown;
  /** The close code of a `close` event. */
  readonly code?: number;
}

/**
 * The server side of a WebSocket, as the standard API offers it. `pause` and
 * `resume` (the `ws` package has them) stop and restart reading from the
 * client; without them a client that outruns Redis is disconnected.
 */
export interface RelaySocket {
  /** How binary messages arrive; the relay sets `"arraybuffer"`. */
  binaryType: string;
  /** Bytes sent but not yet written out. */
  readonly bufferedAmount: number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens to `open`, `message`, `error` and `close`. */
  addEventListener(type: string, listener: (event: RelayEvent) => void): void;
  /** Stops reading from the client. */
  pause?(): void;
  /** Starts reading from the client again. */
  resume?(): void;
}

/** Unsent bytes per direction above which the relay stops taking more. */
const HIGH_WATER = 1024 * 1024;
/** Bytes waiting for Redis below which a paused client is read again. */
const LOW_WATER = 256 * 1024;
/** Bytes waiting for Redis past which a client that cannot be paused is cut off. */
const MAX_UNWRITTEN = 64 * 1024 * 1024;
/** How often a send blocked on `bufferedAmount` looks again, in ms. */
const DRAIN_POLL_MS = 2;
const CONNECTING = 0;
const OPEN = 1;

/**
 * Close codes (RFC 6455 section 7.4.1) the bridge sends.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policy: 1008,
  internalError: 1011,
} as const;

/**
 * Pipes one WebSocket to one Redis transport until either side ends.
 */
export class Relay {
  #socket: RelaySocket;
  #transport: Transport;
  #idleTimeout: number | null;
  #onEnd: (why: string) => void;
  #lastActivity = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;
  #unwritten = 0;
  #paused = false;

  /**
   * Starts relaying; the Redis side is read once the WebSocket is open.
   *
   * @param socket The accepted WebSocket.
   * @param transport The open Redis transport, owned by the relay from now on.
   * @param idleTimeout Close both sides after this long without traffic; `null` never.
   * @param onEnd Called once, with why the relay ended.
   */
  constructor(
    socket: RelaySocket,
    transport: Transport,
    idleTimeout: number | null,
    onEnd: (why: string) => void,
  ) {
    this.#socket = socket;
    this.#transport = transport;
    this.#idleTimeout = idleTimeout;
    this.#onEnd = onEnd;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => this.#fromClient(event.data));
    socket.addEventListener("error", () => this.end("the WebSocket failed", CLOSE.internalError));
    socket.addEventListener("close", (event) => {
      this.end(`the client closed the WebSocket (code ${event.code ?? "none"})`, CLOSE.normal);
    });
    if (socket.readyState === OPEN) void this.#toClient();
    else socket.addEventListener("open", () => void this.#toClient());
    if (idleTimeout !== null) this.#timer = setTimeout(this.#onIdleTimer, idleTimeout);
  }

  /**
   * Closes both sides; calling it again is harmless.
   *
   * @param why For the log.
   * @param code The WebSocket close code.
   * @param reason The close reason the client sees (at most 123 bytes).
   */
  end(why: string, code: number, reason = ""): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#transport.close();
    const socket = this.#socket;
    // A socket still in its handshake cannot be closed yet everywhere.
    if (socket.readyState === CONNECTING) {
      socket.addEventListener("open", () => closeQuietly(socket, code, reason));
    } else {
      closeQuietly(socket, code, reason);
    }
    this.#onEnd(why);
  }

  #fromClient(data: unknown): void {
    if (this.#ended) return;
    const bytes = toBytes(data);
    if (bytes === undefined) {
      this.end("the client sent a text frame", CLOSE.unsupportedData, "binary frames only");
      return;
    }
    this.#lastActivity = Date.now();
    const size = bytes.byteLength;
    this.#unwritten += size;
    this.#transport.write(bytes).then(() => {
      this.#unwritten -= size;
      if (this.#paused && this.#unwritten <= LOW_WATER) {
        this.#paused = false;
        this.#socket.resume?.();
      }
    }, () => this.end("writing to Redis failed", CLOSE.internalError, "Redis connection lost"));
    if (this.#unwritten <= HIGH_WATER) return;
    if (this.#socket.pause !== undefined) {
      if (!this.#paused) {
        this.#paused = true;
        this.#socket.pause();
      }
    } else if (this.#unwritten > MAX_UNWRITTEN) {
      this.end(
        `the client sent ${this.#unwritten} bytes more than Redis took`,
        CLOSE.policy,
        "too much unwritten data",
      );
    }
  }

  async #toClient(): Promise<void> {
    try {
      for await (const chunk of this.#transport.readable) {
        if (this.#ended) return;
        this.#lastActivity = Date.now();
        // A copy: the transport reads into this chunk again (Transport.readable),
        // while the WebSocket may still hold it in its send queue.
        this.#socket.send(chunk.slice());
        await this.#drained();
      }
      this.end("Redis closed the connection", CLOSE.internalError, "Redis closed the connection");
    } catch {
      this.end("the Redis connection was lost", CLOSE.internalError, "Redis connection lost");
    }
  }

  /** Waits while the client reads slower than Redis answers; Redis is not read meanwhile. */
  async #drained(): Promise<void> {
    let last = this.#socket.bufferedAmount;
    while (last > HIGH_WATER && !this.#ended) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      const now = this.#socket.bufferedAmount;
      // Bytes still leaving count as activity for the idle timeout.
      if (now < last) this.#lastActivity = Date.now();
      last = now;
    }
  }

  #onIdleTimer = (): void => {
    const limit = this.#idleTimeout!;
    const idle = Date.now() - this.#lastActivity;
    if (idle >= limit) {
      this.end(`idle for ${idle} ms`, CLOSE.normal, "idle timeout");
      return;
    }
    this.#timer = setTimeout(this.#onIdleTimer, limit - idle);
  };
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return undefined;
}

function closeQuietly(socket: RelaySocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Already closing or closed.
  }
}
