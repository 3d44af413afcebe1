import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionError } from "../src/errors.ts";
import {
  openCloudflareTransport,
  type WorkerConnect,
  type WorkerSocket,
} from "../src/transport/cloudflare.ts";
import { bounded } from "./support/wait.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A socket shaped like cloudflare:sockets', driven by the test. */
function fakeSocket(options: { refuse?: Error; writeThrows?: Error } = {}) {
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const written: Uint8Array[] = [];
  let closed = false;
  let release!: () => void;
  let held = Promise.resolve();
  const socket: WorkerSocket = {
    readable: new ReadableStream<Uint8Array>({ start: (c) => (feed = c) }),
    writable: new WritableStream<Uint8Array>({
      write: async (chunk) => {
        if (options.writeThrows) throw options.writeThrows;
        await held;
        written.push(chunk.slice());
      },
    }, { highWaterMark: 1 }),
    opened: options.refuse ? Promise.reject(options.refuse) : Promise.resolve({}),
    closed: new Promise(() => {}),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  socket.opened.catch(() => {});
  return {
    socket,
    written,
    feed: (text: string) => feed.enqueue(encoder.encode(text)),
    end: () => feed.close(),
    hold: () => (held = new Promise((resolve) => (release = resolve))),
    release: () => release(),
    get closed() {
      return closed;
    },
  };
}

function connector(fake: ReturnType<typeof fakeSocket>) {
  const calls: Parameters<WorkerConnect>[] = [];
  const connect: WorkerConnect = (...args) => {
    calls.push(args);
    return fake.socket;
  };
  return { connect, calls };
}

describe("openCloudflareTransport", () => {
  it("connects over TCP, or TLS with secureTransport on, and reads what the server sends", async () => {
    const fake = fakeSocket();
    const { connect, calls } = connector(fake);
    const transport = await openCloudflareTransport(
      { host: "redis.test", port: 6380, tls: {} },
      connect,
    );
    assert.deepEqual(calls[0], [{ hostname: "redis.test", port: 6380 }, {
      secureTransport: "on",
      allowHalfOpen: false,
    }]);
    await transport.write(encoder.encode("*1\r\n$4\r\nPING\r\n"));
    assert.equal(decoder.decode(fake.written[0]), "*1\r\n$4\r\nPING\r\n");
    fake.feed("+PONG\r\n");
    const iterator = transport.readable[Symbol.asyncIterator]();
    assert.equal(decoder.decode((await bounded(iterator.next())).value), "+PONG\r\n");
    fake.end();
    assert.equal((await bounded(iterator.next())).done, true);
    transport.close();
    transport.close();
    assert.equal(fake.closed, true);
  });

  it("fails with ConnectionError naming host:port when the connection is refused", async () => {
    const fake = fakeSocket({ refuse: new Error("connection refused") });
    await assert.rejects(
      openCloudflareTransport({ host: "redis.test", port: 6379 }, connector(fake).connect),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.match(error.message, /redis\.test:6379: connection refused/);
        return true;
      },
    );
  });

  it("refuses what Workers cannot do (Unix sockets, custom CAs, no verification) with ConnectionError", async () => {
    const { connect, calls } = connector(fakeSocket());
    for (
      const options of [
        { host: "h", port: 1, path: "/run/redis.sock" },
        { host: "h", port: 1, tls: { caCerts: ["pem"] } },
        { host: "h", port: 1, tls: { rejectUnauthorized: false } },
      ]
    ) {
      await assert.rejects(openCloudflareTransport(options, connect), ConnectionError);
    }
    assert.equal(calls.length, 0, "nothing was opened");
  });

  it("resolves a write only once the socket took it (backpressure)", async () => {
    const fake = fakeSocket();
    const transport = await openCloudflareTransport(
      { host: "h", port: 1 },
      connector(fake).connect,
    );
    fake.hold();
    let done = false;
    const first = transport.write(encoder.encode("a")).then(() => (done = true));
    const second = transport.write(encoder.encode("b"));
    await Promise.resolve();
    assert.equal(done, false);
    fake.release();
    await bounded(Promise.all([first, second]));
    assert.deepEqual(fake.written.map((b) => decoder.decode(b)), ["a", "b"]);
    transport.close();
  });

  it("throws synchronously (nothing sent) when the stream refuses the bytes at once", async () => {
    const fake = fakeSocket();
    // As workerd does for a socket that another request opened.
    const refusing = {
      getWriter: () => ({
        write: () => {
          throw new Error("Cannot perform I/O on behalf of a different request");
        },
        releaseLock: () => {},
      }),
    } as unknown as WritableStream<Uint8Array>;
    const socket = { ...fake.socket, writable: refusing };
    const transport = await openCloudflareTransport({ host: "h", port: 1 }, () => socket);
    assert.throws(() => transport.write(encoder.encode("x")), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.written, false);
      assert.match(error.message, /different request/);
      return true;
    });
    transport.close();
  });

  it("rejects writes after close()", async () => {
    const fake = fakeSocket();
    const transport = await openCloudflareTransport(
      { host: "h", port: 1 },
      connector(fake).connect,
    );
    transport.close();
    await assert.rejects(transport.write(encoder.encode("x")), /is closed/);
  });

  it("rejects with a written ConnectionError when the socket fails after taking the bytes", async () => {
    const fake = fakeSocket({ writeThrows: new Error("reset by peer") });
    const transport = await openCloudflareTransport(
      { host: "h", port: 1 },
      connector(fake).connect,
    );
    await assert.rejects(transport.write(encoder.encode("x")), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.written, true);
      assert.match(error.message, /h:1: reset by peer/);
      return true;
    });
    transport.close();
  });

  it("gives up at once when the signal aborts the attempt", async () => {
    const controller = new AbortController();
    controller.abort(new Error("deadline"));
    await assert.rejects(
      openCloudflareTransport(
        { host: "h", port: 1, signal: controller.signal },
        connector(fakeSocket()).connect,
      ),
      /deadline/,
    );
  });
});
