/**
 * The public contract of DESIGN.md (§3 Public API, §4, §5, §8), written the
 * way a user writes it: every snippet there, importing from the package.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AuthenticationError,
  BlockingConnectionPool,
  BusyLoadingError,
  Connection,
  ConnectionError,
  type ConnectionOptions,
  ConnectionPool,
  connections,
  CrossSlotError,
  currentConnection,
  encodeCommand,
  encodeCommands,
  keySlot,
  MasterNotFoundError,
  type NamedPipeline,
  NoConnectionError,
  NoScriptError,
  pipeline,
  PoolExhaustedError,
  PoolTimeoutError,
  popConnection,
  ProtocolError,
  pushConnection,
  ReadOnlyError,
  Redis,
  RedisCluster,
  RedisError,
  ReplicaNotFoundError,
  ReplyError,
  resolveConnection,
  Sentinel,
  TimeoutError,
  type TlsOptions,
  useConnection,
  webSocketTransport,
  withConnection,
} from "@redwire/redis";
import { serveBridge } from "@redwire/redis/bridge";
import {
  makeCertificates,
  type RedisServer,
  type SentinelTopology,
  stall,
  startFakePeer,
  startRedis,
  startSentinelTopology,
} from "./support/mod.ts";
import { type ClusterTopology, startClusterTopology } from "./support/cluster_topology.ts";
import { runtimeWebSocket } from "./support/ws.ts";
import { bounded, eventually } from "./support/wait.ts";

const TEST = { timeout: 15_000 };
const USER = { username: "app", password: "app-secret" };

describe("DESIGN §3: the client", () => {
  let server: RedisServer;
  let host: string;
  let port: number;
  before(async () => {
    server = await startRedis({ aclUsers: [USER], unixSocket: true });
    ({ host, port } = server);
  });
  after(() => server.stop());

  it("new Redis() defaults to localhost:6379, db 0, pooled, and opens nothing until used", async () => {
    const redis = new Redis();
    assert.match(String(redis), /localhost:6379/);
    await redis.close();
  });

  it("URL form, options form, and { pool } form", TEST, async () => {
    await using byUrl = new Redis(`redis://${USER.username}:${USER.password}@${host}:${port}/2`);
    await byUrl.set("k", "url");
    assert.equal(await byUrl.get("k"), "url");
    await using byOptions = new Redis({
      host,
      port,
      db: 2,
      password: undefined,
      maxConnections: 20,
    });
    assert.equal(await byOptions.get("k"), "url");
    await using pool = new ConnectionPool({ host, port, db: 2, maxConnections: 20 });
    await using a = new Redis({ pool });
    await using b = new Redis({ pool });
    assert.deepEqual(await Promise.all([a.get("k"), b.get("k")]), ["url", "url"]);
  });

  it("typed commands, sendCommand, pipeline, multi", TEST, async () => {
    await using redis = new Redis({ host, port });
    await redis.set("k", "v");
    assert.equal(await redis.get("k"), "v");
    assert.equal(await redis.sendCommand(["OBJECT", "ENCODING", "k"]), "embstr");
    const [a, b] = await redis.pipeline().set("a", "1").get("a").exec();
    assert.deepEqual([a, b], [await redis.set("a", "1"), "1"]);
    await redis.del("n");
    const res = await redis.multi().incr("n").incr("n").exec();
    assert.deepEqual(res, [1, 2]);
  });

  it("subscribe(channel, (message, channel) => ...) and sub.unsubscribe()", TEST, async () => {
    await using redis = new Redis({ host, port });
    const got: [string, string][] = [];
    const sub = await redis.subscribe("ch", (message, channel) => {
      got.push([String(message), channel]);
    });
    await eventually(async () => (await redis.publish("ch", "hi")) === 1 && got.length > 0);
    assert.deepEqual(got[0], ["hi", "ch"]);
    await sub.unsubscribe();
    assert.equal(await redis.publish("ch", "again"), 0);
  });

  it("close() and await using", async () => {
    const redis = new Redis({ host, port });
    assert.equal(await redis.ping(), "PONG");
    await redis.close();
    {
      await using scoped = new Redis({ host, port });
      assert.equal(await scoped.ping(), "PONG");
    }
  });

  it("accepts every connection option of §3, at every level", TEST, async () => {
    const options: ConnectionOptions = {
      host,
      port,
      db: 1,
      username: USER.username,
      password: USER.password,
      tls: false,
      socketTimeout: 5000,
      socketConnectTimeout: 5000,
      socketKeepalive: true,
      socketKeepaliveDelay: 10_000,
      retryOnTimeout: false,
      retryOnError: [ConnectionError],
      retry: { attempts: 2, baseDelay: 10, maxDelay: 100 },
      healthCheckInterval: 1000,
      clientName: "contract",
      libName: "contract-lib",
      libVersion: "1.2.3",
      protocol: 3,
      decodeResponses: true,
    };
    await using redis = new Redis(options);
    assert.equal(await redis.clientGetname(), "contract");
    await using pool = new ConnectionPool({ ...options, maxConnections: 2 });
    await using lease = await pool.acquire();
    assert.equal(await lease.connection.command(["CLIENT", "GETNAME"]), "contract");
    await using conn = new Connection(options);
    await conn.connect();
    assert.equal(await conn.command(["CLIENT", "GETNAME"]), "contract");
    await using bytes = new Redis({ host, port, decodeResponses: false });
    await bytes.set("bin", "x");
    assert.deepEqual(await bytes.get("bin"), new TextEncoder().encode("x"));
    await using unix = new Redis({ path: server.socketPath });
    assert.equal(await unix.ping(), "PONG");
  });
});

describe("DESIGN §3: TLS", () => {
  let server: RedisServer;
  let mutual: RedisServer;
  before(async () => {
    server = await startRedis({ tls: true });
    mutual = await startRedis({ tls: true, tlsAuthClients: true });
  });
  after(() => mutual.stop());
  after(() => server.stop());

  it("tls: TlsOptions verifies with caCerts; tls: true rejects an unknown CA", TEST, async () => {
    const tls: TlsOptions = {
      caCerts: [server.caCert!],
      servername: "localhost",
      rejectUnauthorized: true,
    };
    await using redis = new Redis({ host: server.host, port: server.tlsPort, tls });
    assert.equal(await redis.ping(), "PONG");
    await using insecure = new Redis({
      host: server.host,
      port: server.tlsPort,
      tls: { rejectUnauthorized: false },
    });
    assert.equal(await insecure.ping(), "PONG");
    await using strict = new Redis({
      host: server.host,
      port: server.tlsPort,
      tls: true,
      socketConnectTimeout: 5000,
    });
    await assert.rejects(strict.ping(), ConnectionError);
    await using pool = ConnectionPool.fromUrl(
      `rediss://${server.host}:${server.tlsPort}/0`,
      { maxConnections: 20, tls: { caCerts: [server.caCert!], servername: "localhost" } },
    );
    await using lease = await pool.acquire();
    assert.equal(await lease.connection.command(["PING"]), "PONG");
  });

  it("tls: { caCerts, cert, key } presents a client certificate", TEST, async () => {
    const certs = await makeCertificates();
    await using redis = new Redis({
      host: mutual.host,
      port: mutual.tlsPort,
      tls: { caCerts: [certs.caCert.pem], cert: certs.clientCert.pem, key: certs.clientKey.pem },
    });
    assert.equal(await redis.ping(), "PONG");
  });
});

describe("DESIGN §3: pools", () => {
  let server: RedisServer;
  let host: string;
  let port: number;
  before(async () => {
    server = await startRedis({ aclUsers: [USER] });
    ({ host, port } = server);
  });
  after(() => server.stop());

  it("ConnectionPool: getConnection, release, PoolExhaustedError at the cap", TEST, async () => {
    const connectionOptions: ConnectionOptions = { host, port };
    await using pool = new ConnectionPool({ ...connectionOptions, maxConnections: 1 });
    const conn = await pool.getConnection();
    assert.equal(await conn.command(["PING"]), "PONG");
    await assert.rejects(pool.getConnection(), (error) => {
      assert.ok(error instanceof PoolExhaustedError);
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /Too many connections/);
      return true;
    });
    pool.release(conn);
    pool.release(await pool.getConnection());
  });

  it("ConnectionPool.fromUrl(url, { maxConnections })", async () => {
    await using pool = ConnectionPool.fromUrl(
      `redis://${USER.username}:${USER.password}@${host}:${port}/0`,
      { maxConnections: 20 },
    );
    assert.equal(pool.stats().maxConnections, 20);
    const conn = await pool.getConnection();
    assert.equal(await conn.command(["ACL", "WHOAMI"]), USER.username);
    pool.release(conn);
  });

  it("acquire({ signal, timeout }) with await using lease; lease.connection", TEST, async () => {
    await using pool = new BlockingConnectionPool({ host, port, maxConnections: 1 });
    const signal = AbortSignal.timeout(5000);
    {
      await using lease = await pool.acquire({ signal, timeout: 1000 });
      assert.equal(await lease.connection.command(["PING"]), "PONG");
      assert.equal(pool.stats().inUse, 1);
    }
    assert.equal(pool.stats().inUse, 0);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting);
    held.release();
  });

  it("ConnectionPool.acquire({ signal, timeout }) too", TEST, async () => {
    await using pool = new ConnectionPool({ host, port, maxConnections: 20 });
    const signal = AbortSignal.timeout(5000);
    await using lease = await pool.acquire({ signal, timeout: 1000 });
    assert.equal(await lease.connection.command(["PING"]), "PONG");
  });

  it("BlockingConnectionPool waits up to timeout, then PoolTimeoutError", TEST, async () => {
    await using bpool = new BlockingConnectionPool({ host, port, maxConnections: 1, timeout: 50 });
    await using lease = await bpool.acquire();
    assert.ok(lease.connection);
    await assert.rejects(bpool.acquire(), (error) => {
      assert.ok(error instanceof PoolTimeoutError);
      assert.ok(error instanceof ConnectionError);
      return true;
    });
    const stats = bpool.stats();
    for (
      const field of [
        "maxConnections",
        "created",
        "idle",
        "inUse",
        "waiting",
        "acquired",
        "released",
        "timedOut",
        "destroyed",
      ] as const
    ) assert.equal(typeof stats[field], "number", field);
    assert.equal(stats.maxConnections, 1);
    assert.equal(stats.timedOut, 1);
    assert.equal(stats.inUse, 1);
  });

  it("disconnect({ inUse: true }) and reset()", TEST, async () => {
    await using pool = new ConnectionPool({ host, port, maxConnections: 3 });
    const idle = await pool.getConnection();
    const busy = await pool.getConnection();
    pool.release(idle);
    await pool.disconnect();
    assert.equal(pool.stats().idle, 0);
    assert.equal(pool.stats().inUse, 1);
    await pool.disconnect({ inUse: true });
    await assert.rejects(busy.command(["PING"]), ConnectionError);
    pool.release(busy);
    const after = await pool.getConnection();
    assert.equal(await after.command(["PING"]), "PONG");
    pool.release(after);
    await pool.reset();
    assert.equal(pool.stats().idle, 0);
    const again = await pool.getConnection();
    assert.equal(await again.command(["PING"]), "PONG");
    pool.release(again);
  });

  it("lifecycle options and events create/acquire/release/destroy/error", TEST, async () => {
    const events: string[] = [];
    await using pool = new ConnectionPool({
      host,
      port,
      maxConnections: 4,
      minIdle: 2,
      maxIdle: 3,
      idleTimeout: 60_000,
      maxLifetime: 60_000,
      healthCheckInterval: 1000,
      leakDetectionThreshold: 60_000,
      idleOrder: "lifo",
    });
    for (const type of ["create", "acquire", "release", "destroy", "error"] as const) {
      pool.addEventListener(type, () => events.push(type));
    }
    const conn = await pool.getConnection(); // warm-up starts with the first acquire
    pool.release(conn);
    await eventually(() => pool.stats().idle === 2, 5000, "minIdle warm-up");
    await pool.disconnect();
    for (const type of ["create", "acquire", "release", "destroy"]) {
      assert.ok(events.includes(type), `${type} in ${events}`);
    }
    await using broken = new ConnectionPool({
      host,
      port: 1,
      socketConnectTimeout: 2000,
      idleOrder: "fifo",
    });
    let failed: Error | undefined;
    broken.addEventListener("error", (event) => failed = event.detail.error);
    await assert.rejects(broken.getConnection(), ConnectionError);
    assert.ok(failed instanceof ConnectionError);
  });
});

describe("DESIGN §3/§4: pool lifecycle behaviour", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  async function pings(): Promise<number> {
    await using conn = new Connection({ host: server.host, port: server.port });
    const info = String(await conn.command(["INFO", "commandstats"]));
    return Number(/cmdstat_ping:calls=(\d+)/.exec(info)?.[1] ?? 0);
  }

  it("healthCheckInterval PINGs a connection idle for longer before lending it", TEST, async () => {
    const { host, port } = server;
    await using pool = new ConnectionPool({ host, port, healthCheckInterval: 20 });
    pool.release(await pool.getConnection());
    const before = await pings();
    await new Promise((resolve) => setTimeout(resolve, 60)); // idle past the interval
    pool.release(await pool.getConnection());
    assert.equal(await pings(), before + 1);
  });

  it(
    "leakDetectionThreshold reports the acquirer's stack; maxLifetime retires old connections",
    TEST,
    async () => {
      const { host, port } = server;
      await using pool = new ConnectionPool({
        host,
        port,
        leakDetectionThreshold: 20,
        logLeaks: false,
      });
      const leaks: string[] = [];
      pool.addEventListener("leak", (event) => leaks.push(event.detail.stack));
      const held = await pool.getConnection();
      await eventually(() => leaks.length > 0, 5000, "a leak report");
      assert.match(leaks[0], /contract\.test\./);
      pool.release(held);
      await using aging = new ConnectionPool({ host, port, maxLifetime: 30 });
      const reasons: string[] = [];
      aging.addEventListener("destroy", (event) => reasons.push(event.detail.reason));
      aging.release(await aging.getConnection());
      await eventually(
        async () => {
          aging.release(await aging.getConnection());
          return reasons.includes("lifetime");
        },
        5000,
        "a connection retired past maxLifetime",
      );
    },
  );

  it(
    "socketConnectTimeout bounds connect and handshake: TimeoutError, not written (§4)",
    TEST,
    async () => {
      const peer = await startFakePeer(stall);
      try {
        await using redis = new Redis({
          host: peer.host,
          port: peer.port,
          socketConnectTimeout: 200,
        });
        await assert.rejects(bounded(redis.ping()), (error) => {
          assert.ok(error instanceof TimeoutError, String(error));
          assert.equal(error.written, false);
          assert.ok(error.message.includes(`${peer.host}:${peer.port}`), error.message);
          return true;
        });
      } finally {
        await peer.close();
      }
    },
  );

  it("a blocking command extends socketTimeout by its own timeout (§4)", TEST, async () => {
    const { host, port } = server;
    await using redis = new Redis({ host, port, socketTimeout: 500 });
    assert.equal(await redis.blpop(["empty-list"], 1), null);
  });

  it(
    "a command in flight when the server dies fails with ConnectionError, written: true",
    TEST,
    async () => {
      const doomed = await startRedis();
      await using redis = new Redis({ host: doomed.host, port: doomed.port });
      await redis.ping();
      const pending = redis.blpop(["never"], 10);
      await using admin = new Connection({ host: doomed.host, port: doomed.port });
      await eventually(
        async () => String(await admin.command(["CLIENT", "LIST"])).includes("cmd=blpop"),
        5000,
        "the BLPOP to reach the server",
      );
      doomed.kill("SIGKILL");
      await assert.rejects(pending, (error) => {
        assert.ok(error instanceof ConnectionError, String(error));
        assert.equal(error.written, true);
        return true;
      });
      await doomed.stop();
    },
  );
});

describe("DESIGN §3: low-level connection and encoding", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  it("new Connection / connect / command / batch / close", TEST, async () => {
    const { host, port } = server;
    const conn = new Connection({ host, port });
    await conn.connect();
    assert.equal(await conn.command(["PING"]), "PONG");
    assert.deepEqual(await conn.batch([["SET", "a", "1"], ["GET", "a"]]), ["OK", "1"]);
    await conn.close();
  });

  it("encodeCommand / encodeCommands -> Uint8Array", () => {
    const one = encodeCommand(["SET", "k", "v"]);
    assert.ok(one instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(one), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    const two = encodeCommands([["SET", "k", "v"], ["GET", "k"]]);
    assert.ok(two instanceof Uint8Array);
    assert.equal(
      new TextDecoder().decode(two),
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
    );
  });
});

describe("DESIGN §3: named connections and the connection context", () => {
  let server: RedisServer;
  let other: RedisServer;
  before(async () => {
    [server, other] = await Promise.all([startRedis(), startRedis()]);
  });
  after(async () => {
    // connect(client) does not own a client it was given: close them here.
    const clients = connections.names().map((name) => connections.get(name));
    await connections.reset();
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all([server.stop(), other.stop()]);
  });

  it("connections.connect, pipeline({ name, autocommit }), p.on(name), nesting", TEST, async () => {
    connections.connect(new Redis({ port: server.port, host: server.host }), { name: "users" });
    connections.connect(new Redis({ port: other.port, host: other.host }), { name: "messages" });
    const redis = new Redis({ host: server.host, port: server.port });
    connections.connect(redis);
    assert.equal(connections.get(), redis);
    {
      await using seed = pipeline({ name: "users", autocommit: true });
      seed.hset("u{1}", "name", "ann");
    }
    let name;
    {
      await using users = pipeline({ name: "users", autocommit: true });
      name = users.hget("u{1}", "name");
    }
    assert.equal(await name, "ann");
    const p = pipeline();
    p.on("users").hset("u{1}", "name", "joe");
    p.on("messages").hset("m{1}", "body", "hi");
    await p.exec();
    await using direct = new Redis({ host: other.host, port: other.port });
    assert.equal(await direct.hget("m{1}", "body"), "hi");
    // DESIGN writes `pipe?: Pipeline`; the registry's pipeline type is NamedPipeline.
    function save(user: string, pipe?: NamedPipeline) {
      const p = pipeline(pipe, { name: "users" });
      p.hset(`u{${user}}`, "name", user);
      return p;
    }
    const outer = pipeline();
    save("2", outer);
    assert.equal(await redis.hget("u{2}", "name"), null);
    await outer.exec();
    assert.equal(await redis.hget("u{2}", "name"), "2");
  });

  it("withConnection / currentConnection / push / pop / use / resolveConnection", async () => {
    await using redisA = new Redis({ host: server.host, port: server.port });
    await using redisB = new Redis({ host: other.host, port: other.port });
    await withConnection(redisA, async () => {
      await Promise.resolve();
      assert.equal(currentConnection(), redisA);
      assert.equal(resolveConnection(), redisA);
    });
    pushConnection(redisB);
    assert.equal(currentConnection(), redisB);
    assert.equal(popConnection(), redisB);
    assert.equal(resolveConnection(redisA), redisA);
    assert.throws(() => resolveConnection(), NoConnectionError);
    useConnection(redisB);
    assert.equal(resolveConnection(), redisB);
    useConnection(null);
    assert.throws(() => resolveConnection(), (error) => error instanceof NoConnectionError);
  });
});

describe("DESIGN §3: edge (webSocketTransport through serveBridge)", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  it("new Redis({ host, port, transport: webSocketTransport(url, { token }) })", TEST, async () => {
    const token = "contract-bridge-token";
    const { host, port } = server;
    await using bridge = await serveBridge({ port: 0, target: { host, port }, token });
    const WebSocket = await runtimeWebSocket();
    const url = `ws://127.0.0.1:${bridge.port}/redis`;
    await using redis = new Redis({
      host,
      port,
      // Node 20 has no global WebSocket: only there is the constructor passed.
      transport: webSocketTransport(url, globalThis.WebSocket ? { token } : { token, WebSocket }),
    });
    await redis.set("edge", "ok");
    assert.equal(await redis.get("edge"), "ok");
  });
});

describe("DESIGN §3: errors, one hierarchy", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis({ password: "s3cret" });
  });
  after(() => server.stop());

  it("the instanceof chain", () => {
    for (
      const cls of [
        PoolExhaustedError,
        PoolTimeoutError,
        AuthenticationError,
        MasterNotFoundError,
        ReplicaNotFoundError,
      ]
    ) {
      assert.ok(cls.prototype instanceof ConnectionError, cls.name);
    }
    for (const cls of [ConnectionError, TimeoutError, ProtocolError, ReplyError]) {
      assert.ok(cls.prototype instanceof RedisError, cls.name);
    }
    assert.ok(NoConnectionError.prototype instanceof RedisError);
    for (const cls of [ReadOnlyError, NoScriptError, BusyLoadingError]) {
      assert.ok(cls.prototype instanceof ReplyError, cls.name);
    }
    assert.ok(RedisError.prototype instanceof Error);
    assert.equal(new ConnectionError("x").written, false);
    assert.equal(new ConnectionError("x", { written: true }).written, true);
    assert.equal(new TimeoutError("x", { written: true }).written, true);
  });

  it(
    "server errors by prefix; wrong password is an AuthenticationError naming host:port",
    TEST,
    async () => {
      const { host, port } = server;
      await using redis = new Redis({ host, port, password: "s3cret" });
      await assert.rejects(redis.evalsha("0".repeat(40), [], []), NoScriptError);
      await assert.rejects(redis.sendCommand(["NOSUCHCOMMAND"]), (error) => {
        assert.ok(error instanceof ReplyError);
        assert.ok(error instanceof RedisError);
        return true;
      });
      await redis.sendCommand(["REPLICAOF", "127.0.0.1", "1"]);
      try {
        await assert.rejects(redis.set("k", "v"), ReadOnlyError);
      } finally {
        await redis.sendCommand(["REPLICAOF", "NO", "ONE"]);
      }
      await using wrong = new Redis({ host, port, password: "nope", maxConnections: 1 });
      await assert.rejects(wrong.ping(), (error) => {
        assert.ok(error instanceof AuthenticationError, String(error));
        assert.ok(error instanceof ConnectionError);
        assert.ok(error.message.includes(`${host}:${port}`), error.message);
        assert.ok(!error.message.includes("nope"));
        return true;
      });
    },
  );

  it("a reply timeout is a TimeoutError that says written", TEST, async () => {
    const { host, port } = server;
    await using redis = new Redis({ host, port, password: "s3cret", socketTimeout: 200 });
    await assert.rejects(redis.sendCommand(["DEBUG", "SLEEP", "1"]), (error) => {
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.written, true);
      return true;
    });
  });
});

describe("DESIGN §5: Sentinel", () => {
  const password = "node-pw";
  let topology: SentinelTopology;
  before(async () => {
    topology = await startSentinelTopology({ replicas: 1, sentinels: 1, password });
    await topology.waitForMaster({ settled: true });
  });
  after(() => topology.stop());

  it("masterFor / replicaFor / discover* / fromConfig / the URL form", TEST, async () => {
    const [[h1, p1]] = topology.addresses;
    await using sentinel = new Sentinel([[h1, p1], ["127.0.0.1", 1]], {
      socketTimeout: 500,
      password,
    });
    await using master = sentinel.masterFor("mymaster", { db: 0, maxConnections: 20 });
    await using replica = sentinel.replicaFor("mymaster");
    await master.set("k", "v");
    assert.equal((await master.sendCommand(["ROLE"]) as unknown[])[0], "master");
    assert.equal((await replica.sendCommand(["ROLE"]) as unknown[])[0], "slave");
    const [host, port] = await sentinel.discoverMaster("mymaster");
    assert.equal(typeof host, "string");
    assert.equal(typeof port, "number");
    const replicas = await sentinel.discoverReplicas("mymaster");
    assert.equal(replicas.length, 1);
    await assert.rejects(sentinel.discoverMaster("nosuch"), MasterNotFoundError);
    await using fromConfig = Sentinel.fromConfig({
      instances: topology.addresses,
      socketTimeout: 500,
      password,
      db: 0,
      masterName: "mymaster",
    });
    await using configured = fromConfig.masterFor();
    assert.equal(await configured.get("k"), "v");
    await using byUrl = new Redis(
      `redis+sentinel://:${password}@${h1}:${p1},127.0.0.1:1/mymaster/0`,
    );
    assert.equal(await byUrl.get("k"), "v");
  });
});

describe("DESIGN §8: the commands example", () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(() => server.stop());

  it("streams, scan iterators and a registered script", TEST, async () => {
    await using redis = new Redis({ host: server.host, port: server.port });
    const id = await redis.xadd("orders", "*", { item: "book", qty: "2" });
    await redis.xgroupCreate("orders", "workers", "0", { mkstream: true });
    const batch = await redis.xreadgroup("workers", "w1", { orders: ">" }, {
      count: 10,
      block: 5000,
    });
    assert.ok(batch);
    assert.equal(await redis.xack("orders", "workers", id), 1);
    await redis.mset({ "user:1": "a", "user:2": "b", "other": "c" });
    const keys: string[] = [];
    for await (const key of redis.scanIterator({ match: "user:*", count: 100 })) keys.push(key);
    assert.deepEqual(keys.sort(), ["user:1", "user:2"]);
    await redis.hset("h", { f1: "v1", f2: "v2" });
    const fields: Record<string, string> = {};
    for await (const [field, value] of redis.hscanIterator("h")) fields[field] = value;
    assert.deepEqual(fields, { f1: "v1", f2: "v2" });
    const incrBy = redis.registerScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    assert.equal(await incrBy.run(["counter"], [5]), 5);
    await redis.scriptFlush();
    assert.equal(await bounded(incrBy.run(["counter"], [5])), 10);
  });
});

describe("DESIGN §7: Redis Cluster", () => {
  let topology: ClusterTopology;
  before(async () => {
    topology = await startClusterTopology({ primaries: 3, replicasPerPrimary: 0 });
  });
  after(() => topology.stop());

  it("the §7 snippet", TEST, async () => {
    const password = undefined;
    const [[h1, p1], [h2, p2]] = topology.addresses;
    await using cluster = new RedisCluster([[h1, p1], [h2, p2]], {
      password,
      maxConnections: 20, /* per node */
      readFromReplicas: false,
      maxRedirects: 16,
      addressMap: (host, port) => [host, port], /* NAT / containers */
    });
    await using byUrl = new RedisCluster(`redis+cluster://${h1}:${p1},${h2}:${p2}`);
    await cluster.set("k", "v");
    assert.equal(await cluster.get("k"), "v");
    assert.equal(await byUrl.get("k"), "v");
    await cluster.mset({ a: "1", b: "2" });
    assert.deepEqual(await cluster.mget(["a", "b", "c"]), ["1", "2", null]);
    assert.deepEqual(await cluster.mget([]), []);
    const [, b] = await cluster.pipeline().set("a", "1").get("b").exec();
    assert.equal(b, "2");
    assert.deepEqual(await cluster.multi().incr("{u1}:a").incr("{u1}:b").exec(), [1, 1]);
    await assert.rejects(cluster.multi().incr("a").incr("b").exec(), CrossSlotError);
    const watched = await cluster.watch(["{u1}:a"], async (tx) => {
      const current = Number(await tx.get("{u1}:a"));
      return await tx.multi().set("{u1}:a", String(current + 1)).exec();
    });
    assert.ok(watched);
    assert.equal(await cluster.get("{u1}:a"), "2");
    const sharded: string[] = [];
    const handler = (message: string) => void sharded.push(message);
    const ssub = await cluster.ssubscribe("ch{7}", handler);
    await eventually(async () => (await cluster.spublish("ch{7}", "m")) > 0 && sharded.length > 0);
    await ssub.unsubscribe();
    const news: string[] = [];
    const sub = await cluster.subscribe("news", (message) => void news.push(message));
    await eventually(async () => (await cluster.publish("news", "n")) > 0 && news.length > 0);
    await sub.unsubscribe();
    await cluster.mset({ "u:1": "x" });
    await cluster.set("u:2", "y");
    const keys: string[] = [];
    for await (const key of cluster.scanIterator({ match: "u:*" })) keys.push(key);
    assert.deepEqual(keys.sort(), ["u:1", "u:2"]);
    const lua = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    assert.equal(await cluster.registerScript(lua).run(["counter"], [5]), 5);
    const primaries = await cluster.nodes("primary");
    assert.equal(primaries.length, 3);
    assert.match(String(primaries[0]), /127\.0\.0\.1:\d+/);
    assert.deepEqual(await cluster.nodes("replica"), []);
    assert.equal((await cluster.nodes("all")).length, 3);
    const stats = cluster.stats();
    assert.equal(typeof stats.topologyRefreshes, "number");
    assert.equal(typeof stats.redirects.moved + typeof stats.redirects.ask, "numbernumber");
    assert.equal(typeof stats.retries.tryAgain + typeof stats.retries.clusterDown, "numbernumber");
    assert.equal(typeof stats.nodes[`${h1}:${p1}`].inUse, "number");
    assert.equal(keySlot("{user1000}.following"), 3443);
    assert.equal(keySlot(new TextEncoder().encode("{user1000}.following")), 3443);
    assert.throws(() => new RedisCluster([]), TypeError);
    connections.connect(cluster, { name: "sessions" });
    assert.equal(connections.get("sessions"), cluster);
    await connections.disconnect("sessions");
  });
});
