/**
 * The socket adapters this build can load, each on first use, and where it
 * finds async-local storage. The npm build swaps this table per export
 * condition (scripts/twins/adapters_*.ts): the `browser` / `worker` /
 * `edge-light` build lists no socket adapter and names no `node:*` module,
 * the `workerd` build only `cloudflare:sockets`, the Node build only
 * `node:net`.
 *
 * @module
 */

import type { AdapterTable, AsyncLocalStorageClass } from "./adapter.ts";
import { builtinModule, RUNTIME } from "./runtime.ts";
import { nodeLargeTextDecoder } from "./large_text.ts";

/** Every adapter, for Deno and JSR: a bundler sees each `import()`, no runtime runs one it lacks. */
export const ADAPTERS: AdapterTable = {
  deno: async () => {
    const { canOpenWithDeno, openDenoTransport } = await import("./deno.ts");
    return { canOpen: canOpenWithDeno, open: openDenoTransport };
  },
  node: async () => ({ open: (await import("./node.ts")).openNodeTransport }),
  cloudflare: async () => ({ open: (await import("./cloudflare.ts")).openCloudflareTransport }),
  asyncLocalStorage: () =>
    builtinModule<{ AsyncLocalStorage: AsyncLocalStorageClass }>("node:async_hooks")
      ?.AsyncLocalStorage ??
      (globalThis as { AsyncLocalStorage?: AsyncLocalStorageClass }).AsyncLocalStorage,
  diagnosticsChannel: () => builtinModule("node:diagnostics_channel"),
  // Deno's TextDecoder makes big strings as fast as Node's Buffer does there.
  largeTextDecoder: () => RUNTIME === "deno" ? undefined : nodeLargeTextDecoder(),
};
