/**
 * The npm build's twin of `src/bridge/select.ts`: the same export, for Node
 * only. `scripts/build_npm.mjs` compiles it in place of the original (its
 * imports are written as if it sat in `src/bridge/`), so the bridge's Deno
 * adapter is never part of the package.
 *
 * @module
 */

import type { Gate, Listener } from "./_gate.ts";

/**
 * Listens with `node:http` and the `ws` package. The adapter is loaded on
 * first use, as in the original.
 *
 * @param gate Decides about each upgrade and relays the accepted ones.
 * @param address Where to listen.
 * @returns The listening server.
 * @throws {ConnectionError} If the address cannot be listened on.
 */
export async function listenOnRuntime(
  gate: Gate,
  address: { port: number; hostname: string },
): Promise<Listener> {
  return (await import("./node.ts")).listenOnNode(gate, address);
}
