/**
 * Deterministic samples of every command group, run by the reply-shape tests
 * on RESP2 and on RESP3: the two runs must give equal results.
 */
import type { Redis } from "../mod.ts";

/** Plain copies: null-prototype records compare equal to `{}` literals. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Uint8Array || value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

type Samples = Record<string, unknown>;

/** Strings, keys, bitmaps and HyperLogLog. */
export async function stringSamples(redis: Redis, p: string): Promise<Samples> {
  const k = `${p}:s`;
  return {
    set: await redis.set(k, "hello"),
    setNx: await redis.set(k, "x", { nx: true }),
    setGet: await redis.set(k, "world", { get: true }),
    get: await redis.get(k),
    getex: await redis.getex(k, { persist: true }),
    mget: await redis.mget([k, `${p}:none`]),
    msetnx: await redis.msetnx({ [`${p}:m1`]: "1", [`${p}:m2`]: "2" }),
    append: await redis.append(k, "!"),
    getrange: await redis.getrange(k, 0, 2),
    setrange: await redis.setrange(k, 0, "W"),
    strlen: await redis.strlen(k),
    incrbyfloat: await redis.incrbyfloat(`${p}:f`, 1.5),
    setnx: await redis.setnx(`${p}:f`, "0"),
    lcs: await (async () => {
      await redis.mset([[`${p}:l1`, "ohmytext"], [`${p}:l2`, "mynewtext"]]);
      return [
        await redis.lcs(`${p}:l1`, `${p}:l2`),
        await redis.lcsLen(`${p}:l1`, `${p}:l2`),
        await redis.lcsIdx(`${p}:l1`, `${p}:l2`, { withMatchLen: true }),
      ];
    })(),
    getdel: await redis.getdel(`${p}:m1`),
    copy: await redis.copy(k, `${p}:copy`),
    exists: await redis.exists(k, `${p}:copy`, `${p}:none`),
    type: await redis.type(k),
    expire: await redis.expire(k, 1000, { nx: true }),
    expireXx: await redis.expire(`${p}:copy`, 1000, { xx: true }),
    persist: await redis.persist(k),
    expiretime: await redis.expiretime(k),
    renamenx: await redis.renamenx(`${p}:copy`, k),
    objectEncoding: await redis.objectEncoding(k),
    objectRefcount: await redis.objectRefcount(k),
    touch: await redis.touch(k),
    sort: await (async () => {
      await redis.rpush(`${p}:sort`, "3", "1", "2");
      return [
        await redis.sort(`${p}:sort`, { order: "DESC", limit: { offset: 0, count: 2 } }),
        await redis.sortRo(`${p}:sort`),
        await redis.sortStore(`${p}:sort`, `${p}:sorted`),
      ];
    })(),
    setbit: await redis.setbit(`${p}:b`, 7, 1),
    getbit: await redis.getbit(`${p}:b`, 7),
    bitcount: await redis.bitcount(`${p}:b`, { start: 0, end: -1, unit: "BIT" }),
    bitpos: await redis.bitpos(`${p}:b`, 1),
    bitop: await redis.bitop("NOT", `${p}:b2`, [`${p}:b`]),
    bitfield: await redis.bitfield(`${p}:bf`, [{ incrby: ["u8", 0, 200] }, { get: ["u8", 0] }]),
    bitfieldRo: await redis.bitfieldRo(`${p}:bf`, [{ get: ["u8", 0] }]),
    pfadd: await redis.pfadd(`${p}:hll`, "a", "b", "c"),
    pfcount: await redis.pfcount(`${p}:hll`),
    pfmerge: await redis.pfmerge(`${p}:hll2`, `${p}:hll`),
    del: await redis.del(`${p}:hll2`, `${p}:none`),
  };
}

