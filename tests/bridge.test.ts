import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { readBridgeToken, serveBridge } from "../bridge.ts";
import { Redis } from "../src/client/mod.ts";
import { Connection } from "../src/connection/mod.ts";
import { ConnectionError } from "../src/errors.ts";
import type { BridgeOptions, BridgeServer } from "../src/bridge/mod.ts";
import { Relay, type RelayEvent, type RelaySocket } from "../src/bridge/_relay.ts";
import { startBridge } from "../src/bridge/serve_bridge.ts";
import {
  type Transport,
  type WebSocketConstructor,
  webSocketTransport,
} from "../src/transport/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { IS_DENO, loadWs, runtimeWebSocket } from "./support/ws.ts";
import { eventually } from "./support/wait.ts";

const TOKEN = "bridge-test-token-7f3a";
const ENCODED_TOKEN = "YnJpZGdlLXRlc3QtdG9rZW4tN2YzYQ"; // base64url of TOKEN
const TEST = { timeout: 15_000 };

type StartBridge = (options: BridgeOptions) => Promise<BridgeServer>;

/** Each runtime adapter the running runtime can host. */
const ADAPTERS: { name: string; start: StartBridge }[] = [
  { name: IS_DENO ? "Deno.serve" : "node:http and ws", start: serveBridge },
];
if (IS_DENO) {
  // The Node adapter, run on Deno's node:http with ws from npm.
  const { listenOnNode } = await import("../src/bridge/node.ts");
  ADAPTERS.push({
    name: "node:http and ws",
    start: (options) =>
      startBridge(options, (gate, address) => listenOnNode(gate, address, loadWs)),
  });
}

/** Sends a raw WebSocket upgrade and returns the HTTP status the bridge answers. */
function upgradeStatus(port: number, headers: Record<string, string> = {}): Promise<number> {
  return httpStatus(port, [
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]);
}

/** Sends `GET /redis` with these header lines and returns the HTTP status. */
function httpStatus(port: number, headerLines: string[]): Promise<number> {
  const lines = ["GET /redis HTTP/1.1", `Host: 127.0.0.1:${port}`, ...headerLines];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no HTTP answer within 5 s"));
    }, 5000);
    let text = "";
    socket.on("data", (data: Uint8Array) => {
      text += new TextDecoder().decode(data);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match === null) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(match[1]));
    });
    socket.on("error", reject);
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

async function connectionsReceived(direct: Connection): Promise<number> {
  const info = String(await direct.command(["INFO", "stats"]));
  return Number(/total_connections_received:(\d+)/.exec(info)?.[1]);
}

async function clientNames(direct: Connection): Promise<string[]> {
  const list = String(await direct.command(["CLIENT", "LIST"]));
  return [...list.matchAll(/ name=(\S*)/g)].map((match) => match[1]!).filter((n) => n !== "");
}

