/**
 * Picks the transport adapter for the running runtime, and offers the
 * runtime's async-local storage to the layers above. Nothing here loads a
 * socket module: each adapter loads on the first connection that needs it,
 * and there is no top-level await, so a bundle for any runtime loads.
 *
 * @module
 */

import type { OpenOptions, Transport, TransportFactory } from "./transport.ts";
import { ADAPTERS } from "./_adapters.ts";
import type { AdapterName, AdapterTable, SocketAdapter } from "./adapter.ts";
import type { AsyncContext } from "./adapter.ts";
import { RUNTIME, type RuntimeKind } from "./runtime.ts";
import { noSocketApi } from "./_no_socket.ts";
import type { LargeTextDecoder } from "./large_text.ts";

/**
 * The adapters each runtime tries, in order. Deno's own socket API cannot
 * skip certificate verification or send a client certificate without
 * Nagle delays; its `node:tls` layer can, so Deno falls back to it.
 */
const CHAINS: Record<RuntimeKind, AdapterName[]> = {
  deno: ["deno", "node"],
  node: ["node"],
  workerd: ["cloudflare"],
  web: [],
};

/**
 * Makes the default transport of a runtime from an adapter table; each
 * adapter loads once, on the first connection that needs it.
 *
 * @param runtime The runtime kind, which decides the adapters tried.
 * @param adapters The adapters this build has.
 * @returns A transport factory.
 */
export function transportFor(runtime: RuntimeKind, adapters: AdapterTable): TransportFactory {
  const loaded = new Map<AdapterName, Promise<SocketAdapter>>();
  const load = (name: AdapterName): Promise<SocketAdapter> | undefined => {
    const loader = adapters[name];
    if (loader === undefined) return undefined;
    let adapter = loaded.get(name);
    // On Deno 2 an import() started inside an AsyncLocalStorage run leaks
    // that run's store into callbacks the runtime enters later (the next
    // Deno.serve request): the first connection, often made inside
    // withConnection(), loads its adapter outside every async context.
    if (adapter === undefined) loaded.set(name, adapter = outsideAsyncContext(loader));
    return adapter;
  };
  return async (options: OpenOptions): Promise<Transport> => {
    for (const name of CHAINS[runtime]) {
      const pending = load(name);
      if (pending === undefined) continue;
      const adapter = await pending;
      if (adapter.canOpen === undefined || adapter.canOpen(options)) return adapter.open(options);
    }
    throw noSocketApi(runtime, CHAINS[runtime].length > 0, options);
  };
}

/**
 * The transport used when none is configured: the Deno socket API on Deno,
 * `node:net` / `node:tls` on Node and Bun, `cloudflare:sockets` on
 * Cloudflare Workers. On Deno, TLS that Deno's socket API cannot do well
 * (`rejectUnauthorized: false`, a client certificate, TLS over a Unix
 * socket) goes through Deno's `node:tls` layer instead. Browsers and other
 * runtimes without sockets have none: pass `webSocketTransport()`.
 *
 * @param options Where and how to connect.
 * @returns An open transport.
 * @throws {ConnectionError} If the connection or the TLS handshake fails,
 * or the runtime has no socket API (the message names `webSocketTransport`).
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
export const defaultTransport: TransportFactory = transportFor(RUNTIME, ADAPTERS);

// Looked up through the build's adapter table, not imported: runtimes
// without node:async_hooks (browsers, Vercel Edge, workerd without
// nodejs_compat) load this module all the same.
const AsyncLocalStorage = ADAPTERS.asyncLocalStorage?.();

/** Runs a function in the empty async context this module was loaded in. */
const outsideAsyncContext: <R>(fn: () => R) => R = AsyncLocalStorage?.snapshot?.() ??
  ((fn) => fn());

/**
 * Creates an async-local store from the runtime's `AsyncLocalStorage`
 * (`node:async_hooks` on Deno 2, Node 20.16+, Bun, and workerd with
 * `nodejs_compat`). The connection context of `registry/` is built on it.
 *
 * @returns A new context, or `undefined` where the runtime has no
 * async-local storage (browsers, Vercel Edge, workerd without `nodejs_compat`).
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
  return AsyncLocalStorage === undefined ? undefined : new AsyncLocalStorage<T>();
}

/**
 * The runtime's decoder for big text payloads, where one beats
 * `TextDecoder` (Node; see large_text.ts); `undefined` elsewhere.
 */
export const largeTextDecoder: LargeTextDecoder | undefined = ADAPTERS.largeTextDecoder?.();
