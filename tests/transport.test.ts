import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ConnectionError } from "../src/errors.ts";
import { Decoder, encodeCommands, type Reply } from "../src/protocol/mod.ts";
import {
  defaultTransport,
  type OpenOptions,
  type Transport,
  type TransportFactory,
} from "../src/transport/mod.ts";
import { openNodeTransport } from "../src/transport/node.ts";
import {
  type Certificates,
  freePort,
  makeCertificates,
  type RedisServer,
  resetOnData,
  stall,
  startFakePeer,
  startRedis,
} from "./support/mod.ts";
import { concatBytes } from "./support/bytes.ts";
import { bounded, sleep } from "./support/wait.ts";

const IS_DENO = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const HOST = "127.0.0.1";
const PING = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");
const PONG = "+PONG\r\n";

const ADAPTERS: [string, TransportFactory][] = [
  ["defaultTransport", defaultTransport],
  ["openNodeTransport", openNodeTransport],
];
if (IS_DENO) {
  // Loaded only on Deno: the Deno adapter calls Deno.* when it runs.
  const { openDenoTransport } = await import("../src/transport/deno.ts");
  ADAPTERS.push(["openDenoTransport", openDenoTransport]);
}

let server: RedisServer;
let mtlsServer: RedisServer;
let certs: Certificates;

before(async () => {
  certs = await makeCertificates();
  [server, mtlsServer] = await Promise.all([
    startRedis({ tls: true, unixSocket: true }),
    startRedis({ tls: true, tlsAuthClients: true }),
  ]);
});

after(async () => {
  await Promise.all([server?.stop(), mtlsServer?.stop()]);
});

