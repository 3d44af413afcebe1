import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "../src/client/mod.ts";
import { Secret } from "../src/connection/mod.ts";
import {
  ConnectionError,
  MasterNotFoundError,
  ReadOnlyError,
  ReplicaNotFoundError,
} from "../src/errors.ts";
import { Sentinel } from "../src/client/mod.ts";
import { parseSentinelUrl, SentinelConnectionPool } from "../src/sentinel/mod.ts";
import type { FailoverEvent } from "../src/sentinel/mod.ts";
import {
  freePort,
  type SentinelTopology,
  startSentinelTopology,
  startWriteLoad,
} from "./support/mod.ts";
import { eventually, sleep } from "./support/wait.ts";

const HOST = "127.0.0.1";
const NAME = "mymaster";

/** Rejects if `promise` does not settle within `ms`: no test waits forever. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("parseSentinelUrl", () => {
  it("reads sentinels, service name, db, credentials and sentinel options", () => {
    const parsed = parseSentinelUrl(
      "redis+sentinel://joe:p%40ss@h1:26379,[::1]:26380,h3/mymaster/2?sentinelPassword=spw&socketTimeout=500",
    );
    assert.deepEqual(parsed.sentinels, [["h1", 26379], ["::1", 26380], ["h3", 26379]]);
    assert.equal(parsed.serviceName, "mymaster");
    assert.equal(parsed.options.db, 2);
    assert.equal(parsed.options.username, "joe");
    assert.equal(String(parsed.options.password), "Secret(***)");
    assert.equal(Secret.from(parsed.options.password!).reveal(), "p@ss");
    assert.equal(Secret.from(parsed.options.sentinelPassword!).reveal(), "spw");
    assert.equal(parsed.options.socketTimeout, 500);
  });

  it("rejects a malformed URL without printing the password", () => {
    assert.throws(() => parseSentinelUrl("redis+sentinel://:secret@h1:26379"), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /service/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
    assert.throws(() => parseSentinelUrl("redis+sentinel://h1:notaport/mymaster"), TypeError);
  });
});

describe("Sentinel", () => {
  let topology: SentinelTopology;
  before(async () => {
    topology = await startSentinelTopology();
  });
  after(() => topology?.stop());

  it("discovers the master and the replicas", async () => {
    const master = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    assert.deepEqual(await sentinel.discoverMaster(NAME), [HOST, master.port]);
    const replicas = (await sentinel.discoverReplicas(NAME)).map(([, port]) => port).sort();
    const expected = topology.nodes.filter((node) => node !== master).map((node) => node.port)
      .sort();
    assert.deepEqual(replicas, expected);
  });

  it("moves the sentinel that answered to the front and learns the others", async () => {
    const dead = await freePort();
    const [first] = topology.addresses;
    await using sentinel = new Sentinel([[HOST, dead], first!]);
    await sentinel.discoverMaster(NAME);
    const known = sentinel.sentinels.map(([, port]) => port);
    assert.equal(known[0], first![1]);
    assert.deepEqual(
      known.slice(1).sort(),
      [dead, ...topology.sentinels.slice(1).map((s) => s.port)].sort(),
    );
  });

  it("MasterNotFoundError says what each sentinel answered", async () => {
    await using sentinel = new Sentinel(topology.addresses);
    const error = await sentinel.discoverMaster("nosuchmaster").catch((e) => e);
    assert.ok(error instanceof MasterNotFoundError);
    assert.equal(error.answers.length, 3);
    for (const answer of error.answers) {
      assert.match(answer.answer, /does not know a master named "nosuchmaster"/);
    }
    assert.match(error.message, /nosuchmaster/);
  });

  it("fails fast with MasterNotFoundError when every sentinel is down", async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    await using sentinel = new Sentinel(ports.map((port): [string, number] => [HOST, port]));
    const started = performance.now();
    const error = await within(
      sentinel.discoverMaster(NAME).catch((e) => e),
      2000,
      "discoverMaster",
    );
    assert.ok(error instanceof MasterNotFoundError, String(error));
    assert.deepEqual(
      error.answers.map((a: { sentinel: string }) => a.sentinel),
      ports.map((p) => `${HOST}:${p}`),
    );
    await using master = sentinel.masterFor(NAME);
    const failure = await within(master.set("k", "v").catch((e) => e), 3000, "a command");
    assert.ok(failure instanceof MasterNotFoundError, String(failure));
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });

  it("masterFor writes to the master and replicaFor reads from replicas, round-robin", async () => {
    const master = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    await using writer = sentinel.masterFor(NAME);
    await using reader = sentinel.replicaFor(NAME);
    await writer.set("greeting", "hello");
    assert.deepEqual(((await writer.sendCommand(["ROLE"])) as unknown[])[0], "master");
    assert.equal(writer.pool.address, `${HOST}:${master.port}`);
    const role = (await reader.sendCommand(["ROLE"])) as unknown[];
    assert.equal(role[0], "slave");
    // Each new connection goes to the next replica.
    const leases = await Promise.all([reader.pool.acquire(), reader.pool.acquire()]);
    const addresses = leases.map((lease) => lease.connection.address).sort();
    for (const lease of leases) lease.release();
    const replicas = topology.nodes.filter((node) => node !== master).map((node) =>
      `${HOST}:${node.port}`
    ).sort();
    assert.deepEqual(addresses, replicas);
    for (const address of addresses) {
      const info = await topology.command(Number(address.split(":")[1]), ["INFO", "replication"]);
      assert.match(String(info), /role:slave/);
    }
  });

  it("builds clients from RQ's SENTINEL settings and from redis+sentinel:// URLs", async () => {
    await topology.waitForMaster({ settled: true });
    const [a, b] = topology.addresses;
    const sentinel = Sentinel.fromConfig({
      INSTANCES: [a!, `${b![0]}:${b![1]}`],
      SOCKET_TIMEOUT: 2,
      DB: 2,
      MASTER_NAME: NAME,
    });
    await using fromConfig = sentinel.masterFor();
    await fromConfig.set("rq", "1");
    assert.match(String(await fromConfig.sendCommand(["CLIENT", "INFO"])), /db=2/);
    await using fromUrl = new Redis(`redis+sentinel://${a!.join(":")},${b!.join(":")}/${NAME}/2`);
    assert.equal(await fromUrl.get("rq"), "1");
    assert.ok(fromUrl.pool instanceof SentinelConnectionPool);
    await sentinel.close();
  });

  it("keeps every acknowledged write, without errors, through SENTINEL FAILOVER under load", async () => {
    const old = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    await using redis = sentinel.masterFor(NAME);
    const events: FailoverEvent[] = [];
    const stopEvents = sentinel.onFailover(NAME, (event) => events.push(event));
    await redis.del("acked");
    const load = startWriteLoad((id) => redis.sadd("acked", id));
    await sleep(300);
    await topology.failover();
    const next = await topology.waitForMaster({ not: old, settled: true });
    await sleep(200);
    const report = await load.stop();
    stopEvents();
    assert.deepEqual(report.errors.map(String), []);
    assert.deepEqual(await topology.missing(next.port, "acked", report.acked), []);
    assert.ok(report.longestGap < 2000, `writes stopped for ${report.longestGap} ms`);
    assert.ok(events.some((e) => e.kind === "switched" && e.master?.[1] === next.port));
    assert.equal(redis.pool.address, `${HOST}:${next.port}`);
  });

  it("resumes writes on the new master after kill -9; the restarted old master gets none", async () => {
    const old = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    await using redis = sentinel.masterFor(NAME);
    await redis.del("acked");
    const load = startWriteLoad((id) => redis.sadd("acked", id));
    await sleep(300);
    const killedAt = performance.now();
    old.kill("SIGKILL");
    const next = await topology.waitForMaster({ not: old });
    await topology.restart(old);
    const monitor = await topology.monitor(old.port, ["sadd"]);
    await topology.waitForMaster({ settled: true });
    await sleep(200);
    const report = await load.stop();
    const intruders = monitor.stop();
    // Writes sent while the master was dead failed: none reached a wrong server.
    for (const error of report.errors) assert.ok(error instanceof ConnectionError, String(error));
    const resumed = report.ackedAt.find((at) => at > killedAt + 50);
    assert.ok(
      resumed !== undefined && resumed - killedAt < 2500,
      `resumed after ${resumed! - killedAt} ms`,
    );
    assert.ok(report.longestGap < 2500, `writes stopped for ${report.longestGap} ms`);
    assert.deepEqual(intruders, []);
    // Only a write acknowledged in the instant before the kill may miss the replicas.
    const missing = await topology.missing(next.port, "acked", report.acked);
    assert.ok(missing.length <= 8, `${missing.length} acknowledged writes lost`);
  });

  it("turns READONLY from a demoted master into a reconnect, not a stream of errors", async () => {
    const old = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    // No failover announcements: only the READONLY replies tell the client.
    await using redis = sentinel.masterFor(NAME, { watchFailover: false });
    await using pipelines = sentinel.masterFor(NAME, { watchFailover: false });
    const leases = await Promise.all([1, 2, 3, 4].map(() => redis.pool.acquire()));
    leases.forEach((lease) => lease.release());
    const pipeLease = await pipelines.pool.acquire();
    pipeLease.release();
    const stale: string[] = [];
    redis.pool.addEventListener("destroy", (event) => stale.push(event.detail.reason));
    const to = topology.nodes.find((node) => node !== old)!;
    await topology.moveMasterByHand(to);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => redis.set(`k${i}`, i)),
    );
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    assert.equal(String(await topology.command(to.port, ["GET", "k99"])), "99");
    assert.deepEqual(stale, ["stale", "stale", "stale", "stale"]);
    // A pipeline sees the READONLY of its one stale connection, once; the next goes to the new master.
    const first = await pipelines.pipeline().set("p", "1").exec().catch((e) => e);
    assert.ok(first instanceof ReadOnlyError, String(first));
    assert.deepEqual(await pipelines.pipeline().set("p", "2").get("p").exec(), [true, "2"]);
    // 100 commands in one batch on one stale connection, then one pipeline: all retried but the pipeline.
    const stats = String(await topology.command(old.port, ["INFO", "errorstats"]));
    assert.equal(/errorstat_READONLY:count=(\d+)/.exec(stats)?.[1], "101");
  });

  it("follows a failover while a sentinel is down, and subscribes to it again when it is back", async () => {
    const old = await topology.waitForMaster({ settled: true });
    await using sentinel = new Sentinel(topology.addresses);
    await using redis = sentinel.masterFor(NAME);
    await redis.del("acked");
    const load = startWriteLoad((id) => redis.sadd("acked", id));
    await sleep(200);
    const [dead] = topology.sentinels;
    dead!.kill("SIGKILL");
    await topology.failover(); // sent to a live sentinel
    const next = await topology.waitForMaster({ not: old, settled: true });
    const report = await load.stop();
    assert.deepEqual(report.errors.map(String), []);
    assert.deepEqual(await topology.missing(next.port, "acked", report.acked), []);
    await topology.restart(dead!);
    // The subscription to the restarted sentinel comes back (backoff at most 2 s).
    await eventually(
      async () => {
        const list = String(
          await topology.command(dead!.port, ["CLIENT", "LIST", "TYPE", "pubsub"]),
        );
        return list.includes("cmd=subscribe");
      },
      3000,
      "a subscription on the restarted sentinel",
    );
    await topology.waitForMaster({ settled: true });
  });

  it("stops its failover subscriptions when its clients close", async () => {
    await topology.waitForMaster({ settled: true });
    const subscribers = async () => {
      let count = 0;
      for (const { port } of topology.sentinels) {
        const list = String(await topology.command(port, ["CLIENT", "LIST", "TYPE", "pubsub"]));
        count += list.split("\n").filter((line) => line.includes("cmd=subscribe")).length;
      }
      return count;
    };
    const sentinel = new Sentinel(topology.addresses);
    const redis = sentinel.masterFor(NAME);
    await redis.set("k", "v");
    await eventually(async () => (await subscribers()) >= 3, 3000, "a subscription per sentinel");
    assert.equal(await subscribers(), 3);
    await redis.close();
    await eventually(async () => (await subscribers()) === 0, 3000, "the subscriptions to close");
    await sentinel.close();
  });
});

describe("Sentinel with a password", () => {
  let topology: SentinelTopology;
  before(async () => {
    topology = await startSentinelTopology({
      replicas: 0,
      sentinels: 1,
      sentinelPassword: "s3ntinel",
    });
  });
  after(() => topology?.stop());

  it("needs sentinelPassword, and never prints it", async () => {
    await using refused = new Sentinel(topology.addresses);
    const error = await refused.discoverMaster(NAME).catch((e) => e);
    assert.ok(error instanceof MasterNotFoundError, String(error));
    assert.match(error.answers[0].answer, /NOAUTH|[Aa]uth/);
    assert.match(error.message, /set sentinelPassword/);
    assert.doesNotMatch(error.message, /check that the sentinels are up/);
    await using sentinel = new Sentinel(topology.addresses, { sentinelPassword: "s3ntinel" });
    const master = await topology.waitForMaster();
    assert.deepEqual(await sentinel.discoverMaster(NAME), [HOST, master.port]);
    await using redis = sentinel.masterFor(NAME);
    await redis.set("k", "v");
    assert.doesNotMatch(`${sentinel} ${redis.pool}`, /s3ntinel/);
  });

  it("replicaFor falls back to the master, or says why with ReplicaNotFoundError", async () => {
    await using sentinel = new Sentinel(topology.addresses, { sentinelPassword: "s3ntinel" });
    await using reader = sentinel.replicaFor(NAME);
    assert.equal(((await reader.sendCommand(["ROLE"])) as unknown[])[0], "master");
    await using strict = sentinel.replicaFor(NAME, { masterFallback: false });
    const error = await strict.get("k").catch((e) => e);
    assert.ok(error instanceof ReplicaNotFoundError, String(error));
    assert.match(error.message, /No usable replica/);
    assert.ok(error.answers.length > 0);
  });
});
