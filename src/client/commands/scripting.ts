/** Scripting (EVAL, SCRIPT, FUNCTION, FCALL) and publishing commands. */
import { NoScriptError } from "../../errors.ts";
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { sha1 } from "./_sha1.ts";
import { withOptional, withOptions } from "./_options.ts";
import {
  asIs,
  texts,
  toBooleans,
  toFields,
  toFieldsList,
  toNumber,
  toOk,
  toRecord,
  toStatus,
} from "./_transforms.ts";
import type { Transform } from "./_transforms.ts";
import { GeoCommands } from "./geo.ts";
import { invalid } from "./_validate.ts";

/**
 * A Lua script known by its SHA-1, run with EVALSHA.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const script = redis.registerScript("return 1");
 * console.log(script.sha.length); // 40
 * ```
 */
export class Script {
  /** The Lua source. */
  readonly lua: string;
  /** Its SHA-1, the EVALSHA id. */
  readonly sha: string;
  /**
   * Computes the script's id; no I/O.
   *
   * @param lua The Lua source.
   */
  constructor(lua: string) {
    if (typeof lua !== "string") {
      throw new TypeError("registerScript: the script must be a string of Lua");
    }
    this.lua = lua;
    this.sha = sha1(lua);
  }
}

/**
 * Runs `evalsha`; when the server answers NOSCRIPT (a restart, a failover,
 * SCRIPT FLUSH), runs `load` once and `evalsha` again. Each front end that
 * sends at once (client, transaction, cluster) passes its own way to load.
 */
export async function retryOnNoScript<T>(
  evalsha: () => Promise<T>,
  load: () => Promise<unknown>,
): Promise<T> {
  try {
    return await evalsha();
  } catch (error) {
    if (!(error instanceof NoScriptError)) throw error;
    await load();
    return await evalsha();
  }
}

/**
 * A script bound to a client, pipeline or transaction: `run` sends EVALSHA
 * and, on the client, loads the script once on NOSCRIPT; pipelines and
 * MULTI load missing scripts before they execute.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const incrBy = redis.registerScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
 * await incrBy.run(["counter"], [5]);
 * ```
 */
export interface RegisteredScript<T, K extends ResultKind, S> extends Script {
  /** Runs the script with these keys and arguments. */
  run(keys?: RedisKey[], args?: RedisArgument[]): Result<T, K, S>;
}

/**
 * A library in FUNCTION LIST.
 *
 * @example
 * ```ts
 * import type { FunctionLibrary } from "@redwire/redis";
 *
 * const lib: FunctionLibrary = { libraryName: "mylib", engine: "LUA", functions: [] };
 * ```
 */
export interface FunctionLibrary {
  /** The library's name. */
  libraryName: string;
  /** Its engine, "LUA". */
  engine: string;
  /** Its functions. */
  functions: { name: string; description: string | null; flags: string[] }[];
  /** Its source, with `withCode`. */
  libraryCode?: string;
}

function evalArgs(
  command: string,
  first: string,
  keys: RedisKey[],
  args: RedisArgument[],
): RedisArgument[] {
  if (!Array.isArray(keys) || !Array.isArray(args)) {
    return invalid(
      new TypeError(
        `${command}: keys and arguments are arrays: ${command.toLowerCase()}(script, ["k1"], ["a1"])`,
      ),
    );
  }
  return [command, first, keys.length, ...keys, ...args];
}

function toLibraries(reply: Reply): FunctionLibrary[] {
  return toFieldsList<FunctionLibrary>(reply).map((lib) => ({
    ...lib,
    functions: toFieldsList(lib.functions as unknown as Reply),
  }));
}

/**
 * Scripting and publishing commands (and everything before them).
 * @internal
 */
