/**
 * The Deno adapter: TCP, TLS and Unix sockets with the Deno socket API.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { Decoder } from "../protocol/mod.ts";
import type { OpenOptions, Transport } from "./transport.ts";

/** The read buffer's first size, and the size it shrinks back to. */
const READ_MIN = 16 * 1024;
/** The most a read buffer grows to while reads keep filling it. */
const READ_MAX = 256 * 1024;
/** Reads using under an eighth of a grown buffer, in a row, before it shrinks. */
const SHRINK_AFTER = 64;

/**
 * Tells whether the Deno socket API can open a connection with these
 * options. It cannot skip certificate verification (`rejectUnauthorized:
 * false`), run TLS over a Unix socket, or present a client certificate
 * without Nagle delays (`Deno.connectTls` offers no `setNoDelay`);
 * `defaultTransport` hands those to the Node adapter, which Deno runs
 * through its `node:tls` layer.
 *
 * @param options Where and how to connect.
 * @returns `true` when {@linkcode openDenoTransport} accepts the options.
 *
 * @example Choosing an adapter
 * ```ts
 * import { canOpenWithDeno } from "./deno.ts";
 *
 * canOpenWithDeno({ host: "127.0.0.1", port: 6379 }); // true
 * canOpenWithDeno({ host: "127.0.0.1", port: 6380, tls: { caCerts: [] } }); // true
 * canOpenWithDeno({ host: "127.0.0.1", port: 6380, tls: { rejectUnauthorized: false } }); // false
 * ```
 */
export function canOpenWithDeno(options: OpenOptions): boolean {
  return unsupportedReason(options) === undefined;
}

/**
 * Opens a TCP, TLS or Unix-socket transport with the Deno socket API. TCP
 * sockets get `TCP_NODELAY`, and keepalive when `options.keepalive` is set
 * (Deno has no per-socket probe delay, so `keepaliveDelay` is left to the
 * system). A TLS handshake completes before the promise resolves, so
 * certificate errors surface here.
 *
 * @param options Where and how to connect.
 * @returns An open transport.
 * @throws {TypeError} If the options ask for what Deno cannot do (see
 * {@linkcode canOpenWithDeno}).
 * @throws {ConnectionError} If the connection or the TLS handshake fails;
 * the message names the host:port or path and `cause` holds the native error.
 * @throws `options.signal.reason` if the signal aborts the attempt.
 *
 * @example Usage
 * ```ts
 * import { openDenoTransport } from "./deno.ts";
 *
 * const transport = await openDenoTransport({ host: "127.0.0.1", port: 6379 });
 * await transport.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
 * for await (const chunk of transport.readable) {
 *   console.log(new TextDecoder().decode(chunk)); // "+PONG\r\n"
 *   break;
 * }
 * transport.close();
 * ```
 */
