/**
 * For the examples: the Redis server to talk to. `REDIS_URL` when set, else a
 * server answering PING on localhost:6379, else a throwaway `redis-server` on
 * a free loopback port, stopped when the example ends.
 *
 * @module
 */

/** A server the example may use, and how to let it go. */
export interface ExampleServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Stops the server if the example started it. */
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Returns `REDIS_URL`, or localhost:6379 when a server answers there, or
 * starts `redis-server` (extra `args` force this) and waits until it answers.
 *
 * @param args Extra redis-server arguments.
 * @returns The server's URL and a stop function.
 * @throws {Error} If redis-server is missing or does not start within 10 s.
 */
export async function exampleServer(args: string[] = []): Promise<ExampleServer> {
  const given = Deno.env.get("REDIS_URL");
  if (given && args.length === 0) return { url: given, stop: () => Promise.resolve() };
  if (!given && args.length === 0 && await answersPing(6379)) {
    return { url: "redis://localhost:6379", stop: () => Promise.resolve() };
  }
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  for (let i = 0; i < 100; i++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return { url: `redis://127.0.0.1:${port}`, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port} within 10 s; is it installed?`);
}

/** Whether a Redis server answers PING on localhost at `port` within 500 ms. */
async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.Conn | undefined;
  const timer = setTimeout(() => conn?.close(), 500);
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    const buffer = new Uint8Array(64);
    const read = await conn.read(buffer);
    return read !== null && new TextDecoder().decode(buffer.subarray(0, read)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* closed by the timer */ }
  }
}
