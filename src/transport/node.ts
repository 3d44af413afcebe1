/**
 * The Node adapter: TCP, TLS and Unix sockets with `node:net` and `node:tls`.
 * Deno runs it too, for the TLS options its own socket API lacks.
 *
 * @module
 */

import type * as Net from "node:net";
import type * as Tls from "node:tls";
import { ConnectionError } from "../errors.ts";
import type { OpenOptions, Transport } from "./transport.ts";
import { ChunkQueue } from "./_chunk_queue.ts";
import { builtinModule } from "./runtime.ts";

interface NodeSockets {
  net: typeof Net;
  tls: typeof Tls;
}

let sockets: NodeSockets | undefined;

/**
 * `node:net` and `node:tls`, looked up on the first connection rather than
 * imported, so that loading redwire loads neither (and a bundle for a
 * runtime without them still loads). The specifiers are computed so that
 * bundlers leave the fallback `import()` alone.
 */
async function loadSockets(): Promise<NodeSockets> {
  if (sockets !== undefined) return sockets;
  const [netId, tlsId] = ["node:net", "node:tls"] as const;
  const net = builtinModule<typeof Net>(netId) ?? await import(/* @vite-ignore */ `${netId}`);
  const tls = builtinModule<typeof Tls>(tlsId) ?? await import(/* @vite-ignore */ `${tlsId}`);
  return sockets = { net, tls };
}

/** Received bytes queued before the socket is paused until the reader catches up. */
const HIGH_WATER = 1024 * 1024;
/** Queued bytes below which a paused socket resumes. */
const LOW_WATER = 256 * 1024;
const DEFAULT_KEEPALIVE_DELAY = 10_000;

/**
 * Opens a TCP, TLS or Unix-socket transport with `node:net` / `node:tls`.
 * Sockets get `TCP_NODELAY`, and keepalive after `keepaliveDelay` when
 * `options.keepalive` is set. A TLS handshake completes before the promise
 * resolves, so certificate errors surface here. The readable pauses the
 * socket while more than 1 MiB waits for the reader.
 *
 * @param options Where and how to connect.
 * @returns An open transport.
 * @throws {ConnectionError} If the connection or the TLS handshake fails;
 * the message names the host:port or path and `cause` holds the native error.
 * @throws `options.signal.reason` if the signal aborts the attempt.
 *
 * @example Usage
 * ```ts
 * import { openNodeTransport } from "./node.ts";
 *
 * const transport = await openNodeTransport({ host: "127.0.0.1", port: 6379 });
 * await transport.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
 * for await (const chunk of transport.readable) {
 *   console.log(new TextDecoder().decode(chunk)); // "+PONG\r\n"
 *   break;
 * }
 * transport.close();
 * ```
 */
export async function openNodeTransport(options: OpenOptions): Promise<Transport> {
  options.signal?.throwIfAborted();
  const where = options.path ?? `${options.host}:${options.port}`;
  const socket = createSocket(await loadSockets(), options);
  // Listening before the connect settles leaves no moment without an error listener.
  const transport = new NodeTransport(socket, where);
  try {
    await connected(
      socket,
      options.tls === undefined ? "connect" : "secureConnect",
      options.signal,
    );
  } catch (error) {
    socket.destroy();
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ConnectionError(`Cannot connect to ${where}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  socket.setNoDelay(true);
  if (options.keepalive) {
    socket.setKeepAlive(true, options.keepaliveDelay ?? DEFAULT_KEEPALIVE_DELAY);
  }
  return transport;
}

function createSocket({ net, tls }: NodeSockets, options: OpenOptions): Net.Socket {
  const target = options.path === undefined
    ? { host: options.host, port: options.port }
    : { path: options.path };
  if (options.tls === undefined) return net.connect(target);
  const { caCerts, cert, key, servername, rejectUnauthorized = true } = options.tls;
  return tls.connect({
    ...target,
    ca: caCerts,
    cert,
    key,
    // RFC 6066 forbids an IP address as SNI; Node still checks the
    // certificate against the host when servername is left out.
    servername: servername ?? (net.isIP(options.host) === 0 ? options.host : undefined),
    rejectUnauthorized,
  });
}

function connected(socket: Net.Socket, event: string, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      socket.off(event, onConnect).off("error", settle).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onConnect = () => settle();
    const onClose = () => settle(new Error("the server closed the connection"));
    const onAbort = () => settle(signal?.reason);
    socket.once(event, onConnect).once("error", settle).once("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

class NodeTransport implements Transport {
  readonly readable: AsyncIterable<Uint8Array>;
  #socket: Net.Socket;
  #where: string;
  #closed = false;
  #paused = false;
  #queue = new ChunkQueue((queued) => {
    if (this.#paused && queued <= LOW_WATER) {
      this.#paused = false;
      this.#socket.resume();
    }
  });

  constructor(socket: Net.Socket, where: string) {
    this.#socket = socket;
    this.#where = where;
    socket.on("data", (data: Uint8Array) => this.#push(data));
    socket.on("error", (error: Error) => {
      this.#queue.fail(
        new ConnectionError(`Connection to ${where} lost: ${error.message}`, { cause: error }),
      );
    });
    socket.on("close", () => this.#queue.end());
    this.readable = this.#queue.readable;
  }

  #push(data: Uint8Array): void {
    // A plain view: Buffer's slice() would alias where Uint8Array's copies.
    this.#queue.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (this.#queue.queuedBytes >= HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#closed || this.#socket.destroyed) return Promise.reject(this.#writeError());
    // The callback runs once the kernel has the bytes, so the caller may
    // reuse them. Node calls it without an error when the socket was
    // destroyed first, so `destroyed` is checked too.
    // A throw from socket.write (workerd's node:net shim throws for a
    // socket of another request) leaves this method synchronously: the
    // connection then knows nothing was sent.
    let settle!: (error?: Error | null) => void;
    const accepted = new Promise<void>((resolve, reject) => {
      settle = (error) => {
        if (error == null && !this.#socket.destroyed) resolve();
        else reject(this.#writeError(error ?? undefined));
      };
    });
    try {
      this.#socket.write(bytes, settle);
    } catch (error) {
      throw new ConnectionError(`Cannot write to ${this.#where}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return accepted;
  }

  #writeError(error?: Error): ConnectionError {
    if (this.#closed) return new ConnectionError(`Connection to ${this.#where} is closed`);
    const cause = error ?? this.#queue.error?.cause;
    const what = cause instanceof Error ? cause.message : "the server closed it";
    return new ConnectionError(`Cannot write to ${this.#where}: ${what}`, { cause });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.close();
    this.#socket.destroy();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
