/**
 * The byte-stream seam between connections and runtimes.
 *
 * @module
 */

import type { Decoder } from "../protocol/mod.ts";

/**
 * TLS settings for `rediss://` and `tls: true | TlsOptions`. Certificates are
 * verified by default.
 *
 * @example
 * ```ts
 * import type { TlsOptions } from "@redwire/redis";
 *
 * const tls: TlsOptions = { caCerts: [await Deno.readTextFile("ca.pem")], servername: "redis.local" };
 * ```
 */
export interface TlsOptions {
  /** PEM certificates to trust instead of the system's. */
  caCerts?: string[];
  /** PEM client certificate, for servers that ask for one. */
  cert?: string;
  /** PEM private key of the client certificate. */
  key?: string;
  /** Name to verify the server's certificate against (SNI). @default the host */
  servername?: string;
  /** Refuse servers whose certificate does not verify. @default true */
  rejectUnauthorized?: boolean;
}

/**
 * Where and how a transport connects.
 *
 * @example
 * ```ts
 * import type { OpenOptions } from "@redwire/redis";
 *
 * const open: OpenOptions = { host: "127.0.0.1", port: 6379, keepalive: true };
 * ```
 */
export interface OpenOptions {
  /** Host name or address. */
  host: string;
  /** TCP port. */
  port: number;
  /** Unix socket path; when set, host and port are ignored. */
  path?: string;
  /** TLS settings; `undefined` means plain TCP. */
  tls?: TlsOptions;
  /** Enable TCP keepalive. @default false */
  keepalive?: boolean;
  /** Idle time before the first keepalive probe, in ms. @default 10000 */
  keepaliveDelay?: number;
  /** Abort the connection attempt (the connect timeout fires this). */
  signal?: AbortSignal;
  /**
   * The decoder the bytes read go to. A transport that can read into a
   * buffer of its caller's may ask it, before each read, for a view of a big
   * value's own buffer (`decoder.readTarget()`): when that is not empty it
   * reads at most that many bytes into it and yields them as a view of it,
   * so they are not copied there from its read buffer. Others ignore it.
   */
  decoder?: Decoder;
}

/**
 * A byte stream to one Redis server, implemented once per runtime.
 *
 * @example A transport that counts bytes written
 * ```ts
 * import type { Transport } from "@redwire/redis";
 *
 * function counting(inner: Transport): Transport & { written: number } {
 *   const t = {
 *     written: 0,
 *     readable: inner.readable,
 *     write: (bytes: Uint8Array) => { t.written += bytes.length; return inner.write(bytes); },
 *     close: () => inner.close(),
 *   };
 *   return t;
 * }
 * ```
 */
export interface Transport {
  /**
   * Chunks as they arrive; iteration ends when the server closes, throws
   * ConnectionError on a reset. A chunk is valid until the next one is asked
   * for: a transport may read into the same buffer again, so a consumer copies
   * the bytes it keeps.
   */
  readonly readable: AsyncIterable<Uint8Array>;
  /**
   * Hands bytes to the runtime; resolves once they are accepted, when the
   * caller may reuse their memory (a connection encodes its next big value
   * into the same buffer). Rejects with ConnectionError.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the stream; calling it twice is harmless. */
  close(): void;
}

/**
 * Opens transports; the `transport` option takes one of these.
 *
 * @example
 * ```ts
 * import type { TransportFactory } from "@redwire/redis";
 *
 * const factory: TransportFactory = async (options) => {
 *   throw new Error(`no network to ${options.host}`);
 * };
 * ```
 */
export type TransportFactory = ((options: OpenOptions) => Promise<Transport>) & {
  /**
   * What connections opened by this factory name in their messages instead
   * of `host:port`, such as `bridge wss://bridge.example.com/redis` (never a
   * credential). @default `host:port` of the connection options
   */
  readonly address?: string;
};