/** Hashes, lists and sets. */
export async function collectionSamples(redis: Redis, p: string): Promise<Samples> {
  const [h, l, s] = [`${p}:h`, `${p}:l`, `${p}:set`];
  return {
    hset: await redis.hset(h, { a: "1", b: "2" }),
    hsetPairs: await redis.hset(h, "c", "3", "d", "4"),
    hgetall: await redis.hgetall(h),
    hmget: await redis.hmget(h, ["a", "zz"]),
    hincrbyfloat: await redis.hincrbyfloat(h, "a", 0.5),
    hkeys: (await redis.hkeys(h)).sort(),
    hlen: await redis.hlen(h),
    hstrlen: await redis.hstrlen(h, "a"),
    hsetnx: await redis.hsetnx(h, "a", "x"),
    hexists: await redis.hexists(h, "b"),
    hscan: await redis.hscan(`${p}:h1`, 0),
    hrandfield: await (async () => {
      await redis.hset(`${p}:h1`, "only", "v");
      return [
        await redis.hrandfield(`${p}:h1`),
        await redis.hrandfield(`${p}:h1`, 1),
        await redis.hrandfield(`${p}:h1`, 1, { withValues: true }),
      ];
    })(),
    rpush: await redis.rpush(l, "a", "b", "c", "b"),
    lpos: await redis.lpos(l, "b"),
    lposCount: await redis.lpos(l, "b", { count: 0 }),
    linsert: await redis.linsert(l, "BEFORE", "a", "z"),
    lset: await redis.lset(l, 0, "y"),
    lrange: await redis.lrange(l, 0, -1),
    lpop: await redis.lpop(l, 2),
    rpop: await redis.rpop(l),
    lmpop: await redis.lmpop([`${p}:none`, l], "LEFT", { count: 5 }),
    lmpopEmpty: await redis.lmpop([`${p}:none`], "LEFT"),
    lpushx: await redis.lpushx(`${p}:none`, "x"),
    sadd: await redis.sadd(s, "a", "b", "c"),
    smembers: (await redis.smembers(s)).sort(),
    smismember: await redis.smismember(s, ["a", "z"]),
    sintercard: await redis.sintercard([s, s], { limit: 2 }),
    sinterstore: await redis.sinterstore(`${p}:set2`, s),
    sdiffstore: await redis.sdiffstore(`${p}:set3`, s, `${p}:set2`),
    sunionstore: await redis.sunionstore(`${p}:set4`, s),
    smove: await redis.smove(s, `${p}:set5`, "a"),
    sscan: await redis.sscan(`${p}:set5`, 0),
    spop: await redis.spop(`${p}:set5`, 1),
    srandmember: await redis.srandmember(`${p}:set5`, 1),
  };
}

