import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { serveBridge } from "../bridge.ts";
import type { BridgeServer } from "../src/bridge/mod.ts";
import { Connection } from "../src/connection/mod.ts";
import { ConnectionError, TimeoutError } from "../src/errors.ts";
import {
  type Transport,
  type WebSocketClientOptions,
  type WebSocketConstructor,
  type WebSocketEvent,
  type WebSocketLike,
  webSocketTransport,
} from "../src/transport/mod.ts";
import { type RedisServer, startRedis } from "./support/mod.ts";
import { loadWs, runtimeWebSocket } from "./support/ws.ts";
import { bounded } from "./support/wait.ts";

const TOKEN = "s3cret ✓ token";
const ENCODED_TOKEN = "czNjcmV0IOKckyB0b2tlbg"; // base64url of TOKEN's UTF-8 bytes
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A WebSocket whose handshake, frames and buffer the test drives. */
class FakeSocket implements WebSocketLike {
  binaryType = "blob";
  bufferedAmount = 0;
  readyState = 0;
  sent: Uint8Array[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  #listeners = new Map<string, ((event: WebSocketEvent) => void)[]>();

  constructor(readonly url: string, readonly protocols: string[] = []) {}

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(data.slice());
    this.bufferedAmount += data.byteLength;
  }
  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.closedWith = { code, reason };
    queueMicrotask(() => this.emit({ type: "close", code: code ?? 1005, reason: reason ?? "" }));
  }
  addEventListener(type: string, listener: (event: WebSocketEvent) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(event: WebSocketEvent): void {
    if (event.type === "open") this.readyState = 1;
    if (event.type === "close") this.readyState = 3;
    for (const listener of this.#listeners.get(event.type) ?? []) listener(event);
  }
}

/** A WebSocket class whose instances the test can reach. */
function fakeSockets(): { Socket: WebSocketConstructor; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class Socket extends FakeSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  return { Socket, sockets };
}

/** Opens a transport on a fake socket that completes its handshake at once. */
async function openFake(
  options: Parameters<typeof webSocketTransport>[1] = {},
): Promise<{ transport: Transport; socket: FakeSocket }> {
  const { Socket, sockets } = fakeSockets();
  const opening = webSocketTransport("ws://bridge.test/redis", { WebSocket: Socket, ...options })(
    { host: "localhost", port: 6379 },
  );
  await Promise.resolve();
  sockets[0]!.emit({ type: "open" });
  return { transport: await opening, socket: sockets[0]! };
}

function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(() => true, () => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

function chunk(text: string): ArrayBuffer {
  return encoder.encode(text).buffer as ArrayBuffer;
}

describe("webSocketTransport", () => {
  it("offers the redwire subprotocol and the token as a subprotocol, never in the URL", async () => {
    const { transport, socket } = await openFake({ token: TOKEN });
    assert.equal(socket.url, "ws://bridge.test/redis");
    assert.deepEqual(socket.protocols, ["redwire", `token.${ENCODED_TOKEN}`]);
    transport.close();
  });

  it("offers the given protocols, and nothing more without a token", async () => {
    const { transport, socket } = await openFake({ protocols: ["redwire", "v2"] });
    assert.deepEqual(socket.protocols, ["redwire", "v2"]);
    transport.close();
  });

  it('has ws list the subprotocols as "a, b", which Deno\'s server parses', () => {
    let options: WebSocketClientOptions | undefined;
    class Recording extends FakeSocket {
      constructor(url: string, protocols?: string[], given?: WebSocketClientOptions) {
        super(url, protocols);
        options = given;
      }
    }
    void webSocketTransport("ws://bridge.test/", { WebSocket: Recording, token: TOKEN })({
      host: "localhost",
      port: 6379,
    }).catch(() => {});
    const headers = new Map<string, string>();
    let ended = false;
    options?.finishRequest?.({
      setHeader: (name, value) => headers.set(name.toLowerCase(), value),
      end: () => ended = true,
    });
    assert.equal(options?.perMessageDeflate, false);
    assert.equal(headers.get("sec-websocket-protocol"), `redwire, token.${ENCODED_TOKEN}`);
    assert.equal(ended, true);
  });

  it("carries raw bytes in binary frames both ways", async () => {
    const { transport, socket } = await openFake();
    assert.equal(socket.binaryType, "arraybuffer");
    await transport.write(encoder.encode("*1\r\n$4\r\nPING\r\n"));
    assert.deepEqual(socket.sent.map((bytes) => decoder.decode(bytes)), ["*1\r\n$4\r\nPING\r\n"]);
    const reading = transport.readable[Symbol.asyncIterator]().next();
    socket.emit({ type: "message", data: chunk("+PONG\r\n") });
    const { value } = await reading;
    assert.equal(decoder.decode(value), "+PONG\r\n");
    transport.close();
  });

  it("resolves a write only once bufferedAmount is under the high-water mark", async () => {
    const { transport, socket } = await openFake({ highWaterMark: 10 });
    const write = transport.write(new Uint8Array(20));
    assert.equal(await settledWithin(write, 30), false, "resolved above the high-water mark");
    socket.bufferedAmount = 10;
    assert.equal(await settledWithin(write, 1000), true, "still waiting at the high-water mark");
    transport.close();
  });

  it("sends a write larger than 1 MiB as frames of at most 1 MiB, in order", async () => {
    const { transport, socket } = await openFake({ highWaterMark: 64 * 1024 * 1024 });
    const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => i % 251);
    await transport.write(bytes);
    assert.deepEqual(socket.sent.map((frame) => frame.byteLength), [1048576, 1048576, 524288]);
    const joined = new Uint8Array(bytes.length);
    let offset = 0;
    for (const frame of socket.sent) {
      joined.set(frame, offset);
      offset += frame.byteLength;
    }
    assert.deepEqual(joined, bytes);
    transport.close();
  });

  it("rejects with the signal's reason when the connect is aborted, and closes the socket", async () => {
    const { Socket, sockets } = fakeSockets();
    const controller = new AbortController();
    const opening = webSocketTransport("ws://bridge.test/", { WebSocket: Socket })({
      host: "localhost",
      port: 6379,
      signal: controller.signal,
    });
    const reason = new Error("connect deadline");
    controller.abort(reason);
    await assert.rejects(opening, (error) => error === reason);
    assert.equal(sockets[0]!.readyState, 3);
  });

  it("fails with TimeoutError when the handshake outlasts connectTimeout", async () => {
    const { Socket, sockets } = fakeSockets();
    const factory = webSocketTransport("ws://bridge.test/", {
      WebSocket: Socket,
      connectTimeout: 20,
    });
    await assert.rejects(factory({ host: "localhost", port: 6379 }), (error) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /ws:\/\/bridge\.test\/.*20 ms/);
      return true;
    });
    assert.equal(sockets[0]!.readyState, 3);
  });

  it("maps a refused handshake to ConnectionError naming the redacted URL, never the token", async () => {
    const { Socket, sockets } = fakeSockets();
    const url = "wss://user:pw@bridge.test/redis?key=abc";
    const opening = webSocketTransport(url, { WebSocket: Socket, token: TOKEN })({
      host: "localhost",
      port: 6379,
    });
    await Promise.resolve();
    const socket = sockets[0]!;
    socket.emit({
      type: "error",
      message: `Invalid status code 401 for protocols token.${ENCODED_TOKEN} (${TOKEN})`,
    });
    socket.emit({ type: "close", code: 1006, reason: "" });
    await assert.rejects(opening, (error) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(
        error.message,
        /Cannot connect to bridge wss:\/\/bridge\.test\/redis\?key=redacted/,
      );
      assert.match(error.message, /401/);
      for (const secret of [TOKEN, ENCODED_TOKEN, "pw", "abc"]) {
        assert.ok(!error.message.includes(secret), `message contains ${secret}: ${error.message}`);
      }
      return true;
    });
  });

  it("fails the opening at once on an error event before open, with no close event after it", async () => {
    const { Socket, sockets } = fakeSockets();
    const opening = webSocketTransport("ws://bridge.test/redis", {
      WebSocket: Socket,
      connectTimeout: 60_000,
    })({ host: "localhost", port: 6379 });
    await Promise.resolve();
    sockets[0]!.emit({ type: "error" });
    await assert.rejects(bounded(opening, 2_000), (error) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /Cannot connect to bridge ws:\/\/bridge\.test\/redis/);
      assert.match(error.message, /401/, "the message lists the likely causes");
      return true;
    });
    assert.equal(sockets[0]!.readyState, 3, "the socket was closed");
  });

  it("names the bridge, not host:port, in the errors of connections over it", async () => {
    const { Socket, sockets } = fakeSockets();
    const transport = webSocketTransport("wss://u:pw@bridge.test/redis", { WebSocket: Socket });
    assert.equal(transport.address, "bridge wss://bridge.test/redis");
    const connection = new Connection({ transport, socketConnectTimeout: 60_000 });
    assert.equal(connection.address, "bridge wss://bridge.test/redis");
    const connecting = connection.connect();
    await Promise.resolve();
    sockets[0]!.emit({ type: "error" });
    await assert.rejects(connecting, (error) => {
      assert.ok(error instanceof ConnectionError);
      assert.doesNotMatch(error.message, /localhost|6379|pw/);
      return true;
    });
  });

  it("delivers bytes received before the bridge closes, then fails with ConnectionError", async () => {
    const { transport, socket } = await openFake();
    socket.emit({ type: "message", data: chunk("+OK\r\n") });
    socket.emit({ type: "close", code: 1011, reason: "Redis connection lost" });
    const iterator = transport.readable[Symbol.asyncIterator]();
    assert.equal(decoder.decode((await iterator.next()).value), "+OK\r\n");
    await assert.rejects(iterator.next(), (error) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /ws:\/\/bridge\.test\/redis closed by the bridge/);
      assert.match(error.message, /1011: Redis connection lost/);
      return true;
    });
    // Nothing can leave: write throws at once, which tells the connection
    // the bytes were not sent (safe to retry).
    assert.throws(() => transport.write(new Uint8Array(1)), ConnectionError);
  });

  it("fails with ConnectionError when the bridge sends a text frame", async () => {
    const { transport, socket } = await openFake();
    socket.emit({ type: "message", data: "+OK\r\n" });
    await assert.rejects(transport.readable[Symbol.asyncIterator]().next(), /text frame/);
    assert.equal(socket.closedWith?.code, 1003);
  });

  it("ends the readable on close(), closes the socket once, and refuses writes after", async () => {
    const { transport, socket } = await openFake();
    const reading = transport.readable[Symbol.asyncIterator]().next();
    transport.close();
    transport.close();
    assert.deepEqual(await reading, { done: true, value: undefined });
    assert.deepEqual(socket.closedWith, { code: 1000, reason: "" });
    assert.throws(() => transport.write(new Uint8Array(1)), ConnectionError);
  });

  it("throws TypeError for a URL that is not ws: or wss:, and RangeError for bad numbers", () => {
    const { Socket } = fakeSockets();
    assert.throws(
      () => webSocketTransport("https://bridge.test/", { WebSocket: Socket }),
      TypeError,
    );
    assert.throws(() => webSocketTransport("not a url", { WebSocket: Socket }), TypeError);
    assert.throws(
      () => webSocketTransport("ws://bridge.test/", { WebSocket: Socket, token: "" }),
      TypeError,
    );
    assert.throws(
      () => webSocketTransport("ws://bridge.test/", { WebSocket: Socket, connectTimeout: -1 }),
      RangeError,
    );
    assert.throws(
      () => webSocketTransport("ws://bridge.test/", { WebSocket: Socket, highWaterMark: 1.5 }),
      RangeError,
    );
  });
});

