import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { Redis } from "../src/client/mod.ts";
import { Connection } from "../src/connection/mod.ts";
import { ConnectionError } from "../src/errors.ts";
import { currentConnection, withConnection } from "../src/registry/mod.ts";
import { detectRuntime, RUNTIME } from "../src/transport/runtime.ts";
import { defaultTransport, transportFor } from "../src/transport/select.ts";
import type { TransportFactory } from "../src/transport/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { bounded } from "./support/wait.ts";

let server: RedisServer;

before(async () => {
  server = await startRedis();
});

after(() => server?.stop());

describe("Runtime detection", () => {
  it("tells Deno, Node, Bun, workerd, the Edge Runtime and browsers apart", () => {
    assert.equal(
      detectRuntime({ Deno: { version: {} }, process: { versions: { node: "20" } } }),
      "deno",
    );
    assert.equal(detectRuntime({ process: { versions: { node: "20.16.0" } } }), "node");
    assert.equal(detectRuntime({ Bun: {}, process: { versions: { node: "22" } } }), "node");
    assert.equal(
      detectRuntime({
        navigator: { userAgent: "Cloudflare-Workers" },
        process: { versions: { node: "22" } },
      }),
      "workerd",
    );
    assert.equal(detectRuntime({ EdgeRuntime: "edge-runtime" }), "web");
    assert.equal(detectRuntime({ navigator: { userAgent: "Mozilla/5.0" } }), "web");
    assert.ok(RUNTIME === "deno" || RUNTIME === "node");
  });
});

describe("defaultTransport", () => {
  it("fails with a ConnectionError naming webSocketTransport where no socket API exists", async () => {
    await using redis = new Redis({
      host: "127.0.0.1",
      port: server.port,
      transport: transportFor("web", {}),
    });
    await assert.rejects(redis.ping(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
      assert.match(error.message, /webSocketTransport/);
      assert.match(error.message, /serveBridge/);
      return true;
    });
  });

  it("loads the adapter on first use outside the caller's async context (no store leaks into later requests)", async () => {
    // This file's first connection starts inside withConnection: the
    // adapter's import() must not carry that context into callbacks the
    // runtime enters later, such as the next HTTP request's handler.
    const redis = new Redis({ host: "127.0.0.1", port: server.port });
    try {
      await withConnection(redis, () => redis.ping());
      const http = createServer((_request, response) => {
        response.end(currentConnection() === undefined ? "none" : "leaked");
      });
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = http.address() as { port: number };
        const body = await bounded(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()));
        assert.equal(body, "none");
      } finally {
        await new Promise((resolve) => http.close(resolve));
      }
    } finally {
      await redis.close();
    }
  });
});

describe("Connection over a transport whose write throws", () => {
  it("counts a write that throws synchronously as not written, so the client retries it", async () => {
    const flaky = (): TransportFactory => {
      let opened = 0;
      return async (options) => {
        const inner = await defaultTransport(options);
        const first = ++opened === 1;
        let writes = 0;
        return {
          readable: inner.readable,
          close: () => inner.close(),
          write(bytes) {
            // The handshake is write 1; the first command's write throws, as
            // a Worker's socket does when another request uses it.
            if (first && ++writes === 2) throw new ConnectionError("socket of another request");
            return inner.write(bytes);
          },
        };
      };
    };
    const transport = flaky();
    const connection = new Connection({
      host: "127.0.0.1",
      port: server.port,
      transport,
      clientName: "c",
    });
    await connection.connect();
    await assert.rejects(connection.command(["INCR", "sync-throw"]), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.written, false);
      assert.match(error.message, /not sent/);
      return true;
    });
    await using redis = new Redis({
      host: "127.0.0.1",
      port: server.port,
      transport,
      clientName: "c",
    });
    assert.equal(await redis.incr("sync-throw"), 1, "ran once, on a new connection");
  });
});

describe("defaultTransport of a web build on a runtime with sockets", () => {
  it("says the bundle lacks the adapter and which condition to bundle with", async () => {
    const open = transportFor("node", {});
    await assert.rejects(open({ host: "127.0.0.1", port: 1 }), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /bundle with the "node" condition/);
      assert.match(error.message, /webSocketTransport/);
      return true;
    });
  });
});
