/**
 * Records the bytes a real redis-server sends for a mixed workload, as the
 * socket delivered them, so the codec benchmark decodes a genuine stream.
 *
 * @module
 */
import { Connection, defaultTransport, type Transport } from "../mod.ts";
import { startRedis } from "../tests/support/mod.ts";

/** The recorded chunks and how many replies they hold. */
export interface RecordedStream {
  chunks: Uint8Array[];
  replies: number;
  bytes: number;
}

/**
 * Runs a mixed workload (strings of 16 B to 16 KiB, hashes, lists, sorted
 * sets with scores, MGET, INCR, INFO) against a throwaway redis-server and
 * returns every chunk the server sent after the handshake.
 *
 * @returns The recorded stream.
 */
export async function recordReplyStream(): Promise<RecordedStream> {
  const server = await startRedis();
  const chunks: Uint8Array[] = [];
  let recording = false;
  const conn = new Connection({
    host: server.host,
    port: server.port,
    transport: async (options) => {
      const inner: Transport = await defaultTransport(options);
      async function* tap(): AsyncIterable<Uint8Array> {
        for await (const chunk of inner.readable) {
          if (recording) chunks.push(chunk.slice());
          yield chunk;
        }
      }
      return { readable: tap(), write: (b) => inner.write(b), close: () => inner.close() };
    },
  });
  try {
    await conn.connect();
    const sizes = [16, 64, 256, 1024, 16 * 1024];
    const setup: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) {
      setup.push(["SET", `s:${i}`, "v".repeat(sizes[i % sizes.length]!)]);
    }
    for (let i = 0; i < 100; i++) setup.push(["HSET", "h", `field:${i}`, `value:${i}`]);
    for (let i = 0; i < 500; i++) setup.push(["RPUSH", "l", `item:${i}`]);
    for (let i = 0; i < 200; i++) setup.push(["ZADD", "z", i * 1.5, `member:${i}`]);
    await conn.batch(setup);
    const workload: (string | number)[][] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 200; i++) workload.push(["GET", `s:${i}`]);
      workload.push(["HGETALL", "h"], ["LRANGE", "l", 0, -1], ["ZRANGE", "z", 0, -1, "WITHSCORES"]);
      workload.push(["MGET", ...Array.from({ length: 100 }, (_, i) => `s:${i}`)]);
      for (let i = 0; i < 100; i++) workload.push(["INCR", `n:${i}`]);
      workload.push(["INFO"], ["GET", "missing"], ["HGET", "l", "x"]);
    }
    recording = true;
    await conn.batch(workload);
    recording = false;
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    return { chunks, replies: workload.length, bytes };
  } finally {
    await conn.close();
    await server.stop();
  }
}
