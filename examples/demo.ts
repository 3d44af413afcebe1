/**
 * `deno task demo`: a tour of redwire against a real server (REDIS_URL, or a
 * redis-server this script starts and stops).
 */
import { Redis, ReplyError } from "@redwire/redis";
import { exampleServer } from "./_server.ts";

const server = await exampleServer();
try {
  await using redis = new Redis(`${server.url}?clientName=demo`);

  await redis.set("greeting", "hello from redwire");
  console.log("GET greeting ->", await redis.get("greeting"));

  // Commands issued together leave in one write over one pooled connection.
  const counts = await Promise.all(Array.from({ length: 5 }, () => redis.incr("demo:n")));
  console.log("5 concurrent INCRs ->", counts);

  const replies = await redis.pipeline().hset("user:1", { name: "Ada", lang: "ts" }).hgetall(
    "user:1",
  ).exec();
  console.log("pipeline ->", replies);

  console.log("MULTI ->", await redis.multi().incr("demo:tx").incr("demo:tx").exec());

  let deliver!: (text: string) => void;
  const received = new Promise<string>((resolve) => (deliver = resolve));
  const subscription = await redis.subscribe(
    "news",
    (message, channel) => deliver(`${channel}: ${message}`),
  );
  await redis.publish("news", "redwire is connected");
  console.log("pub/sub ->", await received);
  await subscription.unsubscribe();

  try {
    await redis.hget("greeting", "field");
  } catch (error) {
    if (error instanceof ReplyError) console.log("error reply ->", error.code, error.message);
  }
  console.log("pool ->", redis.pool.stats());
} finally {
  await server.stop();
}
