/**
 * The bridge on Node: `node:http` for the server and the `ws` package (a
 * dependency of the npm package) for WebSockets.
 *
 * @module
 */

import * as http from "node:http";
import type { Duplex } from "node:stream";
import { ConnectionError, RedisError } from "../errors.ts";
import type { Admission, Gate, Listener } from "./_gate.ts";
import { BRIDGE_PROTOCOL } from "./_protocol.ts";
import type { RelaySocket } from "./_relay.ts";

/** A WebSocket accepted by `ws`: the standard API plus flow control. */
interface WsClient extends RelaySocket {
  pause(): void;
  resume(): void;
  terminate(): void;
}

/** The part of `ws`'s `WebSocketServer` the adapter uses. */
interface WsServer {
  handleUpgrade(
    request: http.IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    accepted: (client: WsClient) => void,
  ): void;
  close(): void;
}

interface WsServerOptions {
  noServer: true;
  perMessageDeflate: false;
  maxPayload: number;
  handleProtocols: (protocols: Set<string>) => string | false;
}

type WsServerClass = new (options: WsServerOptions) => WsServer;

/**
 * Loads the `ws` module; tests on Deno pass `() => import("npm:ws@8")`.
 *
 * @example
 * ```ts
 * import type { LoadWs } from "./node.ts";
 *
 * const specifier = "ws";
 * const loadWs: LoadWs = () => import(specifier);
 * ```
 */
export type LoadWs = () => Promise<unknown>;

/** Kept in a variable so Deno's type check and the npm build leave it to the runtime. */
const WS_MODULE = "ws";
/** Largest message a client may send; RESP's own bulk limit is 512 MiB. */
const MAX_PAYLOAD = 512 * 1024 * 1024 + 64 * 1024;
/** How long clients get to answer the closing handshake when the bridge closes. */
const CLOSE_GRACE_MS = 1000;

/**
 * Listens with `node:http` and upgrades the requests the gate admits with
 * the `ws` package.
 *
 * @param gate Decides about each upgrade and relays the accepted ones.
 * @param address Where to listen.
 * @param loadWs Loads `ws`. @default `import("ws")`
 * @returns The listening server.
 * @throws {RedisError} If the `ws` package cannot be loaded.
 * @throws {ConnectionError} If the address cannot be listened on.
 *
 * @example
 * ```ts
 * import { Gate } from "./_gate.ts";
 * import { listenOnNode } from "./node.ts";
 * import { resolveBridgeOptions } from "./options.ts";
 *
 * const options = resolveBridgeOptions({ port: 0, target: { port: 6379 }, token: "s3cret" });
 * const listener = await listenOnNode(await Gate.create(options), options);
 * await listener.close();
 * ```
 */
export async function listenOnNode(
  gate: Gate,
  address: { port: number; hostname: string },
  loadWs: LoadWs = () => import(WS_MODULE),
): Promise<Listener> {
  const WebSocketServer = await loadServerClass(loadWs);
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
    handleProtocols: (offered) => offered.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false,
  });
  const clients = new Set<WsClient>();
  const handshakes = new Set<Duplex>();
  const server = http.createServer((_request, response) => {
    response.writeHead(426, { "content-type": "text/plain; charset=utf-8", upgrade: "websocket" });
    response.end("Upgrade Required: this is a redwire WebSocket bridge");
  });
  server.on("clientError", (_error: Error, socket: Duplex) => socket.destroy());
  server.on("upgrade", (request: http.IncomingMessage, socket: Duplex, head: Uint8Array) => {
    handshakes.add(socket);
    socket.once("close", () => handshakes.delete(socket));
    void upgrade(gate, wss, { request, socket, head }).then((client) => {
      if (client === undefined) return;
      handshakes.delete(socket);
      clients.add(client);
      client.addEventListener("close", () => clients.delete(client));
    });
  });
  await listen(server, address);
  const bound = server.address() as { port: number; address: string };
  return {
    port: bound.port,
    hostname: bound.address,
    close: () => shutDown(server, wss, clients, handshakes),
  };
}

async function loadServerClass(loadWs: LoadWs): Promise<WsServerClass> {
  let loaded: unknown;
  try {
    loaded = await loadWs();
  } catch (error) {
    throw new RedisError("The bridge on Node needs the ws package (npm install ws)", {
      cause: error,
    });
  }
  const module = loaded as { WebSocketServer?: unknown; default?: { WebSocketServer?: unknown } };
  const found = module.WebSocketServer ?? module.default?.WebSocketServer;
  if (typeof found !== "function") {
    throw new RedisError("The ws package has no WebSocketServer (install ws version 8)");
  }
  return found as WsServerClass;
}

function listen(server: http.Server, address: { port: number; hostname: string }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      const where = `${address.hostname}:${address.port}`;
      reject(new ConnectionError(`Cannot listen on ${where}: ${error.message}`, { cause: error }));
    };
    server.once("error", onError);
    server.listen(address.port, address.hostname, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

interface Upgrade {
  request: http.IncomingMessage;
  socket: Duplex;
  head: Uint8Array;
}

async function upgrade(gate: Gate, wss: WsServer, upgrade: Upgrade): Promise<WsClient | undefined> {
  const { request, socket } = upgrade;
  socket.on("error", () => socket.destroy());
  const gone = new AbortController();
  socket.once("close", () => gone.abort(new Error("the client went away")));
  const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
  const standard = toRequest(request);
  const verdict = standard === undefined
    ? { ok: false as const, status: 400, body: "Bad Request: malformed headers" }
    : await gate.admit(standard, remote, gone.signal);
  if (!verdict.ok) {
    refuse(socket, verdict.status, verdict.body);
    return undefined;
  }
  return accept(wss, upgrade, verdict);
}

function accept(
  wss: WsServer,
  upgrade: Upgrade,
  admission: Admission,
): Promise<WsClient | undefined> {
  const { request, socket, head } = upgrade;
  // ws answers a handshake it rejects itself and never calls back: the
  // socket's close then gives the slot and the Redis connection back.
  socket.once("close", () => admission.abandon());
  if (socket.destroyed) {
    admission.abandon();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    wss.handleUpgrade(request, socket, head, (client) => {
      admission.attach(client);
      resolve(client);
    });
    socket.once("close", () => resolve(undefined));
  });
}

/** The upgrade as a standard Request, for `authenticate` (no body, no signal). */
function toRequest(request: http.IncomingMessage): Request | undefined {
  try {
    const headers = new Headers();
    const raw = request.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
    return new Request(url, { method: request.method, headers });
  } catch {
    return undefined;
  }
}

function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const text = new TextEncoder().encode(body);
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ""}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${text.byteLength}`,
    ...(status === 426 ? ["Upgrade: websocket"] : []),
  ].join("\r\n");
  socket.end(`${head}\r\n\r\n${body}`);
}

async function shutDown(
  server: http.Server,
  wss: WsServer,
  clients: Set<WsClient>,
  handshakes: Set<Duplex>,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  wss.close();
  for (const socket of handshakes) socket.destroy();
  // Relays have sent their close frames; clients that do not answer are cut off.
  const deadline = Date.now() + CLOSE_GRACE_MS;
  while (clients.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  for (const client of clients) client.terminate();
  server.closeAllConnections();
  await closed;
}