for (const adapter of ADAPTERS) {
  describe(`serveBridge on ${adapter.name}`, () => {
    let server: RedisServer;
    let bridge: BridgeServer;
    let direct: Connection;
    let WebSocket: WebSocketConstructor;
    let url: string;
    const logged: string[] = [];
    const logger = {
      info: (line: string) => logged.push(line),
      warn: (line: string) => logged.push(line),
      error: (line: string) => logged.push(line),
    };
    const transport = (token: string | undefined) => webSocketTransport(url, { token, WebSocket });
    const start = (options: Partial<BridgeOptions> = {}) =>
      adapter.start({ port: 0, target: { port: server.port }, token: TOKEN, logger, ...options });

    before(async () => {
      server = await startRedis();
      WebSocket = await runtimeWebSocket();
      bridge = await start();
      url = `ws://127.0.0.1:${bridge.port}/redis`;
      direct = new Connection({ host: server.host, port: server.port });
      await direct.connect();
    });
    after(async () => {
      await direct?.close();
      await bridge?.close();
      await server?.stop();
    });

    it(
      "serves a pooled Redis client: commands, pipelines, MULTI and 1 MiB values",
      TEST,
      async () => {
        await using redis = new Redis({ transport: transport(TOKEN), maxConnections: 4 });
        assert.equal(await redis.set("k", "v"), true);
        assert.equal(await redis.get("k"), "v");
        const counts = await Promise.all(Array.from({ length: 200 }, () => redis.incr("n")));
        assert.deepEqual(
          counts.toSorted((a, b) => a - b),
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        assert.deepEqual(await redis.pipeline().set("p", "1").incr("p").get("p").exec(), [
          true,
          2,
          "2",
        ]);
        assert.deepEqual(await redis.multi().incr("m").incr("m").exec(), [1, 2]);
        const big = "b".repeat(1024 * 1024);
        await redis.set("big", big);
        assert.equal(await redis.get("big"), big);
        const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) % 256);
        await redis.set("bytes", bytes);
        await using raw = new Redis({ transport: transport(TOKEN), decodeResponses: false });
        assert.deepEqual(await raw.get("bytes"), bytes);
      },
    );

    it("delivers pub/sub messages", TEST, async () => {
      await using redis = new Redis({ transport: transport(TOKEN) });
      const received: string[] = [];
      const sub = await redis.subscribe("news", (message, channel) => {
        received.push(`${channel}:${message}`);
      });
      assert.equal(await redis.publish("news", "first"), 1);
      await redis.publish("news", "second");
      await eventually(() => received.length === 2);
      assert.deepEqual(received, ["news:first", "news:second"]);
      await sub.unsubscribe();
    });

    it("gives each WebSocket its own Redis connection", TEST, async () => {
      const names = ["ws-a", "ws-b", "ws-c"];
      const conns = names.map((clientName) =>
        new Connection({ transport: transport(TOKEN), clientName })
      );
      await Promise.all(conns.map((conn) => conn.connect()));
      assert.equal(bridge.connections, 3);
      assert.deepEqual(
        (await clientNames(direct)).filter((n) => n.startsWith("ws-")).sort(),
        names,
      );
      await Promise.all(conns.map((conn) => conn.close()));
      await eventually(() => bridge.connections === 0);
    });

    it("answers 401 to a missing or wrong token before any byte reaches Redis", TEST, async () => {
      const before = await connectionsReceived(direct);
      assert.equal(await upgradeStatus(bridge.port), 401);
      assert.equal(await upgradeStatus(bridge.port, { "Sec-WebSocket-Protocol": "redwire" }), 401);
      const wrong = "token.d3Jvbmc"; // "wrong"
      assert.equal(
        await upgradeStatus(bridge.port, { "Sec-WebSocket-Protocol": `redwire, ${wrong}` }),
        401,
      );
      for (const token of ["wrong-token", undefined]) {
        await using conn = new Connection({ transport: transport(token) });
        await assert.rejects(conn.connect(), (error) => {
          assert.ok(error instanceof ConnectionError);
          assert.ok(!error.message.includes("wrong-token"), error.message);
          return true;
        });
      }
      assert.equal(await connectionsReceived(direct), before);
      assert.equal(bridge.connections, 0);
    });

    it(
      "answers 426 to plain requests and 400 to a handshake without the redwire protocol",
      TEST,
      async () => {
        assert.equal(await httpStatus(bridge.port, ["Connection: close"]), 426);
        const protocols = { "Sec-WebSocket-Protocol": `chat, token.${ENCODED_TOKEN}` };
        assert.equal(await upgradeStatus(bridge.port, protocols), 400);
      },
    );

    it("answers 503 past maxConnections, before the upgrade", TEST, async () => {
      await using capped = await start({ maxConnections: 2 });
      const cappedUrl = `ws://127.0.0.1:${capped.port}/`;
      const open = () =>
        new Connection({ transport: webSocketTransport(cappedUrl, { token: TOKEN, WebSocket }) });
      const [first, second, third] = [open(), open(), open()];
      await first.connect();
      await second.connect();
      const before = await connectionsReceived(direct);
      const protocols = { "Sec-WebSocket-Protocol": `redwire, token.${ENCODED_TOKEN}` };
      assert.equal(await upgradeStatus(capped.port, protocols), 503);
      await assert.rejects(third.connect(), ConnectionError);
      assert.equal(await connectionsReceived(direct), before);
      assert.equal(capped.connections, 2);
      await first.close();
      await eventually(() => capped.connections === 1);
      await using fourth = open();
      assert.equal(await fourth.command(["PING"]), "PONG");
      await second.close();
    });

    it(
      "accepts what authenticate() approves, reading the token with readBridgeToken",
      TEST,
      async () => {
        const seen: (string | undefined)[] = [];
        await using custom = await start({
          token: undefined,
          authenticate: (request) => {
            seen.push(readBridgeToken(request));
            return readBridgeToken(request) === "app-1";
          },
        });
        const customUrl = `ws://127.0.0.1:${custom.port}/`;
        const open = (token: string) =>
          new Connection({ transport: webSocketTransport(customUrl, { token, WebSocket }) });
        await using good = open("app-1");
        assert.equal(await good.command(["PING"]), "PONG");
        await using bad = open("app-2");
        await assert.rejects(bad.connect(), ConnectionError);
        assert.deepEqual(seen, ["app-1", "app-2"]);
      },
    );

    it("closes both sides after idleTimeout without traffic", TEST, async () => {
      await using idle = await start({ idleTimeout: 200 });
      const idleUrl = `ws://127.0.0.1:${idle.port}/`;
      await using conn = new Connection({
        transport: webSocketTransport(idleUrl, { token: TOKEN, WebSocket }),
        clientName: "ws-idle",
      });
      await conn.command(["PING"]);
      assert.ok((await clientNames(direct)).includes("ws-idle"));
      await eventually(() => conn.state === "closed");
      assert.equal(idle.connections, 0);
      await eventually(async () => !(await clientNames(direct)).includes("ws-idle"));
    });

    it("closes the Redis connection when the client closes its WebSocket", TEST, async () => {
      const conn = new Connection({ transport: transport(TOKEN), clientName: "ws-leaving" });
      await conn.command(["PING"]);
      assert.ok((await clientNames(direct)).includes("ws-leaving"));
      await conn.close();
      await eventually(async () => !(await clientNames(direct)).includes("ws-leaving"));
      await eventually(() => bridge.connections === 0);
    });

    it("closes the WebSocket when Redis closes the connection", TEST, async () => {
      await using conn = new Connection({ transport: transport(TOKEN), clientName: "ws-killed" });
      await conn.command(["PING"]);
      await direct.command(["CLIENT", "KILL", "USER", "default", "SKIPME", "yes"]);
      await eventually(() => conn.state === "closed");
      await assert.rejects(conn.command(["PING"]), ConnectionError);
      await eventually(() => bridge.connections === 0);
    });

    it("answers 502 when Redis cannot be reached", TEST, async () => {
      await using unreachable = await start({
        target: {
          port: (await startRedis().then(async (s) => {
            await s.stop();
            return s;
          })).port,
        },
      });
      const protocols = { "Sec-WebSocket-Protocol": `redwire, token.${ENCODED_TOKEN}` };
      assert.equal(await upgradeStatus(unreachable.port, protocols), 502);
      assert.equal(unreachable.connections, 0);
    });

    it("closes when its signal aborts", TEST, async () => {
      const controller = new AbortController();
      const closing = await start({ signal: controller.signal });
      await using conn = new Connection({
        transport: webSocketTransport(`ws://127.0.0.1:${closing.port}/`, {
          token: TOKEN,
          WebSocket,
        }),
      });
      await conn.command(["PING"]);
      controller.abort();
      await eventually(() => conn.state === "closed");
      await closing.close();
      await assert.rejects(upgradeStatus(closing.port));
    });

    it("never writes the token to its log", () => {
      assert.ok(logged.length > 0);
      for (const line of logged) {
        assert.ok(!line.includes(TOKEN) && !line.includes(ENCODED_TOKEN), line);
      }
    });
  });

  describe(`serveBridge on ${adapter.name} when a side goes away`, () => {
    let WebSocket: WebSocketConstructor;
    before(async () => {
      WebSocket = await runtimeWebSocket();
    });

    it(
      "closes the WebSocket when the Redis server dies; the client reports ConnectionError",
      TEST,
      async () => {
        const server = await startRedis();
        await using bridge = await adapter.start({
          port: 0,
          target: { port: server.port },
          token: TOKEN,
        });
        const url = `ws://127.0.0.1:${bridge.port}/`;
        try {
          await using conn = new Connection({
            transport: webSocketTransport(url, { token: TOKEN, WebSocket }),
          });
          await using redis = new Redis({
            transport: webSocketTransport(url, { token: TOKEN, WebSocket }),
            retry: { attempts: 0 },
          });
          await redis.set("k", "v");
          const blocked = conn.command(["BLPOP", "nothing", "0"]);
          await using observer = new Connection({ host: server.host, port: server.port });
          await eventually(
            async () => {
              const info = String(await observer.command(["INFO", "clients"]));
              return /blocked_clients:1\b/.test(info);
            },
            5000,
            "BLPOP to block at the server",
          );
          server.kill();
          await assert.rejects(blocked, (error) => {
            assert.ok(error instanceof ConnectionError);
            assert.match(error.message, /closed by the bridge \(code 1011/);
            return true;
          });
          await assert.rejects(redis.get("k"), ConnectionError);
          await eventually(() => bridge.connections === 0);
        } finally {
          await server.stop();
        }
      },
    );

    it("lets the pool reconnect once a closed bridge is back on the same port", TEST, async () => {
      const server = await startRedis();
      let bridge = await adapter.start({ port: 0, target: { port: server.port }, token: TOKEN });
      const port = bridge.port;
      try {
        await using redis = new Redis({
          transport: webSocketTransport(`ws://127.0.0.1:${port}/`, { token: TOKEN, WebSocket }),
          retry: { attempts: 0 },
        });
        await redis.set("k", "before");
        await bridge.close();
        await assert.rejects(redis.get("k"), ConnectionError);
        bridge = await adapter.start({ port, target: { port: server.port }, token: TOKEN });
        assert.equal(await redis.get("k"), "before");
        assert.equal(await redis.set("k", "after"), true);
      } finally {
        await bridge.close();
        await server.stop();
      }
    });
  });
}

