import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { Connection, type ConnectionOptions } from "../src/connection/mod.ts";
import {
  AuthenticationError,
  AuthReplyError,
  ConnectionError,
  NoScriptError,
  ProtocolError,
  ReplyError,
  TimeoutError,
} from "../src/errors.ts";
import type { RedisArgument, Reply } from "../src/protocol/mod.ts";
import { defaultTransport, type Transport, type TransportFactory } from "../src/transport/mod.ts";
import { freePort, type RedisServer, stall, startFakePeer, startRedis } from "./support/mod.ts";
import { TestClock } from "./support/clock.ts";
import { bounded, eventually, rejection, seededRandom, sleep } from "./support/wait.ts";

const HOST = "127.0.0.1";
const PASSWORD = "pw-Zq8!x@y";
const ACL_USER = { username: "alice", password: "alice-Pw-7#k" };
/** Options under which a connection sends no handshake at all (RESP2, db 0, no name or lib info). */
const NO_HANDSHAKE: ConnectionOptions = { libName: "", libVersion: "" };

let server: RedisServer;
let authServer: RedisServer;
let run = 0;

before(async () => {
  [server, authServer] = await Promise.all([
    startRedis({ tls: true, unixSocket: true }),
    startRedis({ password: PASSWORD, aclUsers: [ACL_USER] }),
  ]);
});

after(async () => {
  await Promise.all([server?.stop(), authServer?.stop()]);
});

/** A key no other test uses. */
function key(name: string): string {
  return `connection-test:${++run}:${name}`;
}

/** A connection to the plain server (or another), connected. */
async function open(options: ConnectionOptions = {}): Promise<Connection> {
  const connection = new Connection({ host: HOST, port: server.port, ...options });
  await bounded(connection.connect());
  return connection;
}

/** Waits until the server shows `connection` blocked (in BLPOP and the like). */
async function blockedAtServer(connection: Connection, observer: Connection): Promise<void> {
  const id = clientIds.get(connection);
  assert.ok(id !== undefined, "the connection's CLIENT ID, read before it blocked");
  await eventually(
    async () => {
      const line = String(await observer.command(["CLIENT", "LIST", "ID", id]));
      return /\bflags=\w*b/.test(line);
    },
    3000,
    `client ${id} to block`,
  );
}

const clientIds = new WeakMap<Connection, number>();

/** Reads and remembers a connection's CLIENT ID, for blockedAtServer(). */
async function rememberId(connection: Connection): Promise<void> {
  clientIds.set(connection, (await connection.command(["CLIENT", "ID"])) as number);
}

