/**
 * The smoke suite every runtime runs (workerd, the Edge Runtime, headless
 * Chromium), bundled with the runtime's export conditions from the npm
 * package, as users bundle it. Plain JavaScript: it runs as it is in all of
 * them. Every step is bounded; keys carry a per-run prefix and are deleted.
 *
 * @module
 */

import {
  ConnectionError,
  currentConnection,
  keySlot,
  parseSentinelUrl,
  Redis,
  RedisCluster,
  RedisError,
  Sentinel,
  SentinelConnectionPool,
  TRACING_CHANNELS,
  webSocketTransport,
  withConnection,
} from "@redwire/redis";

const STEP_TIMEOUT_MS = 10_000;

/**
 * Runs the suite.
 *
 * @param {{
 *   mode: "sockets" | "bridge",
 *   host: string, port: number, deadPort: number,
 *   bridgeUrl?: string, deadBridgeUrl?: string, token?: string,
 *   pubsub?: boolean, noSockets?: boolean, isolation?: "async-local-storage" | "refusal",
 *   bridgeOnly?: boolean,
 * }} p
 * @returns {Promise<{ name: string, ok: boolean, ms: number, error?: string }[]>}
 */
export async function smoke(p) {
  const prefix = `smoke:${p.mode}:${Math.random().toString(36).slice(2)}:`;
  const bridge = (token = p.token, url = p.bridgeUrl) =>
    webSocketTransport(url, { token, connectTimeout: 5_000 });
  const options = (extra = {}) => ({
    host: p.host,
    port: p.port,
    socketConnectTimeout: 5_000,
    socketTimeout: 5_000,
    ...(p.mode === "bridge" ? { transport: bridge() } : {}),
    ...extra,
  });
  const results = [];
  const step = async (name, fn) => {
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer in ${STEP_TIMEOUT_MS} ms`)),
            STEP_TIMEOUT_MS,
          );
        }),
      ]);
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({
        name,
        ok: false,
        ms: Date.now() - started,
        error: String(error?.stack ?? error),
      });
    } finally {
      clearTimeout(timer);
    }
  };
  const expect = (condition, what) => {
    if (!condition) throw new Error(`expected ${what}`);
  };

  const redis = new Redis(options());
  try {
    await step("connect, SET and GET", async () => {
      expect(await redis.set(`${prefix}k`, "v") === true, "SET to answer true");
      expect(await redis.get(`${prefix}k`) === "v", "GET to read v");
    });
    await step("pipeline", async () => {
      const replies = await redis.pipeline().set(`${prefix}a`, "1").incr(`${prefix}a`).get(
        `${prefix}a`,
      ).exec();
      expect(
        JSON.stringify(replies) === JSON.stringify([true, 2, "2"]),
        `[true,2,"2"], got ${JSON.stringify(replies)}`,
      );
    });
    await step("MULTI / EXEC", async () => {
      const replies = await redis.multi().incr(`${prefix}n`).incr(`${prefix}n`).exec();
      expect(JSON.stringify(replies) === "[1,2]", `[1,2], got ${JSON.stringify(replies)}`);
    });
    if (p.pubsub !== false) {
      await step("pub/sub", async () => {
        let resolve;
        const received = new Promise((r) => (resolve = r));
        const sub = await redis.subscribe(`${prefix}ch`, (message) => resolve(message));
        try {
          await redis.publish(`${prefix}ch`, "hello");
          expect(await received === "hello", "the message");
        } finally {
          await sub.unsubscribe();
        }
      });
    }
    await step("a 1 MiB value", async () => {
      const value = "x".repeat(1024 * 1024);
      await redis.set(`${prefix}big`, value);
      const back = await redis.get(`${prefix}big`);
      expect(back === value, `1 MiB back, got ${back?.length}`);
    });
    if (p.mode === "bridge") {
      await step("a wrong token fails with ConnectionError", async () => {
        const wrong = new Redis(
          options({ transport: bridge("wrong-token"), retry: { attempts: 1 } }),
        );
        try {
          const error = await wrong.ping().then(() => undefined, (e) => e);
          expect(error instanceof ConnectionError, `ConnectionError, got ${error}`);
          expect(!error.message.includes("wrong-token"), "no token in the message");
        } finally {
          await wrong.close();
        }
      });
      await step("a dead bridge fails with ConnectionError naming it", async () => {
        const dead = new Redis(
          options({ transport: bridge(p.token, p.deadBridgeUrl), retry: { attempts: 1 } }),
        );
        try {
          const error = await dead.ping().then(() => undefined, (e) => e);
          expect(error instanceof ConnectionError, `ConnectionError, got ${error}`);
          expect(error.message.includes("bridge ws://"), `the bridge named in: ${error.message}`);
        } finally {
          await dead.close();
        }
      });
    } else {
      await step("a dead server fails with ConnectionError", async () => {
        const dead = new Redis(options({ port: p.deadPort, retry: { attempts: 1 } }));
        try {
          const error = await dead.ping().then(() => undefined, (e) => e);
          expect(error instanceof ConnectionError, `ConnectionError, got ${error}`);
        } finally {
          await dead.close();
        }
      });
    }
    if (p.noSockets) {
      await step("no transport: ConnectionError naming webSocketTransport", async () => {
        const bare = new Redis({ host: p.host, port: p.port, retry: { attempts: 1 } });
        try {
          const error = await bare.ping().then(() => undefined, (e) => e);
          expect(error instanceof ConnectionError, `ConnectionError, got ${error}`);
          expect(
            error.message.includes("webSocketTransport"),
            `webSocketTransport in: ${error.message}`,
          );
          // The same text from every build (the web one has its own select twin).
          const start =
            `Cannot connect to ${p.host}:${p.port}: this runtime (web) offers redwire no TCP socket API;`;
          expect(error.message.startsWith(start), `"${start}" at the start of: ${error.message}`);
        } finally {
          await bare.close();
        }
      });
    }
    if (p.bridgeOnly) {
      // The browser / worker / edge-light build: a bridge reaches one server.
      await step("RedisCluster and Sentinel: TypeError naming the browser build", () => {
        const attempts = {
          RedisCluster: () => new RedisCluster([[p.host, p.port]]),
          Sentinel: () => new Sentinel([[p.host, p.port]]),
          "Sentinel.fromUrl": () => Sentinel.fromUrl(`redis+sentinel://${p.host}/mymaster`),
          SentinelConnectionPool: () => new SentinelConnectionPool({}),
          parseSentinelUrl: () => parseSentinelUrl(`redis+sentinel://${p.host}/mymaster`),
          "redis+sentinel://": () => new Redis(`redis+sentinel://${p.host}/mymaster`),
        };
        for (const [what, attempt] of Object.entries(attempts)) {
          let error;
          try {
            attempt();
          } catch (e) {
            error = e;
          }
          expect(error instanceof TypeError, `${what}: a TypeError, got ${error}`);
          for (const part of ["not in the browser build", "one server", "Node, Deno, Bun"]) {
            expect(error.message.includes(part), `${what}: "${part}" in: ${error.message}`);
          }
        }
        expect(keySlot("foo") === 12182, "keySlot to stay");
        // No diagnostics channel here: tracing is left out, its names stay.
        expect(TRACING_CHANNELS.command === "redwire:command", "TRACING_CHANNELS to stay");
        return Promise.resolve();
      });
    }
    if (p.isolation !== undefined) {
      await step(`overlapping withConnection runs: ${p.isolation}`, async () => {
        const other = new Redis(options());
        try {
          let release;
          const gate = new Promise((r) => (release = r));
          const first = withConnection(redis, async () => {
            await gate;
            return currentConnection();
          });
          let second;
          try {
            second = await withConnection(other, () => Promise.resolve(currentConnection()));
          } catch (error) {
            second = error;
          }
          release();
          expect(await first === redis, "the first run to keep its own client");
          if (p.isolation === "refusal") {
            expect(second instanceof RedisError, `the second run refused, got ${second}`);
            expect(second.message.includes("AsyncLocalStorage"), "the refusal to say why");
          } else {
            expect(second === other, `the second run isolated, got ${second}`);
          }
        } finally {
          await other.close();
        }
      });
    }
    await step("cleanup and close", async () => {
      await redis.del(`${prefix}k`, `${prefix}a`, `${prefix}n`, `${prefix}big`);
      await redis.close();
      const error = await redis.ping().then(() => undefined, (e) => e);
      expect(error instanceof Error, "a command after close() to fail");
    });
  } finally {
    await redis.close();
  }
  return results;
}
