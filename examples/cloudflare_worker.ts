/**
 * `deno task example:cloudflare_worker`: a Cloudflare Worker that talks to
 * Redis over `cloudflare:sockets` (no bridge, no `nodejs_compat`), with one
 * client per request, as Workers require.
 *
 * Run as a task it starts a throwaway redis-server (or uses REDIS_URL),
 * bundles this file with esbuild, runs it in a local workerd (miniflare,
 * pinned in tests/runtimes/package-lock.json, installed there on first use),
 * sends the worker three requests, prints the answers and stops.
 *
 * Deploy it with wrangler as it is: `REDIS_URL` is a secret binding.
 */
import { Redis } from "@redwire/redis";

/** The worker's bindings. */
export interface Env {
  /** `redis://` or `rediss://` URL of the server. */
  REDIS_URL: string;
}

export default {
  /** Counts visits per path; the client lives and dies with the request. */
  async fetch(request: Request, env: Env): Promise<Response> {
    const redis = new Redis(env.REDIS_URL);
    try {
      const key = `example:cloudflare_worker:visits:${new URL(request.url).pathname}`;
      const [visits] = await redis.pipeline().incr(key).expire(key, 60).exec();
      return Response.json({ path: new URL(request.url).pathname, visits });
    } finally {
      await redis.close();
    }
  },
};

async function main(): Promise<void> {
  const { exampleServer } = await import("./_server.ts");
  const { runInNode } = await import("./_node_tools.ts");
  const server = await exampleServer();
  try {
    await runInNode("examples/_workerd.mjs", [new URL(import.meta.url).pathname, server.url]);
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
