/**
 * The Cloudflare Workers adapter: TCP and TLS with `connect()` from
 * `cloudflare:sockets`, no bridge and no `nodejs_compat` needed.
 *
 * Workers tie every socket to the request that opened it: a socket opened
 * while handling one request cannot be used by another. Make the client
 * inside the handler and close it before the response is returned (see the
 * README, "Cloudflare Workers"); a client kept at module scope fails the
 * next request's commands before they are written, so they are retried on a
 * new connection rather than reported as "may have run".
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { OpenOptions, Transport } from "./transport.ts";

/** The part of a `cloudflare:sockets` socket this adapter uses. */
export interface WorkerSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<unknown>;
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** `connect()` of `cloudflare:sockets`, as far as this adapter calls it. */
export type WorkerConnect = (
  address: { hostname: string; port: number },
  options: { secureTransport: "off" | "on"; allowHalfOpen: boolean },
) => WorkerSocket;

interface CloudflareSockets {
  connect: WorkerConnect;
}

let sockets: Promise<CloudflareSockets> | undefined;

function loadSockets(): Promise<CloudflareSockets> {
  // A computed specifier: bundlers for other platforms leave it alone, and
  // type checkers outside workerd need no declaration for it.
  const specifier = ["cloudflare", "sockets"].join(":");
  return sockets ??= import(/* @vite-ignore */ specifier) as Promise<CloudflareSockets>;
}

/**
 * Opens a TCP or TLS transport with `connect()` from `cloudflare:sockets`.
 * TLS uses `secureTransport: "on"` and verifies the certificate against the
 * host with the system's roots; custom CAs, client certificates,
 * `rejectUnauthorized: false`, a `servername` other than the host and Unix
 * sockets are not available on Workers and fail with `ConnectionError`.
 * Writes resolve once the socket accepted the bytes; reads are pulled, so a
 * slow reader holds the sender back.
 *
 * @param options Where and how to connect.
 * @param connect `connect()` to use instead of the one of `cloudflare:sockets` (for tests).
 * @returns An open transport.
 * @throws {ConnectionError} If the connection or the TLS handshake fails,
 * or the options ask for what Workers cannot do.
 * @throws `options.signal.reason` if the signal aborts the attempt.
 *
 * @example Usage (inside a Worker's fetch handler)
 * ```ts ignore
 * import { openCloudflareTransport } from "./cloudflare.ts";
 *
 * const transport = await openCloudflareTransport({ host: "redis.example.com", port: 6379 });
 * transport.close();
 * ```
 */
export async function openCloudflareTransport(
  options: OpenOptions,
  connect?: WorkerConnect,
): Promise<Transport> {
  options.signal?.throwIfAborted();
  const where = options.path ?? `${options.host}:${options.port}`;
  const unsupported = unsupportedReason(options);
  if (unsupported !== undefined) {
    throw new ConnectionError(`Cannot connect to ${where}: ${unsupported}`);
  }
  const open = connect ?? (await loadSockets()).connect;
  let socket: WorkerSocket;
  try {
    socket = open({ hostname: options.host, port: options.port }, {
      secureTransport: options.tls === undefined ? "off" : "on",
      allowHalfOpen: false,
    });
  } catch (error) {
    throw new ConnectionError(`Cannot connect to ${where}: ${messageOf(error)}`, { cause: error });
  }
  try {
    await opened(socket, options.signal);
  } catch (error) {
    socket.close().catch(() => {});
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ConnectionError(`Cannot connect to ${where}: ${messageOf(error)}`, { cause: error });
  }
  return new CloudflareTransport(socket, where);
}

function unsupportedReason(options: OpenOptions): string | undefined {
  if (options.path !== undefined) return "Cloudflare Workers have no Unix sockets";
  const tls = options.tls;
  if (tls === undefined) return undefined;
  if (tls.caCerts !== undefined || tls.cert !== undefined || tls.key !== undefined) {
    return "Cloudflare Workers verify TLS with the system's roots only (no caCerts, cert or key)";
  }
  if (tls.rejectUnauthorized === false) {
    return "Cloudflare Workers always verify TLS certificates (rejectUnauthorized: false is not available)";
  }
  if (tls.servername !== undefined && tls.servername !== options.host) {
    return "Cloudflare Workers send the host as the TLS server name; connect to the servername instead";
  }
  return undefined;
}

function opened(socket: WorkerSocket, signal: AbortSignal | undefined): Promise<unknown> {
  if (signal === undefined) return socket.opened;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.opened.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

class CloudflareTransport implements Transport {
  readonly readable: AsyncIterable<Uint8Array>;
  #socket: WorkerSocket;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #where: string;
  #closed = false;

  constructor(socket: WorkerSocket, where: string) {
    this.#socket = socket;
    this.#where = where;
    this.#writer = socket.writable.getWriter();
    // A rejected `closed` would otherwise be reported as unhandled.
    socket.closed.catch(() => {});
    this.readable = { [Symbol.asyncIterator]: () => this.#read() };
  }

  async *#read(): AsyncGenerator<Uint8Array> {
    const reader = this.#socket.readable.getReader();
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          if (this.#closed) return;
          throw new ConnectionError(`Connection to ${this.#where} lost: ${messageOf(error)}`, {
            cause: error,
          });
        }
        if (result.done) return;
        yield result.value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new ConnectionError(`Connection to ${this.#where} is closed`));
    }
    let accepted: Promise<void>;
    try {
      accepted = this.#writer.write(bytes);
    } catch (error) {
      // Thrown before the stream took the bytes (a socket of another
      // request): leaving synchronously tells the connection nothing was
      // sent, so the command is retried on a new connection.
      throw new ConnectionError(`Cannot write to ${this.#where}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    return accepted.catch((error) => {
      throw new ConnectionError(`Cannot write to ${this.#where}: ${messageOf(error)}`, {
        cause: error,
        written: true,
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.releaseLock();
    this.#socket.close().catch(() => {});
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