describe("Connection handshake", () => {
  it("connects to a server without credentials and answers PING", async () => {
    await using connection = new Connection({ host: HOST, port: server.port });
    assert.equal(connection.state, "new");
    await bounded(connection.connect());
    assert.equal(connection.state, "ready");
    assert.equal(await connection.command(["PING"]), "PONG");
    assert.equal(connection.address, `${HOST}:${server.port}`);
  });

  it("returns the same promise when connect() is called while connecting", async () => {
    await using connection = new Connection({ host: HOST, port: server.port });
    const first = connection.connect();
    assert.equal(connection.connect(), first);
    await bounded(first);
    await bounded(connection.connect());
  });

  it("connects on the first command when connect() was never called", async () => {
    await using connection = new Connection({ host: HOST, port: server.port });
    assert.equal(await bounded(connection.command(["ECHO", "lazy"])), "lazy");
    assert.equal(connection.state, "ready");
  });

  it("tolerates a server without CLIENT SETINFO (Redis 7.0)", async () => {
    await using connection = await open({ libName: "redwire", libVersion: "9.9.9" });
    assert.equal(await connection.command(["PING"]), "PONG");
  });

  it("authenticates with requirepass", async () => {
    await using connection = await open({ port: authServer.port, password: PASSWORD });
    assert.equal(await connection.command(["ACL", "WHOAMI"]), "default");
  });

  it("leaves commands to fail with NOAUTH when no password is given", async () => {
    await using connection = await open({ port: authServer.port });
    const error = await rejection(connection.command(["GET", "k"]));
    assert.ok(error instanceof AuthReplyError, String(error));
    assert.equal(error.code, "NOAUTH");
  });

  it("fails with AuthenticationError naming host:port, never the password, on a wrong password", async () => {
    const wrong = "wrong-Pa55-value";
    for (const protocol of [2, 3] as const) {
      const connection = new Connection({
        host: HOST,
        port: authServer.port,
        password: wrong,
        protocol,
      });
      const error = await rejection(connection.connect());
      assert.ok(error instanceof AuthenticationError, `protocol ${protocol}: ${String(error)}`);
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, new RegExp(`${HOST}:${authServer.port}`));
      assert.match(error.message, /user "default"/);
      for (const text of [error.message, String(error), error.stack ?? "", inspect(error)]) {
        assert.ok(!text.includes(wrong), `protocol ${protocol} shows the password: ${text}`);
        assert.ok(!text.includes(PASSWORD));
      }
      assert.equal(connection.state, "closed");
      await rejection(connection.command(["PING"]), ConnectionError);
    }
  });

  it("authenticates an ACL user with username and password", async () => {
    for (const protocol of [2, 3] as const) {
      await using connection = await open({ port: authServer.port, ...ACL_USER, protocol });
      assert.equal(await connection.command(["ACL", "WHOAMI"]), ACL_USER.username);
    }
  });

  it("fails with AuthenticationError for an unknown ACL user, naming the user", async () => {
    const connection = new Connection({
      host: HOST,
      port: authServer.port,
      username: "mallory",
      password: ACL_USER.password,
    });
    const error = await rejection(connection.connect(), AuthenticationError);
    assert.match(error.message, /user "mallory"/);
    assert.ok(!String(error).includes(ACL_USER.password));
  });

  it("sends HELLO 3 with AUTH and SETNAME on protocol 3, and gets RESP3 replies", async () => {
    await using connection = await open({
      port: authServer.port,
      ...ACL_USER,
      protocol: 3,
      clientName: "resp3-client",
    });
    const info = String(await connection.command(["CLIENT", "INFO"]));
    assert.match(info, /\bresp=3\b/);
    assert.match(info, /\bname=resp3-client\b/);
    assert.match(info, /\buser=alice\b/);
    const hash = key("hash3");
    await connection.command(["HSET", hash, "a", "1"]);
    assert.deepEqual(await connection.command(["HGETALL", hash]), new Map([["a", "1"]]));
  });

  it("stays on RESP2 by default: flat arrays, resp=2", async () => {
    await using connection = await open({ clientName: "resp2-client" });
    const info = String(await connection.command(["CLIENT", "INFO"]));
    assert.match(info, /\bresp=2\b/);
    assert.match(info, /\bname=resp2-client\b/);
    const hash = key("hash2");
    await connection.command(["HSET", hash, "a", "1"]);
    assert.deepEqual(await connection.command(["HGETALL", hash]), ["a", "1"]);
  });

  it("selects the db, which isolates keys", async () => {
    const shared = key("db");
    await using db2 = await open({ db: 2 });
    await using db3 = await open({ db: 3, protocol: 3 });
    await using db0 = await open();
    await db2.command(["SET", shared, "two"]);
    await db3.command(["SET", shared, "three"]);
    assert.equal(await db0.command(["GET", shared]), null);
    assert.equal(await db2.command(["GET", shared]), "two");
    assert.equal(await db3.command(["GET", shared]), "three");
    assert.match(String(await db2.command(["CLIENT", "INFO"])), /\bdb=2\b/);
  });

  it("fails with ConnectionError, not AuthenticationError, when a required step fails", async () => {
    const connection = new Connection({ host: HOST, port: server.port, db: 999 });
    const error = await rejection(connection.connect(), ConnectionError);
    assert.ok(!(error instanceof AuthenticationError));
    assert.match(error.message, /failed at SELECT/);
    assert.ok(error.cause instanceof ReplyError);
  });

  it("names the connection with clientName, visible in CLIENT LIST", async () => {
    await using named = await open({ clientName: "worker-7" });
    await using named3 = await open({ clientName: "worker-8", protocol: 3 });
    await using observer = await open();
    const list = String(await observer.command(["CLIENT", "LIST"]));
    assert.match(list, /\bname=worker-7\b/);
    assert.match(list, /\bname=worker-8\b/);
    assert.equal(await named.command(["CLIENT", "GETNAME"]), "worker-7");
    assert.equal(await named3.command(["CLIENT", "GETNAME"]), "worker-8");
  });

  it("connects over TLS trusting the test CA", async () => {
    await using connection = await open({
      port: server.tlsPort,
      tls: { caCerts: [server.caCert!] },
      protocol: 3,
    });
    assert.equal(await connection.command(["PING"]), "PONG");
    assert.match(String(await connection.command(["CLIENT", "INFO"])), /\bresp=3\b/);
  });

  it("refuses a server whose certificate is not trusted, by default", async () => {
    const connection = new Connection({
      host: HOST,
      port: server.tlsPort,
      tls: true,
      socketConnectTimeout: 3_000,
    });
    const error = await rejection(connection.connect(), ConnectionError);
    assert.ok(!(error instanceof TimeoutError));
    assert.match(error.message, new RegExp(`${HOST}:${server.tlsPort}`));
    assert.equal(connection.state, "closed");
  });

  it("accepts an untrusted certificate when rejectUnauthorized is false", async () => {
    await using connection = await open({
      port: server.tlsPort,
      tls: { rejectUnauthorized: false },
    });
    assert.equal(await connection.command(["PING"]), "PONG");
  });

  it("connects through a Unix socket, by option and by URL", async () => {
    await using byPath = new Connection({ path: server.socketPath });
    assert.equal(await bounded(byPath.command(["PING"])), "PONG");
    assert.equal(byPath.address, server.socketPath);
    await using byUrl = new Connection(`unix://${server.socketPath}?db=1`);
    assert.equal(await bounded(byUrl.command(["PING"])), "PONG");
    assert.match(String(await byUrl.command(["CLIENT", "INFO"])), /\bdb=1\b/);
  });

  it("fails with ConnectionError naming host:port when nothing listens", async () => {
    const port = await freePort();
    const connection = new Connection({ host: HOST, port, socketConnectTimeout: 2_000 });
    const error = await rejection(connection.connect(), ConnectionError);
    assert.match(error.message, new RegExp(`${HOST}:${port}`));
    const command = await rejection(connection.command(["PING"]), ConnectionError);
    assert.equal((command as ConnectionError).written, false);
  });

  it("hides the password from toString, inspect and JSON", () => {
    const connection = new Connection({ host: HOST, port: 1, password: PASSWORD });
    assert.equal(connection.options.password?.reveal(), PASSWORD);
    for (
      const text of [String(connection), inspect(connection), JSON.stringify(connection.options)]
    ) {
      assert.ok(!text.includes(PASSWORD), text);
    }
    assert.equal(String(connection), `Connection(${HOST}:1 db=0 new)`);
  });
});

