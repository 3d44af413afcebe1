/** Administration commands: ACL, LATENCY, MEMORY, SLOWLOG, MODULE. */
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { withOptional, withOptions } from "./_options.ts";
import {
  text,
  texts,
  toFields,
  toFieldsList,
  toNumber,
  toNumberOrNull,
  toOk,
  toRecord,
} from "./_transforms.ts";
import { ServerCommands } from "./server.ts";

/**
 * One SLOWLOG entry.
 *
 * @example
 * ```ts
 * import type { SlowlogEntry } from "@redwire/redis";
 *
 * type Micros = SlowlogEntry["duration"]; // number
 * ```
 */
export interface SlowlogEntry {
  /** The entry's id. */
  id: number;
  /** When the command ran, in Unix seconds. */
  timestamp: number;
  /** How long it ran, in microseconds. */
  duration: number;
  /** The command and its (possibly shortened) arguments. */
  args: string[];
  /** The client's address. */
  clientAddress: string;
  /** The client's name. */
  clientName: string;
}

/**
 * One LATENCY LATEST event.
 *
 * @example
 * ```ts
 * import type { LatencyEvent } from "@redwire/redis";
 *
 * const e: LatencyEvent = { event: "command", timestamp: 1, latest: 120, max: 300 };
 * ```
 */
export interface LatencyEvent {
  /** The event's name. */
  event: string;
  /** When the latest spike happened, in Unix seconds. */
  timestamp: number;
  /** The latest spike, in ms. */
  latest: number;
  /** The greatest spike, in ms. */
  max: number;
}

function toSlowlog(reply: Reply): SlowlogEntry[] {
  return (reply as Reply[][]).map(([id, timestamp, duration, args, address, name]) => ({
    id: toNumber(id!),
    timestamp: toNumber(timestamp!),
    duration: toNumber(duration!),
    args: texts(args!),
    clientAddress: text(address ?? ""),
    clientName: text(name ?? ""),
  }));
}

/**
 * Administration commands (and everything before them).
 * @internal
 */
