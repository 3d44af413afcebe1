/**
 * The npm build's twin of `src/cluster/mod.ts` for the `browser`, `worker`
 * and `edge-light` conditions (not `workerd`, where a cluster works over
 * cloudflare:sockets). These runtimes reach Redis through a WebSocket bridge
 * (`serveBridge`), which reaches one server, so a cluster client cannot
 * work there: every export keeps its name (the same import compiles and
 * bundles everywhere; the types come from the original), and using one
 * throws a TypeError that says so. `keySlot` is pure and stays. Saves the
 * cluster code (25 KiB minified) in browser bundles.
 *
 * @module
 */

import { notInBrowserBuild } from "../_browser_build.ts";

export { keySlot } from "./key_slot.ts";

function serverOnly(what: string): TypeError {
  return notInBrowserBuild(
    what,
    "a cluster",
    "Connect to the cluster from a server runtime (Node, Deno, Bun, Cloudflare Workers) " +
      "and let the browser talk to that.",
  );
}

/** A cluster client: not in this build (see the module doc). */
export class RedisCluster {
  constructor() {
    throw serverOnly("RedisCluster");
  }
}

/** A cluster pipeline: not in this build (see the module doc). */
export class ClusterPipeline {
  constructor() {
    throw serverOnly("ClusterPipeline");
  }
}

/** A cluster transaction: not in this build (see the module doc). */
export class ClusterMulti {
  constructor() {
    throw serverOnly("ClusterMulti");
  }
}

/** Parses a `redis+cluster://` URL: not in this build (see the module doc). */
export function parseClusterUrl(): never {
  throw serverOnly("RedisCluster (redis+cluster:// URLs)");
}
