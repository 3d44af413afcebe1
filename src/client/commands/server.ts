/** Server commands: CONFIG, COMMAND, INFO, persistence, replication, databases. */
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { withOptional, withOptions } from "./_options.ts";
import { asIs, text, texts, toFields, toNumber, toOk, toRecord, toStatus } from "./_transforms.ts";
import { RESTORE_OPTIONS, type RestoreOptions } from "./keys.ts";
import { ConnectionCommands } from "./connection.ts";

/**
 * COMMAND INFO for one command.
 *
 * @example
 * ```ts
 * import type { CommandInfo } from "@redwire/redis";
 *
 * type Arity = CommandInfo["arity"]; // number
 * ```
 */
export interface CommandInfo {
  /** The command's name, lowercase. */
  name: string;
  /** Argument count (negative: at least). */
  arity: number;
  /** Flags such as "readonly", "write", "blocking". */
  flags: string[];
  /** First key position (legacy range). */
  firstKey: number;
  /** Last key position (legacy range). */
  lastKey: number;
  /** Step between keys (legacy range). */
  step: number;
  /** ACL categories. */
  aclCategories: string[];
  /** Hints for clients ("request_policy:all_shards", ...). */
  tips: string[];
  /** Key specifications: `{ flags, beginSearch: { type, spec }, findKeys: { type, spec } }`. */
  keySpecifications: Record<string, unknown>[];
  /** Subcommands of a container. */
  subcommands: CommandInfo[];
}

function toKeySpec(reply: Reply): Record<string, unknown> {
  const spec = toFields<Record<string, Reply>>(reply);
  const part = (value: Reply | undefined) => {
    const fields = toFields<Record<string, Reply>>(value ?? []);
    return { ...fields, spec: toFields(fields.spec ?? []) };
  };
  return {
    ...spec,
    flags: texts(spec.flags!),
    beginSearch: part(spec.beginSearch),
    findKeys: part(spec.findKeys),
  };
}

function toCommandInfo(reply: Reply): CommandInfo | null {
  if (reply === null) return null;
  const [name, arity, flags, firstKey, lastKey, step, acl, tips, keySpecs, subs] = reply as Reply[];
  return {
    name: text(name!),
    arity: toNumber(arity!),
    flags: texts(flags!),
    firstKey: toNumber(firstKey!),
    lastKey: toNumber(lastKey!),
    step: toNumber(step!),
    aclCategories: texts(acl!),
    tips: texts(tips!),
    // Redis 7.0 sends these two as RESP3 sets.
    keySpecifications: [...((keySpecs ?? []) as Iterable<Reply>)].map(toKeySpec),
    subcommands: [...((subs ?? []) as Iterable<Reply>)].map((sub) => toCommandInfo(sub)!),
  };
}

/**
 * Options of SHUTDOWN.
 *
 * @example
 * ```ts
 * import type { ShutdownOptions } from "@redwire/redis";
 *
 * const options: ShutdownOptions = { nosave: true };
 * ```
 */
export interface ShutdownOptions {
  /** Do not save before exiting. */
  nosave?: boolean;
  /** Save before exiting. */
  save?: boolean;
  /** Do not wait for lagging replicas. */
  now?: boolean;
  /** Ignore errors that would prevent exiting. */
  force?: boolean;
  /** Cancel a shutdown in progress. */
  abort?: boolean;
}

/**
 * Server commands (and everything before them).
 * @internal
 */
