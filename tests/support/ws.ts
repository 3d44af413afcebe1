/**
 * WebSocket constructors for the edge tests, on Deno and on Node 20 (which
 * has no global WebSocket).
 *
 * @module
 */
import type { WebSocketConstructor } from "../../src/transport/mod.ts";

/** Whether the tests run on Deno. */
export const IS_DENO: boolean = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/**
 * The ws package: `npm:ws@8` on Deno, `ws` from node_modules on Node.
 *
 * @returns The module, with its WebSocket constructor.
 */
export async function loadWs(): Promise<{ WebSocket: WebSocketConstructor }> {
  const specifier = IS_DENO ? "npm:ws@8" : "ws";
  return await import(specifier);
}

/**
 * The runtime's WebSocket: the global one, or ws's on Node 20.
 *
 * @returns A WebSocket constructor.
 */
export async function runtimeWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  return global ?? (await loadWs()).WebSocket;
}
