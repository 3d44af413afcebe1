/**
 * Picks the transport adapter for the running runtime, and offers the
 * runtime's async-local storage to the layers above.
 *
 * @module
 */

import type { OpenOptions, Transport, TransportFactory } from "./transport.ts";

type DenoAdapter = typeof import("./deno.ts");
type NodeAdapter = typeof import("./node.ts");

const IS_DENO = typeof (globalThis as { Deno?: unknown }).Deno === "object";

// The running runtime's adapter starts loading with this module, never
// inside a caller's async context: on Deno 2 a dynamic import() started inside
// an AsyncLocalStorage run leaks that store into later callbacks. Deno also
// needs the Node adapter for TLS cases its own API lacks, so it loads on first use.
let denoAdapter: Promise<DenoAdapter> | undefined = IS_DENO ? import("./deno.ts") : undefined;
let nodeAdapter: Promise<NodeAdapter> | undefined = IS_DENO ? undefined : import("./node.ts");

async function openDefaultTransport(options: OpenOptions): Promise<Transport> {
  if (IS_DENO) {
    const deno = await (denoAdapter ??= import("./deno.ts"));
    if (deno.canOpenWithDeno(options)) return deno.openDenoTransport(options);
  }
  // Deno's own socket API cannot skip certificate verification or send a
  // client certificate without Nagle delays; its node:tls layer can.
  const node = await (nodeAdapter ??= import("./node.ts"));
  return node.openNodeTransport(options);
}

/**
 * The transport used when none is configured: the Deno socket API on Deno,
 * `node:net` / `node:tls` elsewhere. On Deno, TLS that Deno's socket API
 * cannot do well (`rejectUnauthorized: false`, a client certificate, TLS over
 * a Unix socket) goes through Deno's `node:tls` layer instead.
 *
 * @param options Where and how to connect.
 * @returns An open transport.
 * @throws {ConnectionError} If the connection or the TLS handshake fails.
 * @throws `options.signal.reason` if the signal aborts the attempt.
 *
 * @example Wrapping the default transport
 * ```ts
 * import { defaultTransport, type TransportFactory } from "./mod.ts";
 *
 * const logged: TransportFactory = (options) => {
 *   console.log(`connecting to ${options.host}:${options.port}`);
 *   return defaultTransport(options);
 * };
 * ```
 */
export const defaultTransport: TransportFactory = openDefaultTransport;

/**
 * Async-local storage: a value that follows a call through every `await`
 * and callback started inside {@linkcode AsyncContext.run}.
 *
 * @example
 * ```ts
 * import { type AsyncContext, createAsyncContext } from "./mod.ts";
 *
 * const context: AsyncContext<string> | undefined = createAsyncContext<string>();
 * context?.run("job-1", async () => {
 *   await Promise.resolve();
 *   console.log(context.getStore()); // "job-1"
 * });
 * ```
 */
export interface AsyncContext<T> {
  /** Runs `fn` with `value` as the store of every async step it starts. */
  run<R>(value: T, fn: () => R): R;
  /** The store of the running `run` call, or `undefined` outside one. */
  getStore(): T | undefined;
}

interface AsyncHooks {
  AsyncLocalStorage: new <T>() => AsyncContext<T>;
}

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

const asyncHooks: AsyncHooks | undefined = await loadAsyncHooks();

async function loadAsyncHooks(): Promise<AsyncHooks | undefined> {
  // getBuiltinModule (Deno 2, Node 20.16+) loads synchronously; the dynamic
  // import covers older Node and edge runtimes with a node:async_hooks shim.
  const process = (globalThis as { process?: ProcessWithBuiltins }).process;
  const builtin = process?.getBuiltinModule?.("node:async_hooks") as AsyncHooks | undefined;
  if (builtin?.AsyncLocalStorage !== undefined) return builtin;
  try {
    return await import("node:async_hooks");
  } catch {
    return undefined;
  }
}

/**
 * Creates an async-local store from the runtime's `AsyncLocalStorage`
 * (`node:async_hooks`, present on Deno 2, Node and edge runtimes with Node
 * compatibility). The connection context of `registry/` is built on it.
 *
 * @returns A new context, or `undefined` where the runtime has no
 * async-local storage.
 *
 * @example Usage
 * ```ts
 * import { createAsyncContext } from "./mod.ts";
 *
 * const context = createAsyncContext<number>();
 * if (context !== undefined) {
 *   context.run(42, () => console.log(context.getStore())); // 42
 *   console.log(context.getStore()); // undefined
 * }
 * ```
 */
export function createAsyncContext<T>(): AsyncContext<T> | undefined {
  return asyncHooks === undefined ? undefined : new asyncHooks.AsyncLocalStorage<T>();
}