describe("webSocketTransport through a real bridge", () => {
  let server: RedisServer;
  let bridge: BridgeServer;
  let url: string;
  before(async () => {
    server = await startRedis();
    bridge = await serveBridge({ port: 0, target: { port: server.port }, token: TOKEN });
    url = `ws://127.0.0.1:${bridge.port}/redis`;
  });
  after(async () => {
    await bridge?.close();
    await server?.stop();
  });

  it(
    "runs commands and 1 MiB values with the runtime's WebSocket",
    { timeout: 10_000 },
    async () => {
      const transport = webSocketTransport(url, {
        token: TOKEN,
        WebSocket: await runtimeWebSocket(),
      });
      await using conn = new Connection({ transport });
      assert.equal(await conn.command(["PING"]), "PONG");
      const value = "v".repeat(1024 * 1024);
      assert.deepEqual(await conn.batch([["SET", "ws:big", value], ["STRLEN", "ws:big"]]), [
        "OK",
        1024 * 1024,
      ]);
      assert.equal(await conn.command(["GET", "ws:big"]), value);
    },
  );

  it("accepts the WebSocket class of the ws package", { timeout: 10_000 }, async () => {
    const { WebSocket } = await loadWs();
    await using conn = new Connection({
      transport: webSocketTransport(url, { token: TOKEN, WebSocket }),
    });
    assert.equal(await conn.command(["ECHO", "through ws"]), "through ws");
  });

  it("fails the connect with ConnectionError on a wrong token", { timeout: 10_000 }, async () => {
    const transport = webSocketTransport(url, {
      token: "wrong",
      WebSocket: await runtimeWebSocket(),
    });
    await using conn = new Connection({ transport });
    await assert.rejects(conn.connect(), (error) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /bridge ws:\/\/127\.0\.0\.1:\d+\/redis/);
      assert.ok(!error.message.includes("wrong"), error.message);
      return true;
    });
  });
});
