/**
 * A WebSocket bridge and a client talking through it: what an edge runtime
 * or a browser does to reach Redis, run locally.
 *
 * Uses the Redis server at `REDIS_URL` when set; otherwise starts a
 * `redis-server` on a free port and stops it at the end.
 *
 * Run: `deno task example:edge_bridge`
 *
 * @module
 */
import { parseRedisUrl, Redis, webSocketTransport } from "@redwire/redis";
import { serveBridge } from "@redwire/redis/bridge";
import { exampleServer } from "./_server.ts";

const server = await exampleServer();
const redisServer = parseRedisUrl(server.url);
// The shared secret; in production it comes from your secret store.
const token = crypto.randomUUID();
try {
  // The bridge: the one Redis it serves is fixed here, never by the client.
  await using bridge = await serveBridge({
    port: 0,
    target: { host: redisServer.host ?? "localhost", port: redisServer.port ?? 6379 },
    token,
    maxConnections: 50,
    idleTimeout: 60_000,
    logger: { warn: (line) => console.log(`[bridge] ${line}`) },
  });
  const url = `ws://127.0.0.1:${bridge.port}/redis`;
  console.log(`bridge listening on ${url}`);

  // The client: the usual pooled Redis client, on the WebSocket transport.
  await using redis = new Redis({
    password: redisServer.password,
    transport: webSocketTransport(url, { token }),
  });
  await redis.set("edge:greeting", "hello through the bridge");
  console.log("GET edge:greeting ->", await redis.get("edge:greeting"));

  const [, visits] = await redis.pipeline().del("edge:visits").incr("edge:visits").exec();
  console.log("pipeline INCR edge:visits ->", visits);

  const received = Promise.withResolvers<string>();
  const subscription = await redis.subscribe("edge:news", (message) => received.resolve(message));
  await redis.publish("edge:news", "pub/sub works too");
  console.log("message on edge:news ->", await received.promise);
  await subscription.unsubscribe();

  // A wrong token is refused before any byte reaches Redis.
  await using intruder = new Redis({
    transport: webSocketTransport(url, { token: "guess" }),
    retry: { attempts: 0 },
  });
  await intruder.get("edge:greeting").then(
    () => console.log("intruder got in (unexpected)"),
    (error: Error) => console.log(`intruder refused: ${error.name}`),
  );
  console.log(`open bridge connections: ${bridge.connections}`);
} finally {
  await server.stop();
}