export abstract class AdminCommands<K extends ResultKind, S, V extends Bulk = string>
  extends ServerCommands<K, S, V> {
  /** ACL CAT: the categories, or the commands of one category. */
  aclCat(category?: string): Result<string[], K, S> {
    return this.call(withOptional(["ACL", "CAT"], category), texts);
  }
  /** ACL DELUSER: how many users were deleted. */
  aclDeluser(...users: string[]): Result<number, K, S> {
    return this.call(["ACL", "DELUSER", ...users], toNumber);
  }
  /** ACL DRYRUN: "OK" when `user` may run the command, else the reason. */
  aclDryrun(user: string, command: string, ...args: RedisArgument[]): Result<string, K, S> {
    return this.call(["ACL", "DRYRUN", user, command, ...args], text);
  }
  /** ACL GENPASS: a random password of `bits` bits (default 256), in hex. */
  aclGenpass(bits?: number): Result<string, K, S> {
    return this.call(withOptional(["ACL", "GENPASS"], bits), text);
  }
  /** ACL GETUSER: the user's rules (`flags`, `passwords`, `commands`, `keys`, `channels`, `selectors`), or null. */
  aclGetuser(user: string): Result<Record<string, Reply> | null, K, S> {
    return this.call(["ACL", "GETUSER", user], (r) => (r === null ? null : toFields(r)));
  }
  /** ACL LIST: every user's rules, one line each. */
  aclList(): Result<string[], K, S> {
    return this.call(["ACL", "LIST"], texts);
  }
  /** ACL LOAD the ACL file: true. */
  aclLoad(): Result<boolean, K, S> {
    return this.call(["ACL", "LOAD"], toOk);
  }
  /** ACL LOG: recent denials as records (`count`, `reason`, `context`, `object`, `username`, ...). */
  aclLog(count?: number): Result<Record<string, Reply>[], K, S> {
    return this.call(
      withOptional(["ACL", "LOG"], count),
      toFieldsList<Record<string, Reply>>,
    );
  }
  /** ACL LOG RESET: true. */
  aclLogReset(): Result<boolean, K, S> {
    return this.call(["ACL", "LOG", "RESET"], toOk);
  }
  /** ACL SAVE to the ACL file: true. */
  aclSave(): Result<boolean, K, S> {
    return this.call(["ACL", "SAVE"], toOk);
  }
  /** ACL SETUSER with rules ("on", ">password", "~keys:*", "+@read"): true. */
  aclSetuser(user: string, ...rules: string[]): Result<boolean, K, S> {
    return this.call(["ACL", "SETUSER", user, ...rules], toOk);
  }
  /** ACL USERS: every user name. */
  aclUsers(): Result<string[], K, S> {
    return this.call(["ACL", "USERS"], texts);
  }
  /** ACL WHOAMI: the user of the connection that runs it. */
  aclWhoami(): Result<string, K, S> {
    return this.call(["ACL", "WHOAMI"], text);
  }
  /** LATENCY DOCTOR: a human-readable report. */
  latencyDoctor(): Result<string, K, S> {
    return this.call(["LATENCY", "DOCTOR"], text);
  }
  /** LATENCY GRAPH of an event, as ASCII art. */
  latencyGraph(event: string): Result<string, K, S> {
    return this.call(["LATENCY", "GRAPH", event], text);
  }
  /** LATENCY HISTOGRAM: per command, `{ calls, histogramUsec }` (bucket upper bound in µs -> count). */
  latencyHistogram(
    ...commands: string[]
  ): Result<Record<string, { calls: number; histogramUsec: Record<string, number> }>, K, S> {
    return this.call(["LATENCY", "HISTOGRAM", ...commands], (r) => {
      const all = toRecord(r) as Record<string, unknown>;
      for (const name in all) {
        const entry = toFields<{ calls: number; histogramUsec: Reply }>(all[name] as Reply);
        all[name] = { calls: entry.calls, histogramUsec: toRecord<number>(entry.histogramUsec) };
      }
      return all as Record<string, { calls: number; histogramUsec: Record<string, number> }>;
    });
  }
  /** LATENCY HISTORY of an event: `{ timestamp, latency }` per sample. */
  latencyHistory(event: string): Result<{ timestamp: number; latency: number }[], K, S> {
    return this.call(
      ["LATENCY", "HISTORY", event],
      (r) =>
        (r as Reply[][]).map(([timestamp, latency]) => ({
          timestamp: toNumber(timestamp!),
          latency: toNumber(latency!),
        })),
    );
  }
  /** LATENCY LATEST: the latest spike of each event. */
  latencyLatest(): Result<LatencyEvent[], K, S> {
    return this.call(
      ["LATENCY", "LATEST"],
      (r) =>
        (r as Reply[][]).map(([event, timestamp, latest, max]) => ({
          event: text(event!),
          timestamp: toNumber(timestamp!),
          latest: toNumber(latest!),
          max: toNumber(max!),
        })),
    );
  }
  /** LATENCY RESET events (all without names): how many were reset. */
  latencyReset(...events: string[]): Result<number, K, S> {
    return this.call(["LATENCY", "RESET", ...events], toNumber);
  }
  /** MEMORY DOCTOR: a human-readable report. */
  memoryDoctor(): Result<string, K, S> {
    return this.call(["MEMORY", "DOCTOR"], text);
  }
  /** MEMORY MALLOC-STATS: the allocator's report. */
  memoryMallocStats(): Result<string, K, S> {
    return this.call(["MEMORY", "MALLOC-STATS"], text);
  }
  /** MEMORY PURGE: true. */
  memoryPurge(): Result<boolean, K, S> {
    return this.call(["MEMORY", "PURGE"], toOk);
  }
  /** MEMORY STATS: the server's memory figures, keys in camelCase (`peakAllocated`, `totalAllocated`, ...). */
  memoryStats(): Result<Record<string, Reply>, K, S> {
    return this.call(["MEMORY", "STATS"], toFields<Record<string, Reply>>);
  }
  /** MEMORY USAGE of a key in bytes, or null when missing. */
  memoryUsage(key: RedisKey, options?: { samples?: number }): Result<number | null, K, S> {
    const args = withOptions(["MEMORY", "USAGE", key], options, {
      samples: true,
    }, "{ samples: 0 }");
    return this.call(args, toNumberOrNull);
  }
  /** MODULE LIST: `{ name, ver, path, args }` per module. */
  moduleList(): Result<Record<string, Reply>[], K, S> {
    return this.call(["MODULE", "LIST"], toFieldsList<Record<string, Reply>>);
  }
  /** MODULE LOAD a module from a path on the server: true. */
  moduleLoad(path: string, ...args: RedisArgument[]): Result<boolean, K, S> {
    return this.call(["MODULE", "LOAD", path, ...args], toOk);
  }
  /** MODULE LOADEX with configs and arguments: true. */
  moduleLoadex(
    path: string,
    options?: { config?: Record<string, RedisArgument>; args?: RedisArgument[] },
  ): Result<boolean, K, S> {
    withOptions([], options, { config: "", args: "" }, "{ args: [] }", "MODULE LOADEX");
    const args: RedisArgument[] = ["MODULE", "LOADEX", path];
    for (const [name, value] of Object.entries(options?.config ?? {})) {
      args.push("CONFIG", name, value);
    }
    if (options?.args !== undefined) args.push("ARGS", ...options.args);
    return this.call(args, toOk);
  }
  /** MODULE UNLOAD by name: true. */
  moduleUnload(name: string): Result<boolean, K, S> {
    return this.call(["MODULE", "UNLOAD", name], toOk);
  }
  /** SLOWLOG GET the latest `count` entries (default 10, -1: all). */
  slowlogGet(count?: number): Result<SlowlogEntry[], K, S> {
    return this.call(
      withOptional(["SLOWLOG", "GET"], count),
      toSlowlog,
    );
  }
  /** SLOWLOG LEN: how many entries. */
  slowlogLen(): Result<number, K, S> {
    return this.call(["SLOWLOG", "LEN"], toNumber);
  }
  /** SLOWLOG RESET: true. */
  slowlogReset(): Result<boolean, K, S> {
    return this.call(["SLOWLOG", "RESET"], toOk);
  }
}
