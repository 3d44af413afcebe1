/**
 * The bridge on Deno: `Deno.serve` and `Deno.upgradeWebSocket`.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { Gate, Listener } from "./_gate.ts";

/**
 * Listens with `Deno.serve` and upgrades the requests the gate admits.
 *
 * @param gate Decides about each upgrade and relays the accepted ones.
 * @param address Where to listen.
 * @returns The listening server.
 * @throws {ConnectionError} If the address cannot be listened on.
 *
 * @example
 * ```ts
 * import { Gate } from "./_gate.ts";
 * import { listenOnDeno } from "./deno.ts";
 * import { resolveBridgeOptions } from "./options.ts";
 *
 * const options = resolveBridgeOptions({ port: 0, target: { port: 6379 }, token: "s3cret" });
 * const listener = await listenOnDeno(await Gate.create(options), options);
 * await listener.close();
 * ```
 */
export function listenOnDeno(
  gate: Gate,
  address: { port: number; hostname: string },
): Promise<Listener> {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      port: address.port,
      hostname: address.hostname,
      onListen: () => {},
      onError: () => new Response("Internal Server Error", { status: 500 }),
    }, (request, info) => handle(gate, request, info.remoteAddr));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = `${address.hostname}:${address.port}`;
    return Promise.reject(
      new ConnectionError(`Cannot listen on ${where}: ${message}`, { cause: error }),
    );
  }
  return Promise.resolve({
    port: server.addr.port,
    hostname: server.addr.hostname,
    close: () => server.shutdown(),
  });
}

async function handle(gate: Gate, request: Request, remote: Deno.NetAddr): Promise<Response> {
  const protocols = request.headers.get("sec-websocket-protocol");
  if (protocols !== null && /,(?! )/.test(protocols)) {
    // Deno.upgradeWebSocket splits the list on ", " only (ws < 8.11 sends "a,b").
    return text(400, 'Bad Request: separate subprotocols with ", " (upgrade the ws package)');
  }
  // Not request.signal: Deno aborts it after every response, the 101 too;
  // the connect timeout bounds the Redis connect instead.
  const verdict = await gate.admit(request, `${remote.hostname}:${remote.port}`);
  if (!verdict.ok) return text(verdict.status, verdict.body);
  let upgraded: { socket: WebSocket; response: Response };
  try {
    upgraded = Deno.upgradeWebSocket(request, { protocol: verdict.protocol });
  } catch {
    verdict.abandon();
    return text(400, "Bad Request: not a WebSocket handshake");
  }
  verdict.attach(upgraded.socket);
  return upgraded.response;
}

function text(status: number, body: string): Response {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (status === 426) headers.upgrade = "websocket";
  return new Response(body, { status, headers });
}