export async function openDenoTransport(options: OpenOptions): Promise<Transport> {
  const unsupported = unsupportedReason(options);
  if (unsupported !== undefined) throw new TypeError(unsupported);
  options.signal?.throwIfAborted();
  const where = describe(options);
  try {
    return new DenoTransport(await connect(options), where, options.decoder);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ConnectionError(`Cannot connect to ${where}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function unsupportedReason(options: OpenOptions): string | undefined {
  const tls = options.tls;
  if (tls === undefined) return undefined;
  if (tls.rejectUnauthorized === false) {
    return "Deno's socket API cannot skip certificate verification (tls.rejectUnauthorized: " +
      "false); trust the server's CA with tls.caCerts, or use the Node adapter";
  }
  if (tls.cert !== undefined || tls.key !== undefined) {
    // Only Deno.connectTls takes a client certificate, and its socket keeps
    // Nagle's algorithm on: pipelined writes then stall ~40 ms each.
    return "Deno's socket API cannot send a client certificate without Nagle delays " +
      "(tls.cert, tls.key); use the Node adapter";
  }
  if (options.path !== undefined) return "Deno's socket API has no TLS over Unix sockets";
  return undefined;
}

async function connect(options: OpenOptions): Promise<Deno.Conn> {
  const { signal, tls } = options;
  if (options.path !== undefined) {
    const pending = Deno.connect({ transport: "unix", path: options.path });
    return await untilAborted(pending, signal, (conn) => conn.close());
  }
  const tcp = await Deno.connect({ hostname: options.host, port: options.port, signal });
  tcp.setNoDelay(true);
  if (options.keepalive) tcp.setKeepAlive(true);
  if (tls === undefined) return tcp;
  // startTls verifies against `hostname` while the socket stays on options.host.
  const hostname = tls.servername ?? options.host;
  let conn: Deno.TlsConn;
  try {
    conn = await Deno.startTls(tcp, { hostname, caCerts: tls.caCerts });
  } catch (error) {
    closeQuietly(tcp);
    throw error;
  }
  return await handshake(conn, signal);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed or consumed; nothing left to release.
  }
}

async function handshake(conn: Deno.TlsConn, signal: AbortSignal | undefined): Promise<Deno.Conn> {
  try {
    await untilAborted(conn.handshake(), signal, () => {});
    return conn;
  } catch (error) {
    // Closing interrupts a handshake still waiting for the server.
    closeQuietly(conn);
    throw error;
  }
}

/** Settles with `pending`, or rejects with the abort reason and discards a late value. */
function untilAborted<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (value: T) => void,
): Promise<T> {
  if (signal === undefined) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then((value) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) discard(value);
      else resolve(value);
    }, (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

class DenoTransport implements Transport {
  readonly readable: AsyncIterable<Uint8Array>;
  #conn: Deno.Conn;
  #where: string;
  #closed = false;
  #writes: Promise<void> = Promise.resolve();
  /** Writes accepted and not yet finished. */
  #writing = 0;
  readonly #decoder: Decoder | undefined;
  #buffer = new Uint8Array(READ_MIN);
  /** Reads in a row that used under an eighth of a grown buffer. */
  #small = 0;

  constructor(conn: Deno.Conn, where: string, decoder: Decoder | undefined) {
    this.#conn = conn;
    this.#where = where;
    this.#decoder = decoder;
    this.readable = this.#read();
  }

  async *#read(): AsyncGenerator<Uint8Array, void, undefined> {
    // One buffer, read into again and again: a fresh one per read costs the
    // runtime more than the read (measured: 1 MiB replies at a third of the
    // speed). So a chunk is valid until the next one is asked for (see
    // Transport.readable).
    while (!this.#closed) {
      // The rest of a big value goes straight into its own buffer.
      const target = this.#target();
      const into = target ?? this.#buffer;
      let count: number | null;
      try {
        count = await this.#conn.read(into);
      } catch (error) {
        if (this.#closed) return;
        this.close();
        throw new ConnectionError(`Connection to ${this.#where} lost: ${messageOf(error)}`, {
          cause: error,
        });
      }
      if (count === null) {
        this.close();
        return;
      }
      yield into.subarray(0, count);
      if (target === undefined) this.#resize(count);
    }
  }

  /**
   * Grows the read buffer while reads fill it (big replies: fewer reads) and
   * shrinks it back when they stay small (idle memory). A read that ends
   * inside a big value (its rest read in place) is no reason to grow: that
   * value's first bytes are all that is copied.
   */
  #resize(count: number): void {
    const length = this.#buffer.length;
    if (count === length && length < READ_MAX && this.#target() === undefined) {
      this.#buffer = new Uint8Array(length * 4);
      this.#small = 0;
    } else if (length > READ_MIN) {
      this.#small = count < length >> 3 ? this.#small + 1 : 0;
      if (this.#small >= SHRINK_AFTER) {
        this.#buffer = new Uint8Array(READ_MIN);
        this.#small = 0;
      }
    }
  }

  /** A view of a big value's own buffer to read into (see OpenOptions.decoder), or `undefined`. */
  #target(): Uint8Array | undefined {
    const target = this.#decoder?.readTarget();
    return target?.length ? target : undefined;
  }

  write(bytes: Uint8Array): Promise<void> {
    // Writes run one after another: a short write must finish before the
    // next batch starts, or the two would interleave on the wire. With none
    // in progress, this one starts now rather than a microtask later.
    const written = this.#writing === 0
      ? this.#writeAll(bytes)
      : this.#writes.then(() => this.#writeAll(bytes));
    this.#writing++;
    const done = () => void this.#writing--;
    this.#writes = written.then(done, done);
    return written;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#closed) throw new ConnectionError(`Connection to ${this.#where} is closed`);
      try {
        offset += await this.#conn.write(bytes.subarray(offset));
      } catch (error) {
        const what = this.#closed ? "is closed" : `failed: ${messageOf(error)}`;
        throw new ConnectionError(`Connection to ${this.#where} ${what}`, { cause: error });
      }
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }
}

function describe(options: OpenOptions): string {
  return options.path ?? `${options.host}:${options.port}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
