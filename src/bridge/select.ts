/**
 * Picks the bridge's runtime adapter: Deno's HTTP server on Deno,
 * `node:http` with the `ws` package elsewhere.
 *
 * @module
 */

import { IS_DENO } from "../transport/runtime.ts";
import type { Gate, Listener } from "./_gate.ts";

/**
 * Listens with the running runtime's HTTP server. Each adapter is loaded on
 * first use, so a runtime never evaluates the other's.
 *
 * @param gate Decides about each upgrade and relays the accepted ones.
 * @param address Where to listen.
 * @returns The listening server.
 * @throws {ConnectionError} If the address cannot be listened on.
 *
 * @example
 * ```ts
 * import { Gate } from "./_gate.ts";
 * import { resolveBridgeOptions } from "./options.ts";
 * import { listenOnRuntime } from "./select.ts";
 *
 * const options = resolveBridgeOptions({ port: 0, target: { port: 6379 }, token: "s3cret" });
 * const listener = await listenOnRuntime(await Gate.create(options), options);
 * await listener.close();
 * ```
 */
export async function listenOnRuntime(
  gate: Gate,
  address: { port: number; hostname: string },
): Promise<Listener> {
  if (IS_DENO) return (await import("./deno.ts")).listenOnDeno(gate, address);
  return (await import("./node.ts")).listenOnNode(gate, address);
}
