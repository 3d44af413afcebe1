/**
 * The npm build's twin of `src/sentinel/mod.ts` for the `browser`, `worker`
 * and `edge-light` conditions (not `workerd`, where Sentinel works over
 * cloudflare:sockets). These runtimes reach Redis through a WebSocket bridge
 * (`serveBridge`), which reaches one server, so they cannot ask sentinels
 * nor follow a failover: every export keeps its name (the same import
 * compiles and bundles everywhere; the types come from the original), and
 * using one (`new Sentinel()`, `SentinelConnectionPool`, a
 * `redis+sentinel://` URL) throws a TypeError that says so. Saves the
 * Sentinel code (16 KiB minified) in browser bundles.
 *
 * @module
 */

import { notInBrowserBuild } from "../_browser_build.ts";

function serverOnly(what: string): TypeError {
  return notInBrowserBuild(
    what,
    "the sentinels",
    "Connect through Sentinel from a server runtime (Node, Deno, Bun, Cloudflare Workers), " +
      "or point the bridge at the master.",
  );
}

/** Asks sentinels where a master is: not in this build (see the module doc). */
export class SentinelDiscovery {
  constructor() {
    throw serverOnly("Sentinel");
  }
  /** Not in this build. */
  static fromConfig(): never {
    throw serverOnly("Sentinel");
  }
  /** Not in this build. */
  static fromUrl(): never {
    throw serverOnly("Sentinel (redis+sentinel:// URLs)");
  }
}

/** A pool that follows a master: not in this build (see the module doc). */
export class SentinelConnectionPool {
  constructor() {
    throw serverOnly("SentinelConnectionPool");
  }
}

/** Parses a `redis+sentinel://` URL: not in this build (see the module doc). */
export function parseSentinelUrl(): never {
  throw serverOnly("Sentinel (redis+sentinel:// URLs)");
}

/**
 * The client options of a `redis+sentinel://` URL: `undefined` for any other
 * URL (so `new Redis("redis://...")` works); a Sentinel URL throws.
 */
export function sentinelClientOptions(url: string): undefined {
  if (/^rediss?\+sentinel:/i.test(url)) {
    throw serverOnly("Sentinel (redis+sentinel:// URLs)");
  }
  return undefined;
}
