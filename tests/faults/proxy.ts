/**
 * A small in-test TCP fault proxy between a client and a real redis-server:
 * pass, delay, blackhole, cut after forwarding a given command, cut after k
 * replies, and RST. Runs on Deno and Node (node:net).
 *
 * @module
 */
import net from "node:net";
import { Decoder } from "../../src/protocol/mod.ts";

/** What the proxy does to the connections it accepts from now on (and to open ones). */
export type FaultMode =
  | { kind: "pass" }
  | { kind: "delay"; ms: number }
  | { kind: "blackhole" }
  | { kind: "cutAfterCommand"; command: string; then?: FaultMode }
  | { kind: "cutAfterReplies"; replies: number }
  | { kind: "reset" };

/** A running proxy. */
export interface FaultProxy {
  /** The port clients connect to. */
  readonly port: number;
  /** Connections accepted so far (each a client's connect attempt). */
  readonly accepted: number;
  /** When each connection was accepted (ms since the epoch). */
  readonly acceptedAt: readonly number[];
  /** Changes the fault. */
  set(mode: FaultMode): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

const LF = 10;

/**
 * Starts a proxy on a free loopback port in front of `target`.
 *
 * @param target The server's port on 127.0.0.1.
 * @param mode The first fault. @default pass
 * @returns The proxy.
 */
export async function startProxy(
  target: number,
  mode: FaultMode = { kind: "pass" },
): Promise<FaultProxy> {
  let current = mode;
  const acceptedAt: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    acceptedAt.push(Date.now());
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (current.kind === "reset") return reset(client);
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Uint8Array) => forwardCommands(chunk));
    const decoder = new Decoder({ decodeResponses: false });
    let replies = 0;
    // Set once a cut is decided: nothing more goes either way.
    let cutting = false;
    upstream.on("data", (chunk: Uint8Array) => forwardReplies(chunk));

    function forwardCommands(chunk: Uint8Array): void {
      const fault = current;
      if (fault.kind === "blackhole" || cutting) return;
      if (fault.kind === "reset") return reset(client, upstream);
      if (fault.kind === "delay") {
        setTimeout(() => upstream.writable && upstream.write(chunk), fault.ms);
        return;
      }
      if (fault.kind === "cutAfterCommand") {
        const at = commandEnd(chunk, fault.command);
        if (at >= 0) {
          // Forward up to the end of that command, then cut before its reply.
          cutting = true;
          if (fault.then !== undefined) current = fault.then;
          upstream.write(chunk.subarray(0, at), () => setTimeout(cut, 20));
          return;
        }
      }
      upstream.write(chunk);
    }

    function forwardReplies(chunk: Uint8Array): void {
      const fault = current;
      if (fault.kind === "blackhole" || cutting) return;
      if (fault.kind === "delay") {
        setTimeout(() => client.writable && client.write(chunk), fault.ms);
        return;
      }
      if (fault.kind !== "cutAfterReplies") return void client.write(chunk);
      // Forward whole replies until the k-th, then cut.
      let end = 0;
      for (let i = 0; i < chunk.length && replies < fault.replies; i++) {
        decoder.feed(chunk.subarray(i, i + 1), () => replies++);
        end = i + 1;
      }
      client.write(chunk.subarray(0, end));
      if (replies >= fault.replies) {
        cutting = true;
        client.end(() => cut());
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get accepted() {
      return acceptedAt.length;
    },
    acceptedAt,
    set(mode: FaultMode) {
      current = mode;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where the first `command` (a RESP array whose first bulk is that name) ends in `chunk`, or -1. */
function commandEnd(chunk: Uint8Array, command: string): number {
  const text = new TextDecoder("latin1").decode(chunk);
  const name = `\r\n$${command.length}\r\n${command}\r\n`;
  const at = text.toUpperCase().indexOf(name.toUpperCase());
  if (at < 0) return -1;
  // The array header before it says how many arguments follow.
  const header = text.lastIndexOf("*", at);
  const count = Number(text.slice(header + 1, at));
  let pos = at + 2;
  for (let arg = 0; arg < count; arg++) {
    const lf = chunk.indexOf(LF, pos);
    const length = Number(text.slice(pos + 1, lf - 1));
    pos = lf + 1 + length + 2;
  }
  return Math.min(pos, chunk.length);
}

function reset(...sockets: net.Socket[]): void {
  for (const socket of sockets) {
    const resettable = socket as net.Socket & { resetAndDestroy?: () => void };
    if (typeof resettable.resetAndDestroy === "function") resettable.resetAndDestroy();
    else socket.destroy();
  }
}
