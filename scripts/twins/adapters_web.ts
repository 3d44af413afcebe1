/**
 * The npm build's twin of `src/transport/_adapters.ts` for the `browser`,
 * `worker`, `edge-light` and plain `import` / `require` conditions: no
 * socket adapter and no `node:*` name, so a bundle for these runtimes holds
 * none. The first command without a `transport` option fails with a
 * ConnectionError naming `webSocketTransport`. AsyncLocalStorage is used
 * where the runtime offers it as a global (the Vercel Edge Runtime).
 *
 * @module
 */

import type { AdapterTable, AsyncLocalStorageClass } from "./adapter.ts";

/** No sockets: these runtimes reach Redis through the WebSocket bridge. */
export const ADAPTERS: AdapterTable = {
  asyncLocalStorage: () =>
    (globalThis as { AsyncLocalStorage?: AsyncLocalStorageClass }).AsyncLocalStorage,
};
