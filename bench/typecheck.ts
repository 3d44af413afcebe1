/**
 * `deno task bench typecheck`: how long `deno check` takes, and how much
 * memory it uses, for a file calling 200 different command methods (and a
 * 50-command pipeline typed as the tuple of its replies), against a file
 * with one call. Each run writes a fresh file, so no check result is cached:
 * both figures include checking the library itself.
 *
 * @module
 */
const K = '"k"';
/** 200 different methods, each called once with valid arguments. */
const CALLS = [
  `append(${K}, "v")`,
  `bitcount(${K})`,
  `bitfield(${K}, [{ get: ["u8", 0] }])`,
  `bitfieldRo(${K}, [{ get: ["u8", 0] }])`,
  `bitop("AND", ${K}, ["a", "b"])`,
  `bitpos(${K}, 1)`,
  `blmove("a", "b", "LEFT", "RIGHT", 1)`,
  `blmpop(1, ["a"], "LEFT")`,
  `blpop("a", 1)`,
  `brpop("a", 1)`,
  `bzmpop(1, ["z"], "MIN")`,
  `bzpopmax("z", 1)`,
  `bzpopmin("z", 1)`,
  `copy("a", "b")`,
  `decr(${K})`,
  `decrby(${K}, 2)`,
  `del("a", "b")`,
  `dump(${K})`,
  `exists("a")`,
  `expire(${K}, 10, { nx: true })`,
  `expireat(${K}, 1)`,
  `expiretime(${K})`,
  `get(${K})`,
  `getbit(${K}, 1)`,
  `getdel(${K})`,
  `getex(${K}, { ex: 1 })`,
  `getrange(${K}, 0, 1)`,
  `incr(${K})`,
  `incrby(${K}, 1)`,
  `incrbyfloat(${K}, 1.5)`,
  `keys("*")`,
  `lcs("a", "b")`,
  `lcsLen("a", "b")`,
  `lcsIdx("a", "b", { withMatchLen: true })`,
  `mget(["a", "b"])`,
  `move(${K}, 1)`,
  `mset({ a: "1" })`,
  `msetnx({ a: "1" })`,
  `objectEncoding(${K})`,
  `objectFreq(${K})`,
  `objectIdletime(${K})`,
  `objectRefcount(${K})`,
  `persist(${K})`,
  `pexpire(${K}, 1)`,
  `pexpireat(${K}, 1)`,
  `pexpiretime(${K})`,
  `pfadd(${K}, "a")`,
  `pfcount(${K})`,
  `pfmerge("d", "a")`,
  `psetex(${K}, 10, "v")`,
  `pttl(${K})`,
  `randomkey()`,
  `rename("a", "b")`,
  `renamenx("a", "b")`,
  `restore(${K}, 0, new Uint8Array())`,
  `scan(0, { match: "a*" })`,
  `set(${K}, "v", { ex: 10, nx: true })`,
  `setbit(${K}, 1, 1)`,
  `setex(${K}, 1, "v")`,
  `setnx(${K}, "v")`,
  `setrange(${K}, 0, "v")`,
  `sort(${K}, { alpha: true })`,
  `sortRo(${K})`,
  `sortStore(${K}, "d")`,
  `strlen(${K})`,
  `touch(${K})`,
  `ttl(${K})`,
  `type(${K})`,
  `unlink(${K})`,
  `hdel(${K}, "f")`,
  `hexists(${K}, "f")`,
  `hget(${K}, "f")`,
  `hgetall(${K})`,
  `hincrby(${K}, "f", 1)`,
  `hincrbyfloat(${K}, "f", 1)`,
  `hkeys(${K})`,
  `hlen(${K})`,
  `hmget(${K}, ["f"])`,
  `hrandfield(${K}, 2, { withValues: true })`,
  `hscan(${K}, 0)`,
  `hset(${K}, { f: "v" })`,
  `hsetnx(${K}, "f", "v")`,
  `hstrlen(${K}, "f")`,
  `hvals(${K})`,
  `lindex(${K}, 0)`,
  `linsert(${K}, "BEFORE", "a", "b")`,
  `llen(${K})`,
  `lmove("a", "b", "LEFT", "LEFT")`,
  `lmpop(["a"], "LEFT", { count: 2 })`,
  `lpop(${K}, 2)`,
  `lpos(${K}, "a", { count: 0 })`,
  `lpush(${K}, "a")`,
  `lpushx(${K}, "a")`,
  `lrange(${K}, 0, -1)`,
  `lrem(${K}, 0, "a")`,
  `lset(${K}, 0, "a")`,
  `ltrim(${K}, 0, 1)`,
  `rpop(${K})`,
  `rpush(${K}, "a")`,
  `rpushx(${K}, "a")`,
  `sadd(${K}, "a")`,
  `scard(${K})`,
  `sdiff("a", "b")`,
  `sdiffstore("d", "a")`,
  `sinter("a")`,
  `sintercard(["a"], { limit: 1 })`,
  `sinterstore("d", "a")`,
  `sismember(${K}, "a")`,
  `smembers(${K})`,
  `smismember(${K}, ["a"])`,
  `smove("a", "b", "m")`,
  `spop(${K}, 2)`,
  `srandmember(${K})`,
  `srem(${K}, "a")`,
  `sscan(${K}, 0)`,
  `sunion("a")`,
  `sunionstore("d", "a")`,
  `zadd(${K}, [{ member: "a", score: 1 }])`,
  `zaddIncr(${K}, "a", 1)`,
  `zcard(${K})`,
  `zcount(${K}, 0, 1)`,
  `zdiff(["a"], { withScores: true })`,
  `zdiffstore("d", ["a"])`,
  `zincrby(${K}, 1, "a")`,
  `zinter(["a", "b"], { aggregate: "MAX" })`,
  `zintercard(["a"])`,
  `zinterstore("d", ["a"])`,
  `zlexcount(${K}, "-", "+")`,
  `zmpop(["a"], "MAX")`,
  `zmscore(${K}, ["a"])`,
  `zpopmax(${K})`,
  `zpopmin(${K}, 2)`,
  `zrandmember(${K}, 1, { withScores: true })`,
  `zrange(${K}, 0, -1, { withScores: true })`,
  `zrangestore("d", ${K}, 0, 1)`,
  `zrank(${K}, "a")`,
  `zrem(${K}, "a")`,
  `zremrangebylex(${K}, "-", "+")`,
  `zremrangebyrank(${K}, 0, 1)`,
  `zremrangebyscore(${K}, 0, 1)`,
  `zrevrank(${K}, "a")`,
  `zscan(${K}, 0)`,
  `zscore(${K}, "a")`,
  `zunion(["a"])`,
  `zunionstore("d", ["a"])`,
  `xack(${K}, "g", "1-1")`,
  `xadd(${K}, "*", { f: "v" }, { maxlen: 10, approximate: true })`,
  `xautoclaim(${K}, "g", "c", 0, "0")`,
  `xclaim(${K}, "g", "c", 0, ["1-1"])`,
  `xdel(${K}, "1-1")`,
  `xgroupCreate(${K}, "g", "$", { mkstream: true })`,
  `xgroupCreateconsumer(${K}, "g", "c")`,
  `xgroupDelconsumer(${K}, "g", "c")`,
  `xgroupDestroy(${K}, "g")`,
  `xgroupSetid(${K}, "g", "0")`,
  `xinfoConsumers(${K}, "g")`,
  `xinfoGroups(${K})`,
  `xinfoStream(${K})`,
  `xlen(${K})`,
  `xpending(${K}, "g")`,
  `xrange(${K}, "-", "+")`,
  `xread({ k: "0" }, { count: 1 })`,
  `xreadgroup("g", "c", { k: ">" })`,
  `xrevrange(${K}, "+", "-")`,
  `xsetid(${K}, "1-1")`,
  `xtrim(${K}, { maxlen: 1 })`,
  `geoadd(${K}, { longitude: 1, latitude: 2, member: "m" })`,
  `geodist(${K}, "a", "b", "km")`,
  `geohash(${K}, ["a"])`,
  `geopos(${K}, ["a"])`,
  `geosearch(${K}, { member: "a" }, { radius: 1, unit: "km" }, { withDist: true })`,
  `geosearchstore("d", ${K}, { member: "a" }, { radius: 1, unit: "km" })`,
  `eval("return 1", [], [])`,
  `evalsha("0", [], [])`,
  `fcall("f", [], [])`,
  `functionList()`,
  `functionLoad("code")`,
  `scriptExists("0")`,
  `scriptFlush()`,
  `scriptLoad("return 1")`,
  `publish("c", "m")`,
  `pubsubNumsub("c")`,
  `clientId()`,
  `clientInfo()`,
  `clientList({ type: "normal" })`,
  `clientKill({ id: 1 })`,
  `clientSetname("n")`,
  `echo("e")`,
  `ping()`,
  `configGet("*")`,
  `configSet("hz", 10)`,
  `commandInfo("get")`,
  `commandDocs("get")`,
  `dbsize()`,
  `flushdb()`,
  `info("server")`,
  `lastsave()`,
  `time()`,
  `aclWhoami()`,
  `aclList()`,
  `latencyLatest()`,
  `memoryUsage(${K})`,
  `memoryStats()`,
  `slowlogGet(10)`,
  `clusterShards()`,
  `clusterInfo()`,
];

