/**
 * The npm build's twin of `src/transport/select.ts`: the same exports, for
 * Node only. `scripts/build_npm.mjs` compiles it in place of the original
 * (its imports are written as if it sat in `src/transport/`), so the Deno
 * adapter is never part of the package and nothing reads `Deno`. It has no
 * top-level await either, which the CommonJS build could not express.
 *
 * Keep its exports in step with the original: the build type-checks the
 * package's declarations, and the Node test run exercises both functions.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { OpenOptions, Transport, TransportFactory } from "./transport.ts";

type NodeAdapter = typeof import("./node.ts");

// Loaded on first use, as in the original: importing the package opens no
// `node:net` / `node:tls` until a connection uses the default transport.
let nodeAdapter: Promise<NodeAdapter> | undefined;

async function openDefaultTransport(options: OpenOptions): Promise<Transport> {
  const node = await (nodeAdapter ??= import("./node.ts"));
  return node.openNodeTransport(options);
}

/**
 * The transport used when none is configured: `node:net` / `node:tls`.
 *
 * @param options Where and how to connect.
 * @returns An open transport.
 * @throws {ConnectionError} If the connection or the TLS handshake fails.
 * @throws `options.signal.reason` if the signal aborts the attempt.
 *
 * @example Wrapping the default transport
 * ```ts
 * import { defaultTransport, type TransportFactory } from "redwire";
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
 */
export interface AsyncContext<T> {
  /** Runs `fn` with `value` as the store of every async step it starts. */
  run<R>(value: T, fn: () => R): R;
  /** The store of the running `run` call, or `undefined` outside one. */
  getStore(): T | undefined;
}

/**
 * Creates an async-local store from Node's `AsyncLocalStorage`.
 *
 * @returns A new context; on Node it is never `undefined`.
 */
export function createAsyncContext<T>(): AsyncContext<T> | undefined {
  return new AsyncLocalStorage<T>();
}
