/**
 * For the examples: the Redis server to talk to. `REDIS_URL` when set (you
 * asked for it), else a throwaway `redis-server` on a free loopback port,
 * stopped when the example ends. Never a server found on localhost:6379: an
 * example must not write into someone's database unasked. Prints which one.
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
 * Returns `REDIS_URL`, or starts `redis-server` (extra `args` force this) and
 * waits until it answers. Prints which server the example uses.
 *
 * @param args Extra redis-server arguments.
 * @returns The server's URL and a stop function.
 * @throws {Error} If redis-server is missing or does not start within 10 s.
 */
export async function exampleServer(args: string[] = []): Promise<ExampleServer> {
  const given = Deno.env.get("REDIS_URL");
  if (given && args.length === 0) {
    console.log(`using REDIS_URL (${redacted(given)}), as asked`);
    return { url: given, stop: () => Promise.resolve() };
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
      console.log(`using a throwaway redis-server on 127.0.0.1:${port} (stopped at the end)`);
      return { url: `redis://127.0.0.1:${port}`, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port} within 10 s; is it installed?`);
}

/** The URL without its password, for printing. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.href;
  } catch {
    return "an unparsable URL";
  }
}
