/**
 * The npm build's twin of `src/transport/_adapters.ts` for the `workerd`
 * condition (Cloudflare Workers): `cloudflare:sockets` only. AsyncLocalStorage
 * exists there only with `nodejs_compat`, found through
 * `process.getBuiltinModule` (a lookup that fails quietly without it).
 *
 * @module
 */

import type { AdapterTable, AsyncLocalStorageClass } from "./adapter.ts";
import { builtinModule } from "./runtime.ts";

/** Cloudflare's sockets, loaded on the first connection. */
export const ADAPTERS: AdapterTable = {
  cloudflare: async () => ({ open: (await import("./cloudflare.ts")).openCloudflareTransport }),
  asyncLocalStorage: () =>
    builtinModule<{ AsyncLocalStorage: AsyncLocalStorageClass }>("node:async_hooks")
      ?.AsyncLocalStorage,
  diagnosticsChannel: () => builtinModule("node:diagnostics_channel"),
};
