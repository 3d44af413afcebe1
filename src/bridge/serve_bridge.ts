/**
 * `serveBridge`: the WebSocket-to-Redis bridge server.
 *
 * @module
 */

import { Gate, type Listen, type Listener } from "./_gate.ts";
import { type BridgeOptions, resolveBridgeOptions } from "./options.ts";
import { listenOnRuntime } from "./select.ts";

/**
 * A running bridge, from {@linkcode serveBridge}.
 *
 * @example
 * ```ts
 * import { serveBridge } from "@redwire/redis/bridge";
 *
 * const bridge = await serveBridge({ port: 0, target: { port: 6379 }, token: "s3cret" });
 * console.log(`ws://${bridge.hostname}:${bridge.port}/`, bridge.connections);
 * await bridge.close();
 * ```
 */
export interface BridgeServer {
  /** The port it listens on (the chosen one when started with port 0). */
  readonly port: number;
  /** The address it listens on. */
  readonly hostname: string;
  /** WebSockets open or being opened, each with its own Redis connection. */
  readonly connections: number;
  /** Stops listening and closes every WebSocket (code 1001) and its Redis connection; twice is harmless. */
  close(): Promise<void>;
  /** Closes; `await using bridge = await serveBridge(...)` calls this. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves a WebSocket bridge to one Redis server, for clients that cannot
 * open TCP sockets (browsers, Cloudflare Workers, Deno Deploy) and use
 * `webSocketTransport`. Runs on Deno (`Deno.serve`) and on Node
 * (`node:http` and the `ws` package).
 *
 * Every accepted WebSocket gets its own connection to `target`, and binary
 * frames carry the raw RESP bytes both ways. It is never an open proxy:
 * clients cannot choose the target. An upgrade is answered 401 unless it
 * carries the token (see `webSocketTransport`; compared in constant time) or
 * `authenticate` accepts it, and 503 past `maxConnections`, both before any
 * byte reaches Redis; 502 when Redis cannot be reached. Closing either side
 * closes the other, so does `idleTimeout` without traffic, and each
 * direction stops reading while the other side is `1 MiB` behind. The
 * token never appears in logs or errors.
 *
 * Serve plain `ws://` on loopback only: elsewhere put a TLS-terminating
 * proxy in front, so tokens and data travel over `wss://`. Clients still
 * authenticate to Redis itself (`password`), so Redis ACLs apply.
 *
 * @param options Port, target, token or authenticate, cap, timeouts, signal, logger.
 * @returns The running bridge.
 * @throws {TypeError} If the target, or the token / authenticate choice, is missing or malformed.
 * @throws {RangeError} If a number is out of range.
 * @throws {ConnectionError} If the address cannot be listened on.
 * @throws {RedisError} On Node, if the `ws` package cannot be loaded.
 *
 * @example Usage
 * ```ts
 * import { serveBridge } from "@redwire/redis/bridge";
 *
 * await using bridge = await serveBridge({
 *   port: 8080,
 *   target: { host: "127.0.0.1", port: 6379 },
 *   token: Deno.env.get("BRIDGE_TOKEN")!,
 *   maxConnections: 200,
 *   logger: console,
 * });
 * ```
 */
export function serveBridge(options: BridgeOptions): Promise<BridgeServer> {
  return startBridge(options, listenOnRuntime);
}

/**
 * {@linkcode serveBridge} with a chosen runtime adapter (tests run the Node
 * adapter on Deno with it).
 *
 * @param options As for `serveBridge`.
 * @param listen The runtime adapter.
 * @returns The running bridge.
 * @throws As {@linkcode serveBridge} does.
 *
 * @example Serving the Node adapter on Deno, with ws from npm
 * ```ts
 * import { listenOnNode } from "./node.ts";
 * import { startBridge } from "./serve_bridge.ts";
 *
 * const specifier = "npm:ws@8";
 * const bridge = await startBridge(
 *   { port: 0, target: { port: 6379 }, token: "s3cret" },
 *   (gate, address) => listenOnNode(gate, address, () => import(specifier)),
 * );
 * await bridge.close();
 * ```
 */
export async function startBridge(options: BridgeOptions, listen: Listen): Promise<BridgeServer> {
  const resolved = resolveBridgeOptions(options);
  resolved.signal?.throwIfAborted();
  const gate = await Gate.create(resolved);
  const listener = await listen(gate, { port: resolved.port, hostname: resolved.hostname });
  const bridge = new Bridge(gate, listener);
  resolved.signal?.addEventListener("abort", () => void bridge.close(), { once: true });
  return bridge;
}

class Bridge implements BridgeServer {
  readonly port: number;
  readonly hostname: string;
  #gate: Gate;
  #listener: Listener;
  #closed: Promise<void> | undefined;

  constructor(gate: Gate, listener: Listener) {
    this.#gate = gate;
    this.#listener = listener;
    this.port = listener.port;
    this.hostname = listener.hostname;
  }

  get connections(): number {
    return this.#gate.connections;
  }

  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#gate.closeAll();
      this.#closed = this.#listener.close();
    }
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  toString(): string {
    return `BridgeServer(${this.hostname}:${this.port}, ${this.connections} connections)`;
  }
}