export abstract class ScriptingCommands<K extends ResultKind, S, V extends Bulk = string>
  extends GeoCommands<K, S, V> {
  /**
   * Sends EVALSHA for `script`; front ends override it to load the script
   * when the server lacks it (the client on NOSCRIPT, pipelines before exec).
   */
  protected callScript<T>(
    _script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): Result<T, K, S> {
    return this.call(args, transform);
  }
  /** Binds a Lua script to this client or pipeline; `run` uses EVALSHA (see {@linkcode RegisteredScript}). */
  registerScript<T = Reply>(lua: string): RegisteredScript<T, K, S> {
    const script = new Script(lua);
    return Object.assign(script, {
      run: (keys: RedisKey[] = [], args: RedisArgument[] = []) =>
        this.runScript<T>(script, keys, args),
    });
  }
  /** Runs a registered script here (for example in a pipeline): its reply. */
  runScript<T = Reply>(
    script: Script,
    keys: RedisKey[] = [],
    args: RedisArgument[] = [],
  ): Result<T, K, S> {
    return this.callScript(script, evalArgs("EVALSHA", script.sha, keys, args), asIs<T>);
  }
  /** EVAL a Lua script with keys and arguments: its reply. */
  eval(script: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("EVAL", script, keys, args), asIs<Reply>);
  }
  /** EVAL_RO: a read-only script, allowed on replicas. */
  evalRo(script: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("EVAL_RO", script, keys, args), asIs<Reply>);
  }
  /** EVALSHA a loaded script (NoScriptError when the server lacks it; see `registerScript`). */
  evalsha(sha: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("EVALSHA", sha, keys, args), asIs<Reply>);
  }
  /** EVALSHA_RO: a loaded read-only script. */
  evalshaRo(sha: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("EVALSHA_RO", sha, keys, args), asIs<Reply>);
  }
  /** FCALL a function with keys and arguments: its reply. */
  fcall(name: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("FCALL", name, keys, args), asIs<Reply>);
  }
  /** FCALL_RO a read-only function. */
  fcallRo(name: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(evalArgs("FCALL_RO", name, keys, args), asIs<Reply>);
  }
  /** FUNCTION DELETE a library: true. */
  functionDelete(library: string): Result<boolean, K, S> {
    return this.call(["FUNCTION", "DELETE", library], toOk);
  }
  /** FUNCTION DUMP: every library, serialized (use `redis.bytes` on a decoding client). */
  functionDump(): Result<V, K, S> {
    return this.call(["FUNCTION", "DUMP"], asIs<V>);
  }
  /** FUNCTION FLUSH every library: true. */
  functionFlush(mode?: "ASYNC" | "SYNC"): Result<boolean, K, S> {
    return this.call(
      withOptional(["FUNCTION", "FLUSH"], mode),
      toOk,
    );
  }
  /** FUNCTION KILL the running read-only function: true. */
  functionKill(): Result<boolean, K, S> {
    return this.call(["FUNCTION", "KILL"], toOk);
  }
  /** FUNCTION LIST: `{ libraryName, engine, functions, libraryCode? }` per library. */
  functionList(
    options?: { libraryName?: string; withCode?: boolean },
  ): Result<FunctionLibrary[], K, S> {
    const args = withOptions(["FUNCTION", "LIST"], options, {
      libraryName: true,
      withCode: true,
    }, "{ withCode: true }");
    return this.call(args, toLibraries);
  }
  /** FUNCTION LOAD a library: its name. */
  functionLoad(code: string, options?: { replace?: boolean }): Result<string, K, S> {
    const args = withOptions(
      ["FUNCTION", "LOAD"],
      options,
      { replace: true },
      "{ replace: true }",
    );
    return this.call([...args, code], toStatus);
  }
  /** FUNCTION RESTORE a FUNCTION DUMP: true. */
  functionRestore(
    payload: RedisKey,
    policy?: "FLUSH" | "APPEND" | "REPLACE",
  ): Result<boolean, K, S> {
    const args = ["FUNCTION", "RESTORE", payload];
    return this.call(withOptional(args, policy), toOk);
  }
  /** FUNCTION STATS: `{ runningScript, engines }`. */
  functionStats(): Result<{ runningScript: Reply; engines: Record<string, Reply> }, K, S> {
    return this.call(["FUNCTION", "STATS"], (r) => {
      const stats = toFields<{ runningScript: Reply; engines: Reply }>(r);
      return { runningScript: stats.runningScript, engines: toFields(stats.engines) };
    });
  }
  /** SCRIPT DEBUG mode for EVAL on this connection: true. */
  scriptDebug(mode: "YES" | "SYNC" | "NO"): Result<boolean, K, S> {
    return this.call(["SCRIPT", "DEBUG", mode], toOk);
  }
  /** SCRIPT EXISTS: one boolean per SHA. */
  scriptExists(...shas: string[]): Result<boolean[], K, S> {
    return this.call(["SCRIPT", "EXISTS", ...shas], toBooleans);
  }
  /** SCRIPT FLUSH the script cache: true. */
  scriptFlush(mode?: "ASYNC" | "SYNC"): Result<boolean, K, S> {
    return this.call(withOptional(["SCRIPT", "FLUSH"], mode), toOk);
  }
  /** SCRIPT KILL the running read-only script: true. */
  scriptKill(): Result<boolean, K, S> {
    return this.call(["SCRIPT", "KILL"], toOk);
  }
  /** SCRIPT LOAD: the script's SHA-1. */
  scriptLoad(script: string): Result<string, K, S> {
    return this.call(["SCRIPT", "LOAD", script], toStatus);
  }
  /** PUBLISH: how many subscribers received the message. */
  publish(channel: string, message: RedisArgument): Result<number, K, S> {
    return this.call(["PUBLISH", channel, message], toNumber);
  }
  /** PUBSUB CHANNELS: active channels, optionally matching a pattern. */
  pubsubChannels(pattern?: string): Result<string[], K, S> {
    return this.call(
      withOptional(["PUBSUB", "CHANNELS"], pattern),
      texts,
    );
  }
  /** PUBSUB NUMPAT: how many pattern subscriptions. */
  pubsubNumpat(): Result<number, K, S> {
    return this.call(["PUBSUB", "NUMPAT"], toNumber);
  }
  /** PUBSUB NUMSUB: subscribers per channel, as a record. */
  pubsubNumsub(...channels: string[]): Result<Record<string, number>, K, S> {
    return this.call(["PUBSUB", "NUMSUB", ...channels], toCounts);
  }
  /** PUBSUB SHARDCHANNELS: active shard channels, optionally matching a pattern. */
  pubsubShardchannels(pattern?: string): Result<string[], K, S> {
    const args = ["PUBSUB", "SHARDCHANNELS"];
    return this.call(withOptional(args, pattern), texts);
  }
  /** PUBSUB SHARDNUMSUB: subscribers per shard channel, as a record. */
  pubsubShardnumsub(...channels: string[]): Result<Record<string, number>, K, S> {
    return this.call(["PUBSUB", "SHARDNUMSUB", ...channels], toCounts);
  }
  /** SPUBLISH to a shard channel: how many subscribers received it. */
  spublish(channel: string, message: RedisArgument): Result<number, K, S> {
    return this.call(["SPUBLISH", channel, message], toNumber);
  }
}

function toCounts(reply: Reply): Record<string, number> {
  const record = toRecord(reply);
  for (const name in record) record[name] = toNumber(record[name]!);
  return record as Record<string, number>;
}