describe("serveBridge options", () => {
  const target = { port: 6390 };
  it("throws TypeError without exactly one of token and authenticate", async () => {
    await assert.rejects(serveBridge({ port: 0, target }), TypeError);
    await assert.rejects(
      serveBridge({ port: 0, target, token: "t", authenticate: () => true }),
      TypeError,
    );
    await assert.rejects(serveBridge({ port: 0, target, token: "" }), TypeError);
  });

  it("throws TypeError without a target port or path, RangeError for bad numbers", async () => {
    await assert.rejects(serveBridge({ port: 0, target: {}, token: "t" }), TypeError);
    await assert.rejects(serveBridge({ port: 70000, target, token: "t" }), RangeError);
    await assert.rejects(
      serveBridge({ port: 0, target, token: "t", maxConnections: 0 }),
      RangeError,
    );
    await assert.rejects(serveBridge({ port: 0, target, token: "t", idleTimeout: -5 }), RangeError);
  });

  it("fails with ConnectionError when the port is taken", async () => {
    await using first = await serveBridge({ port: 0, target, token: "t" });
    await assert.rejects(serveBridge({ port: first.port, target, token: "t" }), ConnectionError);
  });
});

/** A server-side WebSocket whose buffer and flow control the test drives. */
class FakeServerSocket implements RelaySocket {
  binaryType = "blob";
  bufferedAmount = 0;
  readyState = 1;
  sent = 0;
  pauses = 0;
  resumes = 0;
  closedWith: number | undefined;
  #listeners = new Map<string, ((event: RelayEvent) => void)[]>();
  constructor(readonly canPause: boolean) {
    if (!canPause) {
      this.pause = undefined;
      this.resume = undefined;
    }
  }
  send(data: Uint8Array): void {
    this.sent += data.byteLength;
    this.bufferedAmount += data.byteLength;
  }
  close(code?: number): void {
    this.closedWith ??= code;
    this.readyState = 3;
  }
  addEventListener(type: string, listener: (event: RelayEvent) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(event: RelayEvent): void {
    for (const listener of this.#listeners.get(event.type) ?? []) listener(event);
  }
  pause?: () => void = () => void this.pauses++;
  resume?: () => void = () => void this.resumes++;
}

/** A Redis transport that yields 256 KiB chunks on demand and holds writes until told. */
function fakeTransport() {
  const CHUNK = 256 * 1024;
  const state = { pulled: 0, closed: false, writes: [] as (() => void)[] };
  const transport: Transport = {
    readable: (async function* () {
      while (!state.closed) {
        state.pulled++;
        yield new Uint8Array(CHUNK);
      }
    })(),
    write: () => new Promise<void>((resolve) => state.writes.push(resolve)),
    close: () => void (state.closed = true),
  };
  return { transport, state };
}

describe("Relay (one bridged connection)", () => {
  const KIB_256 = new Uint8Array(256 * 1024).buffer;

  it("stops reading Redis while the client is more than 1 MiB behind", async () => {
    const socket = new FakeServerSocket(true);
    const { transport, state } = fakeTransport();
    const relay = new Relay(socket, transport, null, () => {});
    await eventually(() => state.pulled >= 5, 1000, "the first 5 chunks");
    // No timer is involved: a relay that kept reading would have pulled more by the next turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // 4 chunks reach 1 MiB, the 5th goes over it: then the relay waits.
    assert.equal(state.pulled, 5);
    assert.equal(socket.sent, 5 * 256 * 1024);
    socket.bufferedAmount = 0;
    await eventually(() => state.pulled > 5);
    relay.end("test over", 1000);
    assert.equal(state.closed, true);
    assert.equal(socket.closedWith, 1000);
  });

  it("pauses a client more than 1 MiB ahead of Redis, resumes it under 256 KiB", async () => {
    const socket = new FakeServerSocket(true);
    const { transport, state } = fakeTransport();
    const relay = new Relay(socket, transport, null, () => {});
    for (let i = 0; i < 5; i++) socket.emit({ type: "message", data: KIB_256 });
    assert.equal(socket.pauses, 1);
    assert.equal(state.writes.length, 5);
    for (const resolve of state.writes.splice(0, 3)) resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(socket.resumes, 0, "resumed with 512 KiB still waiting for Redis");
    state.writes.shift()!();
    await eventually(() => socket.resumes === 1);
    relay.end("test over", 1000);
  });

  it("cuts off a client that cannot be paused once 64 MiB wait for Redis", () => {
    const socket = new FakeServerSocket(false);
    const { transport, state } = fakeTransport();
    const ended: string[] = [];
    new Relay(socket, transport, null, (why) => ended.push(why));
    const MIB = new Uint8Array(1024 * 1024).buffer;
    for (let i = 0; i < 64; i++) socket.emit({ type: "message", data: MIB });
    assert.equal(socket.closedWith, undefined);
    socket.emit({ type: "message", data: MIB });
    assert.equal(socket.closedWith, 1008);
    assert.equal(state.closed, true);
    assert.match(ended[0]!, /more than Redis took/);
  });

  it("closes both sides when the client sends a text frame", () => {
    const socket = new FakeServerSocket(true);
    const { transport, state } = fakeTransport();
    new Relay(socket, transport, null, () => {});
    socket.emit({ type: "message", data: "PING\r\n" });
    assert.equal(socket.closedWith, 1003);
    assert.equal(state.closed, true);
  });
});
