/**
 * An edge app (Cloudflare Worker, Deno Deploy) that counts page views in
 * Redis through a redwire bridge. The handler is written as such apps are:
 * a module whose default export has `fetch(request, env)`, using only
 * web-standard APIs (Request, Response, URL, WebSocket) and redwire.
 *
 * Deploy it with two settings: `REDIS_BRIDGE_URL` (the bridge's `wss://`
 * address) and `REDIS_BRIDGE_TOKEN` (its token, kept as a secret).
 *
 * Run as a script, it plays the whole setup locally: starts a redis-server
 * (unless `REDIS_URL` is set) and a bridge, serves the handler with
 * `Deno.serve`, makes one request, prints the answer and shuts all down.
 *
 * Run: `deno task example:edge_worker` (Deno notices the `fetch` export and
 * hints at `deno serve`; this script serves the app itself).
 *
 * @module
 */
import { Redis, webSocketTransport } from "@redwire/redis";

/** The app's settings, as the edge platform hands them to `fetch`. */
export interface Env {
  /** The bridge's URL, such as `wss://redis-bridge.example.com/redis`. */
  REDIS_BRIDGE_URL: string;
  /** The bridge's shared secret. */
  REDIS_BRIDGE_TOKEN: string;
}

/** The edge app: `GET /any/path` counts a view of that path and answers JSON. */
const app: { fetch(request: Request, env: Env): Promise<Response> } = {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    // One client per request: edge runtimes do not share sockets between
    // requests. Its WebSocket closes when the client is disposed.
    await using redis = new Redis({
      transport: webSocketTransport(env.REDIS_BRIDGE_URL, { token: env.REDIS_BRIDGE_TOKEN }),
      maxConnections: 1,
    });
    const [views] = await redis.pipeline()
      .incr(`views:${pathname}`)
      .expire(`views:${pathname}`, 86_400)
      .exec();
    return Response.json({ path: pathname, views });
  },
};

export default app;

/** Plays the platform locally: Redis, a bridge, the app, and one request. */
async function main(): Promise<void> {
  // Loaded here so a deployed bundle of the app never includes the server.
  const { serveBridge } = await import("@redwire/redis/bridge");
  const { exampleServer } = await import("./_server.ts");
  const { parseRedisUrl } = await import("@redwire/redis");
  const redisServer = await exampleServer();
  const { host = "localhost", port = 6379 } = parseRedisUrl(redisServer.url);
  try {
    const token = crypto.randomUUID();
    await using bridge = await serveBridge({
      port: 0,
      target: { host, port },
      token,
    });
    const env: Env = {
      REDIS_BRIDGE_URL: `ws://127.0.0.1:${bridge.port}/redis`,
      REDIS_BRIDGE_TOKEN: token,
    };
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => app.fetch(request, env),
    );
    try {
      const response = await fetch(`http://127.0.0.1:${server.addr.port}/hello`);
      console.log(`GET /hello -> ${response.status} ${await response.text()}`);
    } finally {
      await server.shutdown();
    }
  } finally {
    await redisServer.stop();
  }
}

if (import.meta.main) await main();
