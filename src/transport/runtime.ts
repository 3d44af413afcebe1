/**
 * Which runtime this is, decided once, in one place: the transport
 * selection, the WebSocket adapter and the bridge all read it from here.
 * Nothing here loads a module; built-in modules are looked up on demand.
 *
 * @module
 */

/**
 * The runtimes redwire tells apart: each has its own default transport
 * (see DESIGN.md §10).
 *
 * - `deno`: `Deno.connect` / `Deno.connectTls`
 * - `node` (Node and Bun): `node:net` / `node:tls`
 * - `workerd` (Cloudflare Workers): `connect()` from `cloudflare:sockets`
 * - `web` (browsers, Vercel Edge, other workers): no socket API; the
 *   WebSocket bridge only
 */
export type RuntimeKind = "deno" | "node" | "workerd" | "web";

interface RuntimeGlobals {
  Deno?: { version?: unknown };
  Bun?: unknown;
  process?: { versions?: { node?: unknown }; getBuiltinModule?: (id: string) => unknown };
  navigator?: { userAgent?: unknown };
  EdgeRuntime?: unknown;
}

/**
 * Classifies a global object. Order matters: Deno and Bun also define
 * `process.versions.node`, and workerd with `nodejs_compat` does too.
 *
 * @param globals The global object to look at (`globalThis` in production).
 * @returns The runtime kind.
 */
export function detectRuntime(globals: object): RuntimeKind {
  const g = globals as RuntimeGlobals;
  if (typeof g.Deno === "object" && g.Deno !== null) return "deno";
  if (g.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (typeof g.EdgeRuntime === "string") return "web";
  if (g.Bun !== undefined) return "node";
  if (typeof g.process?.versions?.node === "string") return "node";
  return "web";
}

/** The running runtime, decided when this module loads. */
export const RUNTIME: RuntimeKind = detectRuntime(globalThis);

/** Whether this is Deno (its WebSocket client and TLS layer have quirks of their own). */
export const IS_DENO: boolean = RUNTIME === "deno";

/**
 * Looks up a Node built-in module synchronously, without an import
 * statement, through `process.getBuiltinModule` (Node 20.16+, Deno 2, Bun,
 * workerd with `nodejs_compat`). A synchronous lookup starts no dynamic
 * `import()`, which on Deno 2 would leak an enclosing AsyncLocalStorage
 * store into later callbacks.
 *
 * @param id The module's `node:` specifier.
 * @returns The module, or `undefined` where the runtime has no such lookup.
 */
export function builtinModule<T>(id: `node:${string}`): T | undefined {
  const process = (globalThis as RuntimeGlobals).process;
  try {
    return process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}
