/**
 * `deno task example:web_server`: a Deno.serve app whose request handlers
 * share one BlockingConnectionPool, with a /stats endpoint. Run as a task it
 * serves, sends itself 200 concurrent requests, prints /stats and stops.
 * Set KEEP_SERVING=1 to leave it running.
 */
import { BlockingConnectionPool, Redis } from "@redwire/redis";
import { exampleServer } from "./_server.ts";

const server = await exampleServer();
// One pool for the whole app: every request borrows from it, none opens its own socket.
const pool = BlockingConnectionPool.fromUrl(server.url, {
  maxConnections: 8,
  minIdle: 2,
  timeout: 2_000,
  healthCheckInterval: 30_000,
});
const redis = new Redis({ pool });

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/stats") return Response.json(pool.stats());
  if (url.pathname === "/hit") {
    const page = url.searchParams.get("page") ?? "home";
    const hits = await redis.hincrby("hits", page, 1);
    return Response.json({ page, hits });
  }
  return new Response("try /hit?page=home or /stats\n", { status: 404 });
}

const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
const base = `http://127.0.0.1:${http.addr.port}`;
console.log(`listening on ${base} (pool of ${pool.stats().maxConnections} to ${pool.address})`);

try {
  if (Deno.env.get("KEEP_SERVING")) await http.finished;
  const pages = ["home", "about", "blog", "shop"];
  const responses = await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) => fetch(`${base}/hit?page=${pages[i % pages.length]}`).then((r) => r.json()),
    ),
  );
  console.log("200 requests answered; last:", responses.at(-1));
  console.log("hits:", await redis.hgetall("hits"));
  console.log("/stats:", await (await fetch(`${base}/stats`)).json());
} finally {
  await http.shutdown();
  await redis.close();
  await pool.disconnect({ inUse: true });
  await server.stop();
}
