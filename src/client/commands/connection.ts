/** Connection commands: CLIENT *, ECHO, PING. */
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { Bulk, Result, ResultKind } from "./_base.ts";
import { withOptional, withOptions } from "./_options.ts";
import {
  asIs,
  text,
  textOrNull,
  toBoolean,
  toFields,
  toNamedValues,
  toNumber,
  toOk,
} from "./_transforms.ts";
import { ScriptingCommands } from "./scripting.ts";

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
  /** Kill clients connected to this local `ip:port`. */
  laddr?: string;
  /** Kill clients of this type. */
  type?: "normal" | "master" | "replica" | "pubsub";
  /** Kill clients authenticated as this user. */
  user?: string;
  /** Spare the connection that sends the command. @default true */
  skipMe?: boolean;
}

/**
 * Options of CLIENT TRACKING.
 *
 * @example
 * ```ts
 * import type { ClientTrackingOptions } from "@redwire/redis";
 *
 * const options: ClientTrackingOptions = { bcast: true, prefix: ["user:"] };
 * ```
 */
export interface ClientTrackingOptions {
  /** Send invalidations to this client id. */
  redirect?: number;
  /** Broadcast mode: key prefixes to track. */
  prefix?: string[];
  /** Broadcast mode. */
  bcast?: boolean;
  /** Track only after CLIENT CACHING yes. */
  optin?: boolean;
  /** Track unless CLIENT CACHING no. */
  optout?: boolean;
  /** Do not notify this client of its own writes. */
  noloop?: boolean;
}

/** CLIENT LIST / CLIENT INFO lines (`id=3 addr=... name=...`) as records. */
function toClients(reply: Reply): Record<string, string>[] {
  return text(reply).split("\n").filter((line) => line.trim() !== "").map(toClient);
}

function toClient(line: Reply): Record<string, string> {
  return toNamedValues(text(line).trim().split(" "), "=");
}

/**
 * Connection commands (and everything before them). CLIENT commands that
 * change a connection's state apply to the pooled connection that runs them.
 * @internal
 */
export abstract class ConnectionCommands<K extends ResultKind, S, V extends Bulk = string>
  extends ScriptingCommands<K, S, V> {
  /** CLIENT CACHING yes/no for the next command (tracking optin/optout): true. */
  clientCaching(yes: boolean): Result<boolean, K, S> {
    return this.call(["CLIENT", "CACHING", yes ? "YES" : "NO"], toOk);
  }
  /** CLIENT GETNAME of the connection that runs it, or null. */
  clientGetname(): Result<string | null, K, S> {
    return this.call(["CLIENT", "GETNAME"], textOrNull);
  }
  /** CLIENT GETREDIR: the tracking redirect id, 0 or -1 when none. */
  clientGetredir(): Result<number, K, S> {
    return this.call(["CLIENT", "GETREDIR"], toNumber);
  }
  /** CLIENT ID of the connection that runs it. */
  clientId(): Result<number, K, S> {
    return this.call(["CLIENT", "ID"], toNumber);
  }
  /** CLIENT INFO of the connection that runs it, as a record (`id`, `addr`, `name`, ...). */
  clientInfo(): Result<Record<string, string>, K, S> {
    return this.call(["CLIENT", "INFO"], toClient);
  }
  /** CLIENT KILL with filters: how many clients were killed. */
  clientKill(filter: ClientKillFilter): Result<number, K, S> {
    const args: RedisArgument[] = ["CLIENT", "KILL"];
    withOptions(args, { ...filter, skipMe: undefined }, {
      id: true,
      addr: true,
      laddr: true,
      type: true,
      user: true,
      skipMe: "",
    }, '{ type: "normal" }');
    args.push("SKIPME", filter.skipMe === false ? "no" : "yes");
    return this.call(args, toNumber);
  }
  /** CLIENT LIST: one record per client (`id`, `addr`, `name`, `db`, ...). */
  clientList(
    options?: { type?: "normal" | "master" | "replica" | "pubsub"; id?: number[] },
  ): Result<Record<string, string>[], K, S> {
    const args = withOptions(
      ["CLIENT", "LIST"],
      options,
      { type: true, id: true },
      '{ type: "normal" }',
    );
    return this.call(args, toClients);
  }
  /** CLIENT NO-EVICT on/off for the connection that runs it: true. */
  clientNoEvict(on: boolean): Result<boolean, K, S> {
    return this.call(["CLIENT", "NO-EVICT", on ? "ON" : "OFF"], toOk);
  }
  /** CLIENT PAUSE clients for `timeout` ms ("WRITE": writes only): true. */
  clientPause(timeout: number, mode?: "WRITE" | "ALL"): Result<boolean, K, S> {
    const args = ["CLIENT", "PAUSE", timeout];
    return this.call(withOptional(args, mode), toOk);
  }
  /** CLIENT SETNAME, for the connection that runs it (the `clientName` option names every connection): true. */
  clientSetname(name: string): Result<boolean, K, S> {
    return this.call(["CLIENT", "SETNAME", name], toOk);
  }
  /** CLIENT TRACKING on/off for the connection that runs it: true. */
  clientTracking(on: boolean, options?: ClientTrackingOptions): Result<boolean, K, S> {
    const args: RedisArgument[] = ["CLIENT", "TRACKING", on ? "ON" : "OFF"];
    withOptions(args, { ...options, prefix: undefined }, {
      redirect: true,
      prefix: "",
      bcast: true,
      optin: true,
      optout: true,
      noloop: true,
    }, "{ bcast: true }");
    for (const prefix of options?.prefix ?? []) args.push("PREFIX", prefix);
    return this.call(args, toOk);
  }
  /** CLIENT TRACKINGINFO: `{ flags, redirect, prefixes }`. */
  clientTrackinginfo(): Result<{ flags: string[]; redirect: number; prefixes: string[] }, K, S> {
    return this.call(
      ["CLIENT", "TRACKINGINFO"],
      toFields<{ flags: string[]; redirect: number; prefixes: string[] }>,
    );
  }
  /** CLIENT UNBLOCK a client blocked in a blocking command: true when it was blocked. */
  clientUnblock(id: number, mode?: "TIMEOUT" | "ERROR"): Result<boolean, K, S> {
    const args = ["CLIENT", "UNBLOCK", id];
    return this.call(withOptional(args, mode), toBoolean);
  }
  /** CLIENT UNPAUSE: true. */
  clientUnpause(): Result<boolean, K, S> {
    return this.call(["CLIENT", "UNPAUSE"], toOk);
  }
  /** ECHO: the message. */
  echo(message: RedisArgument): Result<V, K, S> {
    return this.call(["ECHO", message], asIs<V>);
  }
  /** PING: "PONG", or the message echoed. */
  ping(message?: RedisArgument): Result<string, K, S> {
    return this.call(withOptional(["PING"], message), text);
  }
  /** @deprecated Use `clientGetname` (CLIENT GETNAME, the naming rule). */
  clientGetName(): Result<string | null, K, S> {
    return this.clientGetname();
  }
  /** @deprecated Use `clientSetname` (CLIENT SETNAME, the naming rule). */
  clientSetName(name: string): Result<boolean, K, S> {
    return this.clientSetname(name);
  }
}
