/**
 * The connection context (RQ): a small job queue that, like RQ's `Queue`,
 * takes its connection from the context when none is passed.
 *
 * Uses REDIS_URL and REDIS_URL_2 when set; otherwise starts redis-server
 * processes on free ports and stops them at the end.
 *
 * Run: deno task example:connection_context
 *
 * @module
 */
import {
  NoConnectionError,
  popConnection,
  pushConnection,
  Redis,
  resolveConnection,
  withConnection,
} from "@redwire/redis";
import { type ExampleServer, exampleServer } from "./_server.ts";

/** A FIFO of jobs in a Redis list. */
class Queue {
  readonly connection: Redis;
  readonly #key: string;

  constructor(readonly name: string, options: { connection?: Redis } = {}) {
    this.connection = resolveConnection(options.connection); // explicit, else the context
    this.#key = `example:queue:${name}`;
  }

  enqueue(job: string): Promise<number> {
    return this.connection.rpush(this.#key, job);
  }

  dequeue(): Promise<string | null> {
    return this.connection.lpop(this.#key);
  }
}

/** The second server: REDIS_URL_2, or one of our own (an argument makes exampleServer start one). */
function secondServer(): Promise<ExampleServer> {
  const given = Deno.env.get("REDIS_URL_2");
  if (given) return Promise.resolve({ url: given, stop: () => Promise.resolve() });
  return exampleServer(["--appendonly", "no"]);
}

const servers = [await exampleServer(), await secondServer()];
const local = new Redis(servers[0]!.url);
const remote = new Redis(servers[1]!.url);
try {
  // As in RQ's docs: queues made inside a context keep its connection for good.
  const [q1, q2, q3] = await withConnection(local, async () => {
    const q1 = new Queue("foo");
    const q2 = await withConnection(remote, () => Promise.resolve(new Queue("bar")));
    const q3 = new Queue("qux"); // the outer connection again
    return [q1, q2, q3];
  });
  console.log("q1 and q3 share a connection:", q1.connection === q3.connection);
  console.log("q2 uses the other one:", q2.connection === remote);
  await q2.enqueue("send-email"); // lands on the remote server, outside the context
  console.log("remote has:", await remote.lrange("example:queue:bar", 0, -1));

  // Concurrent contexts never see each other's connection, across awaits.
  const worker = async (label: string) => {
    const queue = new Queue("work");
    await queue.enqueue(`${label}-1`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return `${label}: ${await queue.dequeue()} via ${
      queue.connection === local ? "local" : "remote"
    }`;
  };
  console.log(
    await Promise.all([
      withConnection(local, () => worker("a")),
      withConnection(remote, () => worker("b")),
    ]),
  );

  // pushConnection / popConnection: for set-up code that cannot wrap a callback.
  pushConnection(remote);
  console.log("pushed:", new Queue("setup").connection === remote);
  popConnection();

  try {
    new Queue("orphan");
  } catch (error) {
    if (!(error instanceof NoConnectionError)) throw error;
    console.log("outside any context:", error.message);
  }
} finally {
  await Promise.all([local.close(), remote.close()]);
  await Promise.all(servers.map((server) => server.stop()));
}
