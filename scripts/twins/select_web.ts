/**
 * The npm build's twin of `src/transport/select.ts` for the `browser`,
 * `worker` and `edge-light` conditions, whose adapter table has no socket
 * adapter: the default transport fails every connection with the original's
 * ConnectionError (the same text, from `_no_socket.ts`, naming
 * `webSocketTransport`), without the adapter loading machinery, and the
 * async-local storage is the runtime's global one (the Vercel Edge Runtime),
 * as in the original. `transportFor` (used by tests only) is left out.
 *
 * @module
 */

import type { TransportFactory } from "./transport.ts";
import { ADAPTERS } from "./_adapters.ts";
import type { AsyncContext } from "./adapter.ts";
import type { LargeTextDecoder } from "./large_text.ts";
import { noSocketApi } from "./_no_socket.ts";
import { RUNTIME } from "./runtime.ts";

/** No socket API in this build: pass `webSocketTransport()`. */
export const defaultTransport: TransportFactory = (options) =>
  Promise.reject(noSocketApi(RUNTIME, RUNTIME !== "web", options));

const AsyncLocalStorage = ADAPTERS.asyncLocalStorage?.();

/** A store from the runtime's global `AsyncLocalStorage`, or `undefined` without one. */
export function createAsyncContext<T>(): AsyncContext<T> | undefined {
  return AsyncLocalStorage === undefined ? undefined : new AsyncLocalStorage<T>();
}

/** None: `TextDecoder` is the fastest these runtimes have (the web adapter table lists none). */
export const largeTextDecoder: LargeTextDecoder | undefined = undefined;
