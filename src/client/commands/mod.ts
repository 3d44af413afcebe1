/** Every typed command, shared by the client, pipelines and MULTI. */
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { RedisKey, Result, ResultKind } from "./_base.ts";
import { SetCommands } from "./sets_zsets.ts";
import { asIs, toNumber, toOk, toRecord } from "./_transforms.ts";

export { CommandBase } from "./_base.ts";
export type { RedisKey, Result, ResultKind, ResultKinds } from "./_base.ts";
export { KeyStringCommands } from "./keys_strings.ts";
export { HashListCommands } from "./hashes_lists.ts";
export { SetCommands } from "./sets_zsets.ts";
export type { ScanOptions, SetOptions } from "./keys_strings.ts";
export type { ScoredMember } from "./sets_zsets.ts";
export type { Transform } from "./_transforms.ts";

/**
 * Filters of CLIENT KILL.
 *
 * @example
 * ```ts
 * import type { ClientKillFilter } from "@redwire/redis";
 *
 * const filter: ClientKillFilter = { type: "normal", skipMe: true };
 * ```
 */
export interface ClientKillFilter {
  /** Kill the client with this id. */
  id?: number;
  /** Kill the client at this `ip:port`. */
  addr?: string;
  /** Kill clients of this type. */
  type?: "normal" | "master" | "replica" | "pubsub";
  /** Kill clients authenticated as this user. */
  user?: string;
  /** Spare the connection that sends the command. @default true */
  skipMe?: boolean;
}

/**
 * Scripting, server and connection commands, on top of the data commands.
 * Each front end (client, pipeline, MULTI, named pipeline) extends this.
 */
export abstract class Commands<K extends ResultKind, S> extends SetCommands<K, S> {
  /** EVAL a Lua script with keys and arguments. */
  eval(script: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(["EVAL", script, keys.length, ...keys, ...args], asIs<Reply>);
  }
  /** EVALSHA a loaded script (NoScriptError when the server lacks it). */
  evalsha(sha: string, keys: RedisKey[] = [], args: RedisArgument[] = []): Result<Reply, K, S> {
    return this.call(["EVALSHA", sha, keys.length, ...keys, ...args], asIs<Reply>);
  }
  /** SCRIPT LOAD: the script's SHA1. */
  scriptLoad(script: string): Result<string, K, S> {
    return this.call(["SCRIPT", "LOAD", script], asIs<string>);
  }
  /** SCRIPT EXISTS: one number per SHA (1 loaded, 0 not). */
  scriptExists(...shas: string[]): Result<number[], K, S> {
    return this.call(["SCRIPT", "EXISTS", ...shas], asIs<number[]>);
  }
  /** SCRIPT FLUSH. */
  scriptFlush(): Result<boolean, K, S> {
    return this.call(["SCRIPT", "FLUSH"], toOk);
  }
  /** PUBLISH: how many subscribers received the message. */
  publish(channel: string, message: RedisArgument): Result<number, K, S> {
    return this.call(["PUBLISH", channel, message], toNumber);
  }
  /** INFO, as the server's text. */
  info(section?: string): Result<string, K, S> {
    return this.call(section === undefined ? ["INFO"] : ["INFO", section], asIs<string>);
  }
  /** CLIENT LIST, as the server's text (one line per client). */
  clientList(): Result<string, K, S> {
    return this.call(["CLIENT", "LIST"], asIs<string>);
  }
  /** CLIENT KILL with filters: how many clients were killed. */
  clientKill(filter: ClientKillFilter): Result<number, K, S> {
    const args: RedisArgument[] = ["CLIENT", "KILL"];
    if (filter.id !== undefined) args.push("ID", filter.id);
    if (filter.addr !== undefined) args.push("ADDR", filter.addr);
    if (filter.type !== undefined) args.push("TYPE", filter.type);
    if (filter.user !== undefined) args.push("USER", filter.user);
    args.push("SKIPME", filter.skipMe === false ? "no" : "yes");
    return this.call(args, toNumber);
  }
  /** CLIENT SETNAME, for the connection that runs it (use `clientName` to name every connection). */
  clientSetName(name: string): Result<boolean, K, S> {
    return this.call(["CLIENT", "SETNAME", name], toOk);
  }
  /** CLIENT GETNAME of the connection that runs it. */
  clientGetName(): Result<string | null, K, S> {
    return this.call(["CLIENT", "GETNAME"], asIs<string | null>);
  }
  /** CLIENT ID of the connection that runs it. */
  clientId(): Result<number, K, S> {
    return this.call(["CLIENT", "ID"], toNumber);
  }
  /** CONFIG GET: matching parameters as a record. */
  configGet(pattern: string): Result<Record<string, string>, K, S> {
    return this.call(["CONFIG", "GET", pattern], toRecord);
  }
  /** CONFIG SET one parameter. */
  configSet(parameter: string, value: RedisArgument): Result<boolean, K, S> {
    return this.call(["CONFIG", "SET", parameter, value], toOk);
  }
  /** PING: "PONG", or the message echoed. */
  ping(message?: string): Result<string, K, S> {
    return this.call(message === undefined ? ["PING"] : ["PING", message], asIs<string>);
  }
  /** ECHO. */
  echo(message: RedisArgument): Result<string, K, S> {
    return this.call(["ECHO", message], asIs<string>);
  }
  /** DBSIZE: keys in the selected database. */
  dbsize(): Result<number, K, S> {
    return this.call(["DBSIZE"], toNumber);
  }
  /** FLUSHDB: removes every key of the selected database. */
  flushdb(): Result<boolean, K, S> {
    return this.call(["FLUSHDB"], toOk);
  }
  /** FLUSHALL: removes every key of every database. */
  flushall(): Result<boolean, K, S> {
    return this.call(["FLUSHALL"], toOk);
  }
  /** TIME: server time as `[seconds, microseconds]`. */
  time(): Result<[string, string], K, S> {
    return this.call(["TIME"], asIs<[string, string]>);
  }
  /** WAIT for `replicas` to acknowledge earlier writes, up to `timeout` ms: how many did. */
  wait(replicas: number, timeout: number): Result<number, K, S> {
    return this.call(["WAIT", replicas, timeout], toNumber);
  }
}
