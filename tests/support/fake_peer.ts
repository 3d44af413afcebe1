/**
 * A fake TCP server for what a real Redis never does: malformed frames,
 * stalls, resets. Runs on Deno and Node.
 *
 * @module
 */

import * as net from "node:net";

/** A listening fake peer started by {@linkcode startFakePeer}. */
export interface FakePeer {
  /** Always `"127.0.0.1"`. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** The connections it accepted and has not seen close. */
  readonly sockets: ReadonlySet<net.Socket>;
  /** Destroys every connection and stops listening; twice is harmless. */
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port and hands each accepted connection to
 * `onConnection`, which scripts the peer with {@linkcode reply},
 * {@linkcode replyOnData}, {@linkcode stall}, {@linkcode reset} or
 * {@linkcode resetOnData}.
 *
 * @param onConnection Called once per accepted connection.
 * @returns The listening peer; call `close()` in `after`.
 * @throws {Error} If listening fails.
 *
 * @example A server that answers every request with a malformed frame
 * ```ts
 * import { replyOnData, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer((socket) => replyOnData(socket, "?oops\r\n"));
 * console.log(peer.port);
 * await peer.close();
 * ```
 */
export function startFakePeer(onConnection: (socket: net.Socket) => void): Promise<FakePeer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A client that resets is expected here; it must not crash the test.
    socket.on("error", () => {});
    onConnection(socket);
  });
  let closing: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        host: "127.0.0.1",
        port,
        sockets,
        close: () =>
          closing ??= new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Sends bytes to the client now.
 *
 * @param socket The accepted connection.
 * @param bytes What to send; strings are sent as UTF-8.
 *
 * @example
 * ```ts
 * import { reply, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer((socket) => reply(socket, "+hello\r\n"));
 * await peer.close();
 * ```
 */
export function reply(socket: net.Socket, bytes: Uint8Array | string): void {
  socket.write(bytes);
}

/**
 * Answers each chunk the client sends with the same bytes.
 *
 * @param socket The accepted connection.
 * @param bytes What to send per received chunk; strings are sent as UTF-8.
 *
 * @example
 * ```ts
 * import { replyOnData, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer((socket) => replyOnData(socket, "+PONG\r\n"));
 * await peer.close();
 * ```
 */
export function replyOnData(socket: net.Socket, bytes: Uint8Array | string): void {
  socket.on("data", () => socket.write(bytes));
}

/**
 * Reads and discards whatever the client sends and never answers, so a
 * TCP connect succeeds while a TLS handshake or a reply waits forever.
 *
 * @param socket The accepted connection.
 *
 * @example
 * ```ts
 * import { stall, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer(stall);
 * await peer.close();
 * ```
 */
export function stall(socket: net.Socket): void {
  socket.on("data", () => {});
}

/**
 * Resets the connection now (TCP RST), as a crashed server or a middlebox
 * would; the client sees ECONNRESET rather than a clean end.
 *
 * @param socket The accepted connection.
 *
 * @example
 * ```ts
 * import { reset, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer((socket) => setTimeout(() => reset(socket), 10));
 * await peer.close();
 * ```
 */
export function reset(socket: net.Socket): void {
  socket.resetAndDestroy();
}

/**
 * Resets the connection when the client first sends something.
 *
 * @param socket The accepted connection.
 *
 * @example
 * ```ts
 * import { resetOnData, startFakePeer } from "./mod.ts";
 *
 * const peer = await startFakePeer(resetOnData);
 * await peer.close();
 * ```
 */
export function resetOnData(socket: net.Socket): void {
  socket.once("data", () => reset(socket));
}
