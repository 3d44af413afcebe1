/**
 * `deno task example:blocking_pool`: 20 tasks share a BlockingConnectionPool
 * of 2 connections against a real server (REDIS_URL, or a redis-server this
 * script starts and stops). Tasks wait their turn, first come first served;
 * the stats show the waits. Exits non-zero with a clear message when the
 * server is unreachable.
 */
import { BlockingConnectionPool, PoolTimeoutError } from "@redwire/redis";
import { exampleServer } from "./_server.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const server = await exampleServer();
try {
  await using pool = BlockingConnectionPool.fromUrl(server.url, {
    maxConnections: 2,
    timeout: 5000,
    clientName: "example-blocking-pool",
    socketConnectTimeout: 3000,
  });
  await pool.acquire().then((lease) => lease.release()); // fail fast if the server is down

  const order: number[] = [];
  const started = Date.now();
  await Promise.all(Array.from({ length: 20 }, async (_, task) => {
    await using lease = await pool.acquire();
    order.push(task);
    await lease.connection.command(["INCR", "example:blocking_pool:done"]);
    await sleep(10); // hold the connection a while, as real work would
  }));
  console.log(`20 tasks on 2 connections took ${Date.now() - started} ms`);
  console.log("served in order ->", order.join(" "));

  // With both connections held, a short timeout gives up with PoolTimeoutError.
  const held = [await pool.acquire(), await pool.acquire()];
  try {
    await pool.acquire({ timeout: 50 });
  } catch (error) {
    if (!(error instanceof PoolTimeoutError)) throw error;
    console.log("timeout ->", error.message);
  }
  for (const lease of held) lease.release();

  const stats = pool.stats();
  console.log("stats   ->", stats);
  if (stats.created !== 2 || stats.inUse !== 0) throw new Error("unexpected pool state");
} catch (error) {
  console.error(`example:blocking_pool failed against ${server.url}: ${(error as Error).message}`);
  Deno.exitCode = 1;
} finally {
  await server.stop();
}