export abstract class ServerCommands<K extends ResultKind, S, V extends Bulk = string>
  extends ConnectionCommands<K, S, V> {
  /** BGREWRITEAOF: the server's status message. */
  bgrewriteaof(): Result<string, K, S> {
    return this.call(["BGREWRITEAOF"], toStatus);
  }
  /** BGSAVE (`schedule`: after a running AOF rewrite): the server's status message. */
  bgsave(options?: { schedule?: boolean }): Result<string, K, S> {
    return this.call(
      withOptions(["BGSAVE"], options, { schedule: true }, "{ schedule: true }"),
      toStatus,
    );
  }
  /** COMMAND COUNT: how many commands the server has. */
  commandCount(): Result<number, K, S> {
    return this.call(["COMMAND", "COUNT"], toNumber);
  }
  /** COMMAND DOCS: per command name, its documentation (summary, since, group, arguments ...). */
  commandDocs(...names: string[]): Result<Record<string, Record<string, Reply>>, K, S> {
    return this.call(["COMMAND", "DOCS", ...names], (r) => {
      const docs = toRecord(r);
      for (const name in docs) docs[name] = toFields(docs[name]!);
      return docs as unknown as Record<string, Record<string, Reply>>;
    });
  }
  /** COMMAND GETKEYS: the keys of a full command line. */
  commandGetkeys(args: RedisArgument[]): Result<V[], K, S> {
    return this.call(["COMMAND", "GETKEYS", ...args], asIs<V[]>);
  }
  /** COMMAND GETKEYSANDFLAGS: `{ key, flags }` per key of a full command line. */
  commandGetkeysandflags(args: RedisArgument[]): Result<{ key: V; flags: string[] }[], K, S> {
    return this.call(
      ["COMMAND", "GETKEYSANDFLAGS", ...args],
      (r) =>
        (r as Reply[][]).map(([key, flags]) => ({
          key: key as V,
          flags: texts(flags!),
        })),
    );
  }
  /** COMMAND INFO: one record per name (every command without names), null where unknown. */
  commandInfo(...names: string[]): Result<(CommandInfo | null)[], K, S> {
    return this.call(["COMMAND", "INFO", ...names], (r) => (r as Reply[]).map(toCommandInfo));
  }
  /** COMMAND LIST: command names, optionally filtered. */
  commandList(
    filter?: { module?: string; aclcat?: string; pattern?: string },
  ): Result<string[], K, S> {
    const args: RedisArgument[] = ["COMMAND", "LIST"];
    if (filter !== undefined) {
      withOptions(
        [],
        filter,
        { module: "", aclcat: "", pattern: "" },
        '{ pattern: "x*" }',
        "COMMAND LIST",
      );
      const [by, value] = Object.entries(filter).find(([, v]) => v !== undefined) ?? [];
      if (by !== undefined) args.push("FILTERBY", by.toUpperCase(), value as string);
    }
    return this.call(args, texts);
  }
  /** CONFIG GET: the matching parameters as a null-prototype record. */
  configGet(...patterns: string[]): Result<Record<string, string>, K, S> {
    return this.call(["CONFIG", "GET", ...patterns], (r) => {
      const record = toRecord(r);
      for (const name in record) record[name] = text(record[name]!);
      return record as Record<string, string>;
    });
  }
  /** CONFIG RESETSTAT: true. */
  configResetstat(): Result<boolean, K, S> {
    return this.call(["CONFIG", "RESETSTAT"], toOk);
  }
  /** CONFIG REWRITE the config file: true. */
  configRewrite(): Result<boolean, K, S> {
    return this.call(["CONFIG", "REWRITE"], toOk);
  }
  /** CONFIG SET one parameter, or several from a record: true. */
  configSet(parameters: Record<string, RedisArgument>): Result<boolean, K, S>;
  /** CONFIG SET one parameter: true. */
  configSet(parameter: string, value: RedisArgument): Result<boolean, K, S>;
  configSet(
    parameter: string | Record<string, RedisArgument>,
    value?: RedisArgument,
  ): Result<boolean, K, S> {
    const pairs = typeof parameter === "string"
      ? [parameter, value!]
      : Object.entries(parameter).flat();
    return this.call(["CONFIG", "SET", ...pairs], toOk);
  }
  /** DBSIZE: keys in the selected database. */
  dbsize(): Result<number, K, S> {
    return this.call(["DBSIZE"], toNumber);
  }
  /** FAILOVER to a replica (or ABORT one in progress): true. */
  failover(
    options?: {
      to?: { host: string; port: number; force?: boolean };
      abort?: boolean;
      timeout?: number;
    },
  ): Result<boolean, K, S> {
    const args: RedisArgument[] = ["FAILOVER"];
    withOptions(
      [],
      options,
      { to: "", abort: "", timeout: "" },
      '{ to: { host: "10.0.0.2", port: 6379 } }',
      "FAILOVER",
    );
    if (options?.to) {
      args.push("TO", options.to.host, options.to.port, ...(options.to.force ? ["FORCE"] : []));
    }
    if (options?.abort) args.push("ABORT");
    if (options?.timeout !== undefined) args.push("TIMEOUT", options.timeout);
    return this.call(args, toOk);
  }
  /** FLUSHALL: removes every key of every database; true. */
  flushall(mode?: "ASYNC" | "SYNC"): Result<boolean, K, S> {
    return this.call(withOptional(["FLUSHALL"], mode), toOk);
  }
  /** FLUSHDB: removes every key of the selected database; true. */
  flushdb(mode?: "ASYNC" | "SYNC"): Result<boolean, K, S> {
    return this.call(withOptional(["FLUSHDB"], mode), toOk);
  }
  /** INFO, as the server's text ("# Server\r\nredis_version:7.0.15 ..."). */
  info(...sections: string[]): Result<string, K, S> {
    return this.call(["INFO", ...sections], text);
  }
  /** LASTSAVE: the last successful save, in Unix seconds. */
  lastsave(): Result<number, K, S> {
    return this.call(["LASTSAVE"], toNumber);
  }
  /** LOLWUT: the server's art and version. */
  lolwut(options?: { version?: number }): Result<string, K, S> {
    return this.call(
      withOptions(["LOLWUT"], options, { version: true }, "{ version: 5 }"),
      text,
    );
  }
  /** REPLICAOF host port, or `replicaof(null)` for NO ONE: true. */
  replicaof(host: string | null, port?: number): Result<boolean, K, S> {
    return this.call(
      host === null ? ["REPLICAOF", "NO", "ONE"] : ["REPLICAOF", host, port ?? 6379],
      toOk,
    );
  }
  /** RESTORE-ASKING (internal, used by cluster migration): true. */
  restoreAsking(
    key: RedisKey,
    ttl: number,
    serialized: RedisKey,
    options?: RestoreOptions,
  ): Result<boolean, K, S> {
    const args = ["RESTORE-ASKING", key, ttl, serialized];
    withOptions(args, options, RESTORE_OPTIONS, "{ replace: true }");
    return this.call(args, toOk);
  }
  /** ROLE: `["master", offset, replicas]`, `["slave", host, port, state, offset]` or `["sentinel", names]`. */
  role(): Result<Reply[], K, S> {
    return this.call(["ROLE"], asIs<Reply[]>);
  }
  /** SAVE synchronously: true. */
  save(): Result<boolean, K, S> {
    return this.call(["SAVE"], toOk);
  }
  /** SHUTDOWN the server; the connection then closes (true only for `abort`). */
  shutdown(options?: ShutdownOptions): Result<boolean, K, S> {
    const args = withOptions(["SHUTDOWN"], options, {
      nosave: true,
      save: true,
      now: true,
      force: true,
      abort: true,
    }, "{ nosave: true }");
    return this.call(args, toOk);
  }
  /** SWAPDB two databases: true. */
  swapdb(index1: number, index2: number): Result<boolean, K, S> {
    return this.call(["SWAPDB", index1, index2], toOk);
  }
  /** TIME: the server's clock as `[unixSeconds, microseconds]`. */
  time(): Result<[number, number], K, S> {
    return this.call(["TIME"], (r) => (r as Reply[]).map(toNumber) as [number, number]);
  }
}