/** Sorted sets and geo. */
export async function zsetSamples(redis: Redis, p: string): Promise<Samples> {
  const z = `${p}:z`;
  const members = [{ member: "a", score: 1 }, { member: "b", score: 2.5 }, {
    member: "c",
    score: 3,
  }];
  return {
    zadd: await redis.zadd(z, members),
    zaddIncr: await redis.zaddIncr(z, "a", 0.5),
    zrange: await redis.zrange(z, 0, -1),
    zrangeWithScores: await redis.zrange(z, 0, -1, { withScores: true }),
    zrangeByScore: await redis.zrange(z, "+inf", "(1", {
      byScore: true,
      rev: true,
      limit: { offset: 0, count: 5 },
    }),
    zrangestore: await redis.zrangestore(`${p}:z2`, z, 0, 1),
    zrank: await redis.zrank(z, "c"),
    zrevrank: await redis.zrevrank(z, "none"),
    zscore: await redis.zscore(z, "b"),
    zmscore: await redis.zmscore(z, ["a", "none"]),
    zcount: await redis.zcount(z, "-inf", "+inf"),
    zlexcount: await redis.zlexcount(z, "-", "+"),
    zunion: await redis.zunion([z, `${p}:z2`], { withScores: true, aggregate: "MAX" }),
    zinter: await redis.zinter([z, `${p}:z2`]),
    zdiff: await redis.zdiff([z, `${p}:z2`], { withScores: true }),
    zinterstore: await redis.zinterstore(`${p}:z3`, [z, `${p}:z2`], { weights: [1, 2] }),
    zunionstore: await redis.zunionstore(`${p}:z4`, [z, `${p}:z2`]),
    zdiffstore: await redis.zdiffstore(`${p}:z5`, [z, `${p}:z2`]),
    zintercard: await redis.zintercard([z, `${p}:z2`]),
    zscan: await redis.zscan(z, 0),
    zpopmin: await redis.zpopmin(`${p}:z4`),
    zpopmax: await redis.zpopmax(`${p}:z4`, 2),
    zmpop: await redis.zmpop([`${p}:none`, `${p}:z3`], "MIN", { count: 1 }),
    bzmpop: await redis.bzmpop(1, [`${p}:z3`], "MAX"),
    bzpopmax: await redis.bzpopmax([`${p}:z2`], 1),
    zrandmember: await redis.zrandmember(`${p}:z5`, 1, { withScores: true }),
    zremrangebyscore: await redis.zremrangebyscore(z, "(2", "+inf"),
    zremrangebyrank: await redis.zremrangebyrank(z, 0, 0),
    zremrangebylex: await redis.zremrangebylex(z, "-", "+"),
    geoadd: await redis.geoadd(`${p}:geo`, [
      { longitude: 13.361389, latitude: 38.115556, member: "Palermo" },
      { longitude: 15.087269, latitude: 37.502669, member: "Catania" },
    ]),
    geodist: await redis.geodist(`${p}:geo`, "Palermo", "Catania", "km"),
    geohash: await redis.geohash(`${p}:geo`, ["Palermo", "none"]),
    geopos: await redis.geopos(`${p}:geo`, ["Palermo", "none"]),
    geosearch: await redis.geosearch(`${p}:geo`, { longitude: 15, latitude: 37 }, {
      radius: 200,
      unit: "km",
    }, { order: "ASC" }),
    geosearchWith: await redis.geosearch(`${p}:geo`, { member: "Palermo" }, {
      width: 400,
      height: 400,
      unit: "km",
    }, {
      order: "ASC",
      withDist: true,
      withCoord: true,
      withHash: true,
    }),
    geosearchstore: await redis.geosearchstore(`${p}:geo2`, `${p}:geo`, { member: "Palermo" }, {
      radius: 500,
      unit: "km",
    }),
  };
}

/** Server, scripting and pub/sub introspection. */
export async function serverSamples(redis: Redis, p: string): Promise<Samples> {
  return {
    configGet: await redis.configGet("maxmemory-policy", "hz"),
    commandInfo: await redis.commandInfo("get", "nope"),
    commandGetkeys: await redis.commandGetkeys(["MSET", `${p}:a`, "1", `${p}:b`, "2"]),
    commandGetkeysandflags: await redis.commandGetkeysandflags([
      "LMOVE",
      `${p}:a`,
      `${p}:b`,
      "LEFT",
      "LEFT",
    ]),
    commandList: await redis.commandList({ pattern: "xauto*" }),
    aclCat: (await redis.aclCat()).includes("keyspace"),
    aclWhoami: await redis.aclWhoami(),
    aclDryrun: await redis.aclDryrun("default", "get", "k"),
    eval: await redis.eval("return {1, 'two', {3}, redis.status_reply('OK')}", [], []),
    evalRo: await redis.evalRo("return redis.call('GET', KEYS[1])", [`${p}:none`]),
    pubsubNumsub: await redis.pubsubNumsub("c1", "c2"),
    pubsubChannels: await redis.pubsubChannels(`${p}*`),
    pubsubNumpat: typeof await redis.pubsubNumpat(),
    publish: await redis.publish(`${p}:ch`, "m"),
    echo: await redis.echo("e"),
    ping: await redis.ping(),
    dbsizeType: typeof await redis.dbsize(),
    timeTypes: (await redis.time()).map((n) => typeof n),
    latencyLatest: await redis.latencyLatest(),
    slowlogReset: await redis.slowlogReset(),
    memoryUsageType: typeof await redis.memoryUsage(`${p}:none`),
    clientGetname: await redis.clientGetname(),
    clientTrackinginfo: await redis.clientTrackinginfo(),
  };
}