function source(calls: readonly string[], nonce: string): string {
  const lines = calls.map((call) => `  await redis.${call};`);
  const pipe = calls.slice(0, 50).map((call) => `.${call}`).join("");
  return `// ${nonce}\nimport { Redis } from "${new URL("../mod.ts", import.meta.url).href}";\n` +
    `export async function run(redis: Redis): Promise<void> {\n${lines.join("\n")}\n` +
    (calls.length > 1
      ? `  const replies = await redis.pipeline()${pipe}.exec();\n  replies[49];\n`
      : "") +
    "}\n";
}

/** Wall and CPU (user + system) seconds and peak memory of one `deno check`. */
interface Run {
  seconds: number;
  cpu: number;
  mb: number;
}

async function measure(calls: readonly string[]): Promise<Run> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, source(calls, crypto.randomUUID()));
    const out = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%e %U %S %M", Deno.execPath(), "check", "--quiet", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n");
    if (!out.success) throw new Error(`deno check failed:\n${stderr.join("\n")}`);
    const [seconds, user, system, kb] = stderr[stderr.length - 1]!.split(" ").map(Number);
    return { seconds: seconds!, cpu: user! + system!, mb: Math.round(kb! / 1024) };
  } finally {
    await Deno.remove(file);
  }
}

/** Prints check time and peak memory for one call and for 200 different methods. */
export async function runTypecheckBench(): Promise<void> {
  if (new Set(CALLS.map((c) => c.slice(0, c.indexOf("(")))).size < 200) {
    throw new Error(`need 200 different methods, have ${CALLS.length}`);
  }
  // Alternate the two files and keep each one's best run: on a shared
  // machine the load, not the types, makes most of the spread.
  const runs = { one: [] as Run[], all: [] as Run[] };
  for (let i = 0; i < 2; i++) {
    runs.one.push(await measure(CALLS.slice(0, 1)));
    runs.all.push(await measure(CALLS.slice(0, 200)));
  }
  const best = (list: Run[]) => list.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const [one, all] = [best(runs.one), best(runs.all)];
  const row = (name: string, r: Run) =>
    console.log(
      `  ${name.padEnd(30)} ${r.seconds.toFixed(2)} s wall  ${r.cpu.toFixed(2)} s CPU  ${r.mb} MB`,
    );
  console.log("deno check, fresh file each run (best of 2; both include checking the library)");
  row("1 call", one);
  row("200 methods + 50-cmd pipeline", all);
  const cost = { seconds: all.seconds - one.seconds, cpu: all.cpu - one.cpu, mb: all.mb - one.mb };
  row("cost of the 200 calls", cost);
}

if (import.meta.main) await runTypecheckBench();