for (const [name, open] of ADAPTERS) {
  const isDenoAdapter = name === "openDenoTransport";
  const tlsTo = (target: RedisServer, tls: OpenOptions["tls"] = {}): OpenOptions => ({
    host: HOST,
    port: target.tlsPort ?? 0,
    tls: { caCerts: [certs.caCert.pem], ...tls },
  });

  describe(name, () => {
    it("exchanges PING and PONG with redis-server over TCP", async () => {
      await assertPong(open, { host: HOST, port: server.port, keepalive: true });
    });

    it("reads the rest of a big value into the buffer its decoder offers", async () => {
      const value = new Uint8Array(randomBytes(1024 * 1024 + 7));
      const decoder = new Decoder({ decodeResponses: false });
      const transport = await bounded(open({ host: HOST, port: server.port, decoder }));
      try {
        const key = `transport:big:${name}`;
        await transport.write(encodeCommands([["SET", key, value], ["GET", key]]));
        const replies: Reply[] = [];
        const inPlace: Uint8Array[] = [];
        const iterator = iterate(transport);
        while (replies.length < 2) {
          const { value: chunk, done } = await bounded(iterator.next());
          assert.ok(!done, "the stream ended early");
          // A view of the memory readTarget() offered, taken before the decoder moves on.
          if (decoder.readTarget()?.buffer === chunk.buffer) inPlace.push(chunk);
          decoder.feed(chunk, (reply) => replies.push(reply));
        }
        assert.deepEqual(replies[0], encode("OK"));
        assert.deepEqual(replies[1], value);
        // Deno reads into it; the others copy from their own chunks (and ignore the decoder).
        if (isDenoAdapter) {
          assert.ok(inPlace.length > 0, "no read went into the value's buffer");
          assert.ok(inPlace.every((chunk) => chunk.buffer === (replies[1] as Uint8Array).buffer));
        }
      } finally {
        transport.close();
      }
    });

    it("verifies the server certificate against tls.caCerts", async () => {
      await assertPong(open, tlsTo(server));
    });

    it("verifies the certificate against tls.servername when given", async () => {
      await assertPong(open, tlsTo(server, { servername: "localhost" }));
      await assert.rejects(open(tlsTo(server, { servername: "wrong.example" })), ConnectionError);
    });

    it("rejects a server signed by an untrusted CA with ConnectionError", async () => {
      const options = tlsTo(server, { caCerts: [certs.untrustedCaCert.pem] });
      await assert.rejects(bounded(open(options)), (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.match(error.message, new RegExp(`${HOST}:${server.tlsPort}`));
        assert.ok(error.cause !== undefined);
        return true;
      });
    });

    it("skips verification when tls.rejectUnauthorized is false", async () => {
      const options = tlsTo(server, {
        caCerts: [certs.untrustedCaCert.pem],
        rejectUnauthorized: false,
      });
      if (isDenoAdapter) await assert.rejects(open(options), TypeError);
      else await assertPong(open, options);
    });

    it("presents a client certificate when the server asks for one", async () => {
      const options = tlsTo(mtlsServer, { cert: certs.clientCert.pem, key: certs.clientKey.pem });
      // Deno.connectTls, the only Deno API with client certificates, keeps Nagle on.
      if (isDenoAdapter) await assert.rejects(open(options), TypeError);
      else await assertPong(open, options);
    });

    it("sends small writes at once (no Nagle delay) over TCP, TLS and mutual TLS", async () => {
      const mutual = { cert: certs.clientCert.pem, key: certs.clientKey.pem };
      const targets = [{ host: HOST, port: server.port }, tlsTo(server)];
      if (!isDenoAdapter) targets.push(tlsTo(mtlsServer, mutual));
      for (const options of targets) {
        const transport = await bounded(open(options));
        try {
          const iterator = iterate(transport);
          const started = Date.now();
          // Two writes per reply: with Nagle on, the second waits for a delayed ACK (~40 ms).
          for (let round = 0; round < 20; round++) {
            await transport.write(PING.subarray(0, 8));
            await transport.write(PING.subarray(8));
            await readBytes(iterator, PONG.length);
          }
          const elapsed = Date.now() - started;
          assert.ok(elapsed < 400, `20 split PINGs took ${elapsed} ms on ${options.port}`);
        } finally {
          transport.close();
        }
      }
    });

    it("connects through a Unix socket", async () => {
      await assertPong(open, { host: HOST, port: 0, path: server.socketPath });
    });

    it("fails with ConnectionError naming host:port when nothing listens", async () => {
      const port = await freePort();
      await assert.rejects(bounded(open({ host: HOST, port })), (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.match(error.message, new RegExp(`${HOST}:${port}`));
        assert.ok(error.cause instanceof Error);
        return true;
      });
    });

    it("rejects with the abort reason when the signal fires during a stalled TLS handshake", async () => {
      const peer = await startFakePeer(stall);
      try {
        const controller = new AbortController();
        const reason = new Error("gave up");
        setTimeout(() => controller.abort(reason), 50);
        const options = { host: HOST, port: peer.port, signal: controller.signal };
        const pending = open({ ...options, tls: { caCerts: [certs.caCert.pem] } });
        await assert.rejects(bounded(pending), (error: unknown) => error === reason);
      } finally {
        await peer.close();
      }
    });

    it("rejects at once with the reason of an already aborted signal", async () => {
      const reason = new Error("too late");
      const options = { host: HOST, port: server.port, signal: AbortSignal.abort(reason) };
      await assert.rejects(open(options), (error: unknown) => error === reason);
    });

    it("ends iteration with ConnectionError when the server resets", async () => {
      const peer = await startFakePeer(resetOnData);
      const transport = await open({ host: HOST, port: peer.port });
      try {
        await transport.write(PING);
        await assert.rejects(bounded(iterate(transport).next()), (error: unknown) => {
          assert.ok(error instanceof ConnectionError);
          assert.match(error.message, new RegExp(`${HOST}:${peer.port}`));
          return true;
        });
      } finally {
        transport.close();
        await peer.close();
      }
    });

    it("delivers the last bytes, then ends iteration, when the server closes", async () => {
      const peer = await startFakePeer((socket) => socket.end("+bye\r\n"));
      const transport = await open({ host: HOST, port: peer.port });
      try {
        const iterator = iterate(transport);
        assert.equal(text(await readBytes(iterator, 6)), "+bye\r\n");
        assert.deepEqual(await bounded(iterator.next()), { done: true, value: undefined });
      } finally {
        transport.close();
        await peer.close();
      }
    });

    it("writes and reads 8 MiB intact, copied chunk by chunk as it arrives", async () => {
      const value = randomBytes(8 * 1024 * 1024);
      const key = `big:${name}`;
      const header = `$${value.length}\r\n`;
      const request = concatBytes([
        encode(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n${header}`),
        value,
        encode(`\r\n*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`),
      ]);
      const transport = await open({ host: HOST, port: server.port });
      try {
        const iterator = iterate(transport);
        const expected = 5 + header.length + value.length + 2;
        // The reader starts late, so the reply piles up behind a paused socket.
        const [, reply] = await Promise.all([
          bounded(transport.write(request), 30_000),
          sleep(100).then(() => readBytes(iterator, expected, 30_000)),
        ]);
        assert.equal(reply.length, expected);
        assert.equal(text(reply.subarray(0, 5 + header.length)), `+OK\r\n${header}`);
        const body = reply.subarray(5 + header.length, expected - 2);
        assert.equal(sha256(body), sha256(value));
      } finally {
        transport.close();
      }
    });

    it("rejects a write still in flight with ConnectionError when closed", async () => {
      // A peer that never reads: the kernel buffers fill and the write waits.
      const peer = await startFakePeer((socket) => socket.pause());
      const transport = await open({ host: HOST, port: peer.port });
      try {
        const writing = transport.write(new Uint8Array(64 * 1024 * 1024));
        await sleep(50);
        transport.close();
        await assert.rejects(bounded(writing), ConnectionError);
      } finally {
        transport.close();
        await peer.close();
      }
    });

    it("ignores a second close() and rejects writes after close with ConnectionError", async () => {
      const transport = await open({ host: HOST, port: server.port });
      transport.close();
      transport.close();
      await assert.rejects(transport.write(PING), ConnectionError);
      assert.equal((await bounded(iterate(transport).next())).done, true);
    });
  });
}

async function assertPong(open: TransportFactory, options: OpenOptions): Promise<void> {
  const transport = await bounded(open(options));
  try {
    await bounded(transport.write(PING));
    assert.equal(text(await readBytes(iterate(transport), PONG.length)), PONG);
  } finally {
    transport.close();
  }
}

function iterate(transport: Transport): AsyncIterator<Uint8Array> {
  return transport.readable[Symbol.asyncIterator]();
}

/** Reads until `length` bytes came; chunks are kept as yielded, then joined. */
function readBytes(
  iterator: AsyncIterator<Uint8Array>,
  length: number,
  ms = 5_000,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  return bounded(
    (async () => {
      while (total < length) {
        const result = await iterator.next();
        if (result.done) throw new Error(`stream ended after ${total} of ${length} bytes`);
        // A chunk is valid until the next is asked for (Transport.readable): keep a copy.
        chunks.push(result.value.slice());
        total += result.value.length;
      }
      return concatBytes(chunks);
    })(),
    ms,
  );
}

function encode(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
