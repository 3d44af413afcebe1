/**
 * `deno task example:pool`: a non-blocking ConnectionPool against a real
 * server (REDIS_URL, or a redis-server this script starts and stops):
 * leases, getConnection/release, "Too many connections", reset, events and
 * stats. Exits non-zero with a clear message when the server is unreachable.
 */
import { ConnectionPool, PoolExhaustedError } from "@redwire/redis";
import { exampleServer } from "./_server.ts";

const server = await exampleServer();
try {
  await using pool = ConnectionPool.fromUrl(server.url, {
    maxConnections: 3,
    minIdle: 1,
    idleTimeout: 10_000,
    clientName: "example-pool",
    socketConnectTimeout: 3000,
  });
  pool.addEventListener(
    "create",
    (event) => console.log("create  ->", String(event.detail.connection)),
  );
  pool.addEventListener("destroy", (event) => {
    console.log("destroy ->", String(event.detail.connection), `(${event.detail.reason})`);
  });

  // A lease gives its connection back when the block ends, even on error.
  {
    await using lease = await pool.acquire();
    await lease.connection.command(["SET", "example:pool", "hello"]);
    console.log("GET     ->", await lease.connection.command(["GET", "example:pool"]));
  }

  // redis-py style: get a connection, release it in finally.
  const conn = await pool.getConnection();
  try {
    console.log("INCR    ->", await conn.command(["INCR", "example:pool:n"]));
  } finally {
    pool.release(conn);
  }

  // A ConnectionPool never waits: past maxConnections it fails at once.
  const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  try {
    await pool.acquire();
  } catch (error) {
    if (!(error instanceof PoolExhaustedError)) throw error;
    console.log("cap     ->", error.message);
  }
  // reset(): idle connections close now; these three close when they come back.
  await pool.reset();
  for (const lease of leases) lease.release();

  console.log("stats   ->", pool.stats());
} catch (error) {
  console.error(`example:pool failed against ${server.url}: ${(error as Error).message}`);
  Deno.exitCode = 1;
} finally {
  await server.stop();
}