describe("Connection.command", () => {
  it("resolves 1000 concurrent INCRs in order (pipelined FIFO)", async () => {
    await using connection = await open();
    const counter = key("fifo");
    const replies = await bounded(
      Promise.all(Array.from({ length: 1000 }, () => connection.command(["INCR", counter]))),
    );
    assert.deepEqual(replies, Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it("rejects only the command whose reply is an error; the stream goes on", async () => {
    await using connection = await open();
    const text = key("text");
    const [set, bad, get, script] = await Promise.allSettled([
      connection.command(["SET", text, "abc"]),
      connection.command(["INCR", text]),
      connection.command(["GET", text]),
      connection.command(["EVALSHA", "0".repeat(40), 0]),
    ]);
    assert.deepEqual(set, { status: "fulfilled", value: "OK" });
    assert.equal(bad.status, "rejected");
    assert.ok(bad.reason instanceof ReplyError);
    assert.equal(bad.reason.code, "ERR");
    assert.deepEqual(get, { status: "fulfilled", value: "abc" });
    assert.ok(script.status === "rejected" && script.reason instanceof NoScriptError);
    assert.equal(connection.state, "ready");
  });

  it("sends commands issued in the same tick in one write", async () => {
    const counted = countingTransport();
    await using connection = new Connection({
      host: HOST,
      port: server.port,
      transport: counted.factory,
      clientName: "coalesced",
      db: 1,
    });
    await bounded(connection.connect());
    assert.equal(counted.writes, 1, "the whole handshake leaves in one write");
    const base = key("coalesce");
    const burst = Array.from(
      { length: 50 },
      (_, i) => connection.command(["SET", `${base}:${i}`, i]),
    );
    await bounded(Promise.all(burst));
    assert.equal(counted.writes, 2, "50 commands of one tick leave in one write");
    await connection.command(["GET", `${base}:1`]);
    await connection.command(["GET", `${base}:2`]);
    assert.equal(counted.writes, 4, "commands of different ticks leave in different writes");
    const batch = await connection.batch([["GET", `${base}:3`], ["INCR", "x", "y"], [
      "GET",
      `${base}:4`,
    ]]);
    assert.equal(counted.writes, 5, "a batch is one write");
    assert.equal(batch[0], "3");
    assert.ok(batch[1] instanceof ReplyError, "batch() returns error replies in place");
    assert.equal(batch[2], "4");
  });

  it("sends a big batch in a few writes of growing size, replies in order", async () => {
    const counted = countingTransport();
    await using connection = new Connection({
      host: HOST,
      port: server.port,
      transport: counted.factory,
    });
    await bounded(connection.connect());
    const base = key("parts");
    const commands: RedisArgument[][] = [];
    for (let i = 0; i < 500; i++) {
      commands.push(["SET", `${base}:${i}`, `v${i}`.repeat(20)], ["GET", `${base}:${i}`]);
    }
    const before = counted.writes;
    const replies = await bounded(connection.batch(commands));
    const writes = counted.writes - before;
    assert.ok(writes > 1 && writes <= 8, `${writes} writes for about 60 KB`);
    for (let i = 0; i < 500; i++) {
      assert.equal(replies[2 * i], "OK");
      assert.equal(replies[2 * i + 1], `v${i}`.repeat(20));
    }
  });

  it("counts the part of a big batch not yet written as not written when the connection breaks", async () => {
    // Writes are taken and never accepted: the first part stays in flight.
    const held: TransportFactory = async (options) => {
      const inner = await defaultTransport(options);
      let handshake = true;
      return {
        readable: inner.readable,
        write: (chunk: Uint8Array) => {
          if (handshake) {
            handshake = false;
            return inner.write(chunk);
          }
          return new Promise<void>(() => {});
        },
        close: () => inner.close(),
      };
    };
    const connection = new Connection({ host: HOST, port: server.port, transport: held });
    await bounded(connection.connect());
    const calls = Array.from(
      { length: 1000 },
      (_, i) =>
        connection.command(["SET", key(`held:${i}`), "x".repeat(64)]).then(
          () => assert.fail("no reply can come"),
          (error: ConnectionError) => error.written,
        ),
    );
    await Promise.resolve();
    connection.destroy(new ConnectionError("broken on purpose"));
    const written = await bounded(Promise.all(calls));
    assert.equal(written[0], true, "the first part was handed to the transport");
    assert.equal(written[999], false, "the last part never left");
    assert.deepEqual(written, [...written].sort().reverse(), "written ones come first");
  });

  it("round-trips binary keys and values byte for byte with decodeResponses: false", async () => {
    await using connection = await open({ decodeResponses: false });
    const value = new Uint8Array(256 + 4);
    for (let i = 0; i < 256; i++) value[i] = i;
    value.set([13, 10, 0, 0xff], 256);
    const binaryKey = new Uint8Array([...new TextEncoder().encode(key("bin")), 0, 13, 10, 0xfe]);
    assert.deepEqual(await connection.command(["SET", binaryKey, value]), bytes("OK"));
    const got = await connection.command(["GET", binaryKey]);
    assert.ok(got instanceof Uint8Array);
    assert.deepEqual(got, value);
    assert.deepEqual(await connection.command(["STRLEN", binaryKey]), value.length);
    assert.deepEqual(await connection.command(["PING"]), bytes("PONG"));
  });

  it("refuses a command past maxPendingCommands at once, and accepts again after replies", async () => {
    await using connection = await open({ maxPendingCommands: 3 });
    const counter = key("bound");
    const accepted = [1, 2, 3].map(() => connection.command(["INCR", counter]));
    const error = await rejection(connection.command(["INCR", counter]), ConnectionError);
    assert.equal((error as ConnectionError).written, false);
    assert.match(error.message, /Too many pending commands/);
    assert.match(error.message, /maxPendingCommands/);
    assert.match(error.message, new RegExp(`${HOST}:${server.port}`));
    assert.deepEqual(await bounded(Promise.all(accepted)), [1, 2, 3]);
    assert.equal(await connection.command(["INCR", counter]), 4, "refused command never ran");
  });

  it("refuses a command past maxPendingBytes at once", async () => {
    await using connection = await open({ maxPendingBytes: 1024 });
    const error = await rejection(
      connection.command(["SET", key("big"), "x".repeat(2048)]),
      ConnectionError,
    );
    assert.match(error.message, /maxPendingBytes/);
    assert.equal(await connection.command(["PING"]), "PONG");
  });
});

describe("Connection timeouts", () => {
  it("times out the handshake after socketConnectTimeout when the peer never answers", async () => {
    const peer = await startFakePeer(stall);
    try {
      const connection = new Connection({
        host: HOST,
        port: peer.port,
        password: "needed-so-the-handshake-is-sent",
        socketConnectTimeout: 200,
      });
      const started = Date.now();
      const queued = connection.command(["PING"]);
      const error = await rejection(connection.connect(), TimeoutError, 3_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 180 && elapsed < 1_500, `timed out after ${elapsed} ms`);
      assert.match(error.message, new RegExp(`${HOST}:${peer.port}`));
      assert.match(error.message, /socketConnectTimeout/);
      assert.ok(!error.message.includes("needed-so"));
      assert.equal(connection.state, "closed");
      const unsent = await rejection(queued, ConnectionError);
      assert.equal((unsent as ConnectionError).written, false);
    } finally {
      await peer.close();
    }
  });

  it("times out a stalled TLS handshake after socketConnectTimeout", async () => {
    const peer = await startFakePeer(stall);
    try {
      const connection = new Connection({
        host: HOST,
        port: peer.port,
        tls: { caCerts: [server.caCert!] },
        socketConnectTimeout: 200,
      });
      const started = Date.now();
      await rejection(connection.connect(), TimeoutError, 3_000);
      assert.ok(Date.now() - started < 1_500);
    } finally {
      await peer.close();
    }
  });

  it("times out a reply that never comes, destroying the connection and its pending commands", async () => {
    const peer = await startFakePeer(stall);
    try {
      const connection = new Connection({
        host: HOST,
        port: peer.port,
        socketTimeout: 150,
        ...NO_HANDSHAKE,
      });
      await bounded(connection.connect());
      const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
      const started = Date.now();
      const first = connection.command(["GET", "a"]);
      const second = connection.command(["GET", "b"]);
      const error = await rejection(first, TimeoutError, 3_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 140 && elapsed < 1_000, `timed out after ${elapsed} ms`);
      assert.equal((error as TimeoutError).written, true);
      assert.match(error.message, new RegExp(`${HOST}:${peer.port}`));
      assert.match(error.message, /socketTimeout/);
      const other = await rejection(second, ConnectionError);
      assert.equal((other as ConnectionError).written, true);
      assert.equal(connection.state, "closed");
      assert.equal(connection.broken, true);
      assert.equal(await bounded(closed), error);
      await rejection(connection.command(["PING"]), ConnectionError);
    } finally {
      await peer.close();
    }
  });

  it("times out a slow real command (DEBUG SLEEP) with written: true", async () => {
    const connection = await open({ socketTimeout: 100 });
    const started = Date.now();
    const slow = connection.command(["DEBUG", "SLEEP", "0.4"]);
    const behind = connection.command(["PING"]);
    const error = await rejection(slow, TimeoutError);
    assert.ok(Date.now() - started < 380, "did not wait for the reply");
    assert.equal((error as TimeoutError).written, true);
    const other = await rejection(behind, ConnectionError);
    assert.equal((other as ConnectionError).written, true);
    assert.equal(connection.state, "closed");
    // Let the server wake before the next test.
    await using probe = await open();
    assert.equal(await bounded(probe.command(["PING"])), "PONG");
  });

  it("lets a per-command timeout override socketTimeout", async () => {
    await using connection = await open({ socketTimeout: 50 });
    assert.equal(await connection.command(["DEBUG", "SLEEP", "0.15"], { timeout: 2_000 }), "OK");
    assert.equal(await connection.command(["DEBUG", "SLEEP", "0.1"], { timeout: null }), "OK");
    assert.equal(connection.state, "ready");
  });

  it("enforces a short timeout after an earlier command with a longer one was answered", async () => {
    const connection = await open({ socketTimeout: 10_000 });
    assert.equal(await connection.command(["PING"]), "PONG");
    const started = Date.now();
    const error = await rejection(
      connection.command(["DEBUG", "SLEEP", "0.5"], { timeout: 100 }),
      TimeoutError,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 450, `timed out after ${elapsed} ms, not near 100 ms`);
    assert.equal((error as TimeoutError).written, true);
    await using probe = await open();
    assert.equal(await bounded(probe.command(["PING"])), "PONG");
  });

  it("extends the deadline of a blocking command by its own timeout (BLPOP 1 s, socketTimeout 200)", async () => {
    await using connection = await open({ socketTimeout: 200 });
    const started = Date.now();
    assert.equal(await bounded(connection.command(["BLPOP", key("empty"), 1])), null);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900, `BLPOP returned after ${elapsed} ms`);
    assert.equal(connection.state, "ready");
  });

  it("never times out BLPOP 0 (wait forever) while it waits", async () => {
    const clock = new TestClock();
    await using connection = await open({ socketTimeout: 100, clock });
    await using pusher = await open();
    const list = key("forever");
    await rememberId(connection);
    const popped = connection.command(["BLPOP", list, 0]);
    await blockedAtServer(connection, pusher);
    await clock.advance(300);
    await pusher.command(["RPUSH", list, "late"]);
    assert.deepEqual(await bounded(popped), [list, "late"]);
  });

  it("still enforces socketTimeout after a blocking command returned early", async () => {
    const connection = await open({ socketTimeout: 200 });
    await using pusher = await open();
    const list = key("early");
    await rememberId(connection);
    const popped = connection.command(["BLPOP", list, 5]);
    await blockedAtServer(connection, pusher);
    await pusher.command(["RPUSH", list, "soon"]);
    assert.deepEqual(await bounded(popped), [list, "soon"]);
    const started = Date.now();
    await rejection(connection.command(["DEBUG", "SLEEP", "0.6"]), TimeoutError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 550, `timed out after ${elapsed} ms, not near 200 ms`);
    await bounded(sleep(0));
    await using probe = await open();
    assert.equal(await bounded(probe.command(["PING"])), "PONG");
  });
});

describe("Connection abort", () => {
  it("rejects at once with the reason of an already aborted signal; the connection stays usable", async () => {
    await using connection = await open();
    const reason = new Error("no longer needed");
    const counter = key("pre-aborted");
    await rejection(
      connection.command(["INCR", counter], { signal: AbortSignal.abort(reason) }),
      reason,
    );
    assert.equal(connection.state, "ready");
    assert.equal(await connection.command(["GET", counter]), null, "the command never ran");
  });

  it("drops a command aborted before its write; it never reaches the server", async () => {
    await using connection = await open();
    const counter = key("aborted-before-write");
    const controller = new AbortController();
    const aborted = connection.command(["INCR", counter], { signal: controller.signal });
    const kept = connection.command(["INCR", counter]);
    controller.abort();
    const error = await rejection(aborted);
    assert.equal(error, controller.signal.reason);
    assert.equal((error as Error).name, "AbortError");
    assert.equal(await bounded(kept), 1);
    assert.equal(connection.state, "ready");
    assert.equal(connection.pending, 0);
  });

  it("destroys the connection when a command is aborted after its write", async () => {
    const connection = await open();
    await using observer = await open();
    await rememberId(connection);
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const blocked = connection.command(["BLPOP", key("abort-after"), 5], {
      signal: controller.signal,
    });
    const behind = connection.command(["PING"]);
    await blockedAtServer(connection, observer);
    controller.abort(reason);
    await rejection(blocked, reason);
    const other = await rejection(behind, ConnectionError);
    assert.equal((other as ConnectionError).written, true);
    assert.equal(connection.state, "closed");
    assert.equal(connection.broken, true);
  });

  it("never hands a reply to the wrong caller when 10 000 commands are aborted at random moments", async () => {
    const random = seededRandom(20_240_601);
    const opened: Connection[] = [];
    const stats = { fulfilled: 0, aborted: 0, dropped: 0 };
    for (let round = 0; round < 50; round++) {
      const connection = await open({ clientName: "abort-storm" });
      opened.push(connection);
      // The server sleeps 5 ms before the ECHOs (same write), so an abort timed
      // 1-3 ms out lands between the write and the reply on every runtime.
      const stall = connection.command(["DEBUG", "SLEEP", "0.005"]).catch((error: unknown) => {
        if (!(error instanceof ConnectionError)) throw error;
      });
      const outcomes = Array.from({ length: 200 }, (_, i) => {
        const value = `${round}:${i}:${random()}`;
        const controller = new AbortController();
        const reply = connection.command(["ECHO", value], { signal: controller.signal });
        if (random() < 0.01) {
          // Before the write (same tick), just after it, or around the reply.
          const moment = random();
          if (moment < 0.3) controller.abort();
          else setTimeout(() => controller.abort(), Math.floor(moment * 4));
        }
        return reply.then((got) => {
          assert.equal(got, value, "a reply reached the wrong caller");
          stats.fulfilled++;
        }, (error: unknown) => {
          if (error === controller.signal.reason) stats.aborted++;
          else if (error instanceof ConnectionError) stats.dropped++;
          else throw error;
        });
      });
      await bounded(Promise.all([stall, ...outcomes]));
      await connection.close();
    }
    assert.equal(stats.fulfilled + stats.aborted + stats.dropped, 10_000);
    // Each kind happened: an abort after a write drops the commands behind it.
    assert.ok(stats.aborted > 0 && stats.fulfilled > 0 && stats.dropped > 0, JSON.stringify(stats));
    assert.ok(opened.every((connection) => connection.state === "closed"));
    await using observer = await open();
    await eventually(async () =>
      !String(await observer.command(["CLIENT", "LIST"])).includes("abort-storm")
    );
  });

  it("ignores a signal aborted after the reply arrived", async () => {
    await using connection = await open();
    const controller = new AbortController();
    assert.equal(await connection.command(["PING"], { signal: controller.signal }), "PONG");
    controller.abort();
    assert.equal(connection.state, "ready");
    assert.equal(await connection.command(["PING"]), "PONG");
  });
});

describe("Connection push frames", () => {
  it("routes RESP3 invalidation pushes (CLIENT TRACKING) to onPush, never to the FIFO", async () => {
    const pushes: Reply[][] = [];
    await using tracked = await open({ protocol: 3, onPush: (frame) => pushes.push(frame) });
    await using writer = await open();
    const tracked1 = key("tracked");
    assert.equal(await tracked.command(["CLIENT", "TRACKING", "ON"]), "OK");
    await tracked.command(["SET", tracked1, "v0"]);
    assert.equal(await tracked.command(["GET", tracked1]), "v0");
    await writer.command(["SET", tracked1, "v1"]);
    await eventually(() => pushes.length > 0);
    assert.deepEqual(pushes[0], ["invalidate", [tracked1]]);
    // Its own write invalidates too: the push lands between replies of one batch.
    const replies = await bounded(
      Promise.all([
        tracked.command(["GET", tracked1]),
        tracked.command(["SET", tracked1, "v2"]),
        tracked.command(["GET", tracked1]),
        tracked.command(["PING"]),
      ]),
    );
    assert.deepEqual(replies, ["v1", "OK", "v2", "PONG"]);
    await eventually(() => pushes.length > 1);
    assert.deepEqual(pushes[1], ["invalidate", [tracked1]]);
  });

  it("delivers RESP3 SUBSCRIBE confirmations and messages to the subscriber while commands still work", async () => {
    const pushes: Reply[][] = [];
    await using subscriber = await open({ protocol: 3 });
    subscriber.enterSubscriberMode((frame) => pushes.push(frame));
    await using publisher = await open();
    const channel = key("channel");
    assert.equal(await bounded(subscriber.command(["SUBSCRIBE", channel])), null);
    await eventually(() => pushes.length > 0);
    assert.deepEqual(pushes[0], ["subscribe", channel, 1]);
    assert.equal(await publisher.command(["PUBLISH", channel, "hello"]), 1);
    await eventually(() => pushes.length > 1);
    assert.deepEqual(pushes[1], ["message", channel, "hello"]);
    assert.equal(await bounded(subscriber.command(["PING"])), "PONG");
    assert.equal(pushes.length, 2);
  });

  it("treats RESP2 pub/sub arrays as pushes in subscriber mode, and other replies as replies", async () => {
    const pushes: Reply[][] = [];
    await using subscriber = await open();
    subscriber.enterSubscriberMode((frame) => pushes.push(frame));
    await using publisher = await open();
    const channel = key("resp2-channel");
    assert.equal(await bounded(subscriber.command(["SUBSCRIBE", channel])), null);
    await eventually(() => pushes.length > 0);
    assert.deepEqual(pushes[0], ["subscribe", channel, 1]);
    await publisher.command(["PUBLISH", channel, "hi"]);
    await eventually(() => pushes.length > 1);
    assert.deepEqual(pushes[1], ["message", channel, "hi"]);
    assert.deepEqual(await bounded(subscriber.command(["PING"])), ["pong", ""]);
  });
});

describe("Connection failures", () => {
  let peer: Awaited<ReturnType<typeof startFakePeer>>;
  let script: (socket: Socket) => void = stall;

  before(async () => {
    peer = await startFakePeer((socket) => script(socket));
  });
  after(() => peer?.close());

  const malformed: [string, string][] = [
    ["an unknown type byte", "?oops\r\n"],
    ["a bulk length that is not a number", "$abc\r\n"],
    ["a negative bulk length", "$-5\r\n"],
    ["a negative array length", "*-2\r\n"],
    ["a 4 GB length", "$4294967296\r\n"],
    ["nesting 2000 deep", "*1\r\n".repeat(2000)],
    ["an integer with a letter", ":12a\r\n"],
  ];

  for (const [what, frame] of malformed) {
    it(`closes with ProtocolError on ${what}, rejecting every pending command`, async () => {
      script = (socket) => socket.once("data", () => socket.write(frame));
      const connection = new Connection({ host: HOST, port: peer.port, ...NO_HANDSHAKE });
      await bounded(connection.connect());
      const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
      const pending = [1, 2, 3].map((i) => connection.command(["GET", `k${i}`]));
      const first = await rejection(pending[0]!, ProtocolError);
      for (const other of pending.slice(1)) {
        const error = await rejection(other, ConnectionError);
        assert.equal((error as ConnectionError).written, true);
      }
      assert.equal(await bounded(closed), first);
      assert.equal(connection.state, "closed");
      assert.equal(connection.broken, true);
    });
  }

  it("closes with ProtocolError when a reply arrives that no command waits for", async () => {
    script = (socket) => socket.write("+surprise\r\n");
    const connection = new Connection({ host: HOST, port: peer.port, ...NO_HANDSHAKE });
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    await connection.connect().catch(() => {});
    const error = await bounded(closed);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.match(error.message, /no command was waiting/);
    assert.equal(connection.state, "closed");
  });

  it("rejects pending commands with ConnectionError when a frame is cut short by EOF", async () => {
    script = (socket) => socket.once("data", () => socket.end("$10\r\nabc"));
    const connection = new Connection({ host: HOST, port: peer.port, ...NO_HANDSHAKE });
    const pending = [connection.command(["GET", "a"]), connection.command(["GET", "b"])];
    for (const command of pending) {
      const error = await rejection(command, ConnectionError);
      assert.equal((error as ConnectionError).written, true);
      assert.match(error.message, /closed by the server/);
    }
    assert.equal(connection.state, "closed");
  });

  it("rejects pending commands with ConnectionError when the server kills the client", async () => {
    const victim = await open({ socketTimeout: 5_000 });
    await using killer = await open();
    await rememberId(victim);
    const id = clientIds.get(victim)!;
    const closed = new Promise<Error | undefined>((resolve) => victim.onClose(resolve));
    // Watched from now on: they reject while the test awaits the killer's reply.
    const blocked = rejection(victim.command(["BLPOP", key("killed"), 5]), ConnectionError);
    const behind = rejection(victim.command(["PING"]), ConnectionError);
    await blockedAtServer(victim, killer);
    assert.equal(await killer.command(["CLIENT", "KILL", "ID", id as number]), 1);
    for (const failure of [blocked, behind]) {
      const error = await failure;
      assert.equal((error as ConnectionError).written, true);
      assert.match(error.message, new RegExp(`${HOST}:${server.port}`));
    }
    assert.ok((await bounded(closed)) instanceof ConnectionError);
    assert.equal(victim.state, "closed");
    assert.equal(victim.broken, true);
    const late = await rejection(victim.command(["PING"]), ConnectionError);
    assert.equal((late as ConnectionError).written, false);
  });
});

describe("Connection.close", () => {
  it("lets in-flight replies finish, then closes", async () => {
    const connection = await open();
    const list = key("close-inflight");
    const blocked = connection.command(["BLPOP", list, 0.3]);
    const counter = key("close-count");
    const queued = connection.command(["INCR", counter]);
    const closing = connection.close();
    assert.equal(connection.state, "closing");
    assert.equal(connection.close(), closing, "close() twice returns the same promise");
    const refused = await rejection(connection.command(["PING"]), ConnectionError);
    assert.match(refused.message, /closing/);
    assert.equal(await bounded(blocked), null);
    assert.equal(await bounded(queued), 1);
    await bounded(closing);
    assert.equal(connection.state, "closed");
    assert.equal(connection.broken, false);
  });

  it("closes a connection that never connected at once", async () => {
    const connection = new Connection({ host: HOST, port: server.port });
    await bounded(connection.close());
    assert.equal(connection.state, "closed");
    await rejection(connection.connect(), ConnectionError);
  });

  it("calls onClose listeners without an error after a clean close", async () => {
    const connection = await open();
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    await connection.close();
    assert.equal(await bounded(closed), undefined);
    const late = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    assert.equal(await bounded(late), undefined, "a listener added after close is called too");
  });
});

describe("Connection.destroy", () => {
  it("rejects unsent commands with written: false and is harmless twice", async () => {
    const connection = await open();
    const unsent = connection.command(["PING"]);
    connection.destroy();
    connection.destroy();
    connection.destroy(new Error("again"));
    const error = await rejection(unsent, ConnectionError);
    assert.equal((error as ConnectionError).written, false);
    assert.equal(connection.state, "closed");
    assert.equal(connection.broken, false, "destroy() without an error is not a breakage");
  });

  it("marks the connection broken when given an error, which reaches onClose", async () => {
    const connection = await open();
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    const why = new Error("health check failed");
    connection.destroy(why);
    assert.equal(connection.broken, true);
    assert.equal(await bounded(closed), why);
  });
});

describe("Connection [Symbol.asyncDispose]", () => {
  it("closes the connection at the end of an await using block", async () => {
    let kept: Connection | undefined;
    {
      await using connection = await open();
      kept = connection;
      assert.equal(await connection.command(["PING"]), "PONG");
    }
    assert.equal(kept.state, "closed");
  });
});

// ---- helpers ----

/** A transport factory that counts write() calls. */
function countingTransport(): { factory: TransportFactory; writes: number } {
  const counted = {
    writes: 0,
    factory: async (options: Parameters<TransportFactory>[0]): Promise<Transport> => {
      const inner = await defaultTransport(options);
      return {
        readable: inner.readable,
        write: (chunk: Uint8Array) => {
          counted.writes++;
          return inner.write(chunk);
        },
        close: () => inner.close(),
      };
    },
  };
  return counted;
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
