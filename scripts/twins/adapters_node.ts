/**
 * The npm build's twin of `src/transport/_adapters.ts` for the `node`, `bun`
 * and `deno` conditions: `node:net` / `node:tls` (Deno runs them too) and
 * `node:async_hooks`, both looked up on demand, and Node's decoder of big text.
 *
 * @module
 */

import type { AdapterTable, AsyncLocalStorageClass } from "./adapter.ts";
import { builtinModule } from "./runtime.ts";
import { nodeLargeTextDecoder } from "./large_text.ts";

/** Node's sockets, loaded on the first connection, and its AsyncLocalStorage. */
export const ADAPTERS: AdapterTable = {
  node: async () => ({ open: (await import("./node.ts")).openNodeTransport }),
  asyncLocalStorage: () =>
    builtinModule<{ AsyncLocalStorage: AsyncLocalStorageClass }>("node:async_hooks")
      ?.AsyncLocalStorage,
  diagnosticsChannel: () => builtinModule("node:diagnostics_channel"),
  largeTextDecoder: nodeLargeTextDecoder,
};
