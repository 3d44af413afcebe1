/**
 * Pipelines (many commands, one write) and MULTI/EXEC transactions.
 *
 * @module
 */
import type { Connection, TraceTarget } from "../connection/mod.ts";
import { RedisError, ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import {
  asIs,
  type Bulk,
  type Chain,
  checkArguments,
  Commands,
  type Result,
  type Script,
} from "./commands/mod.ts";
import type { Transform } from "./commands/mod.ts";
import { traceBatch } from "./_trace.ts";

/**
 * Options of `exec()`.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const replies = await redis.pipeline().incr("n").hget("n", "x").exec({ raiseOnError: false });
 * ```
 */
export interface ExecOptions {
  /** Throw the first error reply (after every command ran); `false` returns errors in place. @default true */
  raiseOnError?: boolean;
}

/** Runs queued commands on one connection; the client lends it. */
export type ConnectionRunner = <T>(fn: (connection: Connection) => Promise<T>) => Promise<T>;

/**
 * The replies of `exec({ raiseOnError: false })`: each element is its
 * command's reply or the ReplyError it got.
 *
 * @example
 * ```ts
 * import type { ReplyError, SettledReplies } from "@redwire/redis";
 *
 * type R = SettledReplies<[number, string | null]>; // [number | ReplyError, string | null | ReplyError]
 * ```
 */
export type SettledReplies<R extends unknown[]> = { [I in keyof R]: R[I] | ReplyError };

/**
 * Shapes `replies` in place (the caller owns the array): each reply through
 * its command's transform, error replies kept as they are, or the first one
 * thrown when `raiseOnError`. One pass, no array or closure per command.
 */
function shape(
  transforms: readonly Transform<unknown>[],
  replies: Reply[],
  raiseOnError: boolean,
): unknown[] {
  const shaped = replies as unknown[];
  for (let i = 0; i < replies.length; i++) {
    const reply = replies[i];
    if (!(reply instanceof ReplyError)) shaped[i] = transforms[i]!(reply);
    else if (raiseOnError) throw reply;
  }
  return shaped;
}

/**
 * The command queue shared by {@linkcode Pipeline} and {@linkcode Multi}:
 * typed commands and `sendCommand` queue, `exec()` sends.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const pipe = redis.pipeline().set("a", "1").sendCommand(["GET", "a"]);
 * console.log(pipe.length); // 2
 * ```
 */
export abstract class QueuedCommands<S, V extends Bulk = string> extends Commands<"chain", S, V> {
  // Two parallel arrays rather than an object per command: a 1000-command
  // pipeline then hands its commands to the connection as they are.
  #commands: RedisArgument[][] = [];
  #transforms: Transform<unknown>[] = [];
  #scripts: Map<string, Script> | undefined;
  /** Lends the connection `exec()` runs on. */
  #run: ConnectionRunner;
  /** Where the commands go, for tracing contexts. */
  #target: (() => TraceTarget) | undefined;

  /**
   * Made by `redis.pipeline()` / `redis.multi()`; not constructed by users.
   *
   * @param run Lends the connection exec runs on.
   * @param target Where the commands go, for tracing contexts.
   */
  constructor(run: ConnectionRunner, target?: () => TraceTarget) {
    super();
    this.#run = run;
    this.#target = target;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#commands.length;
  }

  /**
   * Queues any command.
   *
   * @param args The command and its arguments.
   * @returns This builder, to chain.
   * @throws {TypeError} If an argument is not a string, finite number, bigint or Uint8Array.
   */
  sendCommand(args: RedisArgument[]): Result<Reply, "chain", S> {
    return this.call(args, asIs<Reply>);
  }

  /**
   * Queues a typed command.
   * @internal
   */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): Result<T, "chain", S> {
    checkArguments(args);
    this.#commands.push(args);
    this.#transforms.push(transform);
    return this as unknown as Result<T, "chain", S>;
  }

  /**
   * Queues EVALSHA and remembers the script, loaded before exec if missing.
   * @internal
   */
  protected override callScript<T>(
    script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): Result<T, "chain", S> {
    (this.#scripts ??= new Map()).set(script.sha, script);
    return this.call(args, transform);
  }

  /**
   * Empties the queue and returns what it held: the commands, and how to
   * shape each one's reply.
   * @internal
   */
  protected take(): [commands: RedisArgument[][], transforms: Transform<unknown>[]] {
    const taken: [RedisArgument[][], Transform<unknown>[]] = [this.#commands, this.#transforms];
    this.#commands = [];
    this.#transforms = [];
    return taken;
  }

  /**
   * Sends `commands` in one write on one lent connection, traced as `kind`,
   * after loading the scripts it lacks.
   * @internal
   */
  protected send(kind: "pipeline" | "transaction", commands: RedisArgument[][]): Promise<Reply[]> {
    return traceBatch(kind, commands, this.#target, () =>
      this.#run(async (connection) => {
        await this.#loadScripts(connection);
        return connection.batch(commands);
      }));
  }

  /**
   * Loads, on `connection`, the registered scripts it lacks (SCRIPT EXISTS,
   * then SCRIPT LOAD), so EVALSHA cannot fail with NOSCRIPT; one round trip
   * when scripts were queued, none otherwise.
   */
  async #loadScripts(connection: Connection): Promise<void> {
    const scripts = this.#scripts === undefined ? [] : [...this.#scripts.values()];
    this.#scripts = undefined;
    if (scripts.length === 0) return;
    const exists = await connection.command(["SCRIPT", "EXISTS", ...scripts.map((s) => s.sha)]);
    const missing = scripts.filter((_, i) => (exists as Reply[])[i] !== 1);
    if (missing.length > 0) {
      await connection.batch(missing.map((s): RedisArgument[] => ["SCRIPT", "LOAD", s.lua]));
    }
  }
}

/**
 * How a pipeline's type grows: each queued command appends its reply type
 * to `R`, so `exec()` resolves the tuple of replies.
 *
 * @example
 * ```ts
 * import type { Pipeline, PipelineChain } from "@redwire/redis";
 *
 * type Next = (PipelineChain<string, []> & { reply: number })["next"]; // Pipeline<string, [number]>
 * ```
 */
export interface PipelineChain<V extends Bulk, R extends unknown[]> extends Chain {
  /** The pipeline after one more command. */
  readonly next: Pipeline<V, [...R, this["reply"]]>;
}

/**
 * How a transaction's type grows (see {@linkcode PipelineChain}).
 *
 * @example
 * ```ts
 * import type { MultiChain } from "@redwire/redis";
 *
 * type Next = (MultiChain<string, []> & { reply: number })["next"]; // Multi<string, [number]>
 * ```
 */
export interface MultiChain<V extends Bulk, R extends unknown[]> extends Chain {
  /** The transaction after one more command. */
  readonly next: Multi<V, [...R, this["reply"]]>;
}

/**
 * Commands queued and sent in one write on one connection, replies in order.
 * Not atomic: use `multi()` for that.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const [ok, value] = await redis.pipeline().set("a", "1").get("a").exec();
 * ```
 */
export class Pipeline<V extends Bulk = string, R extends unknown[] = []>
  extends QueuedCommands<PipelineChain<V, R>, V> {
  /**
   * Sends every queued command in one write and returns the replies in order.
   *
   * @param options `raiseOnError: false` keeps error replies in place.
   * @returns The typed replies, one per queued command, in order.
   * @throws {ReplyError} The first error reply, unless raiseOnError is false.
   */
  exec(options: { raiseOnError: false }): Promise<SettledReplies<R>>;
  /**
   * Sends every queued command in one write and returns the replies in order.
   *
   * @param options Exec options; the first error reply rejects unless `raiseOnError` is false.
   * @returns The typed replies, one per queued command, in order.
   */
  exec(options?: ExecOptions): Promise<R>;
  async exec(options: ExecOptions = {}): Promise<R | SettledReplies<R>> {
    const [commands, transforms] = this.take();
    if (commands.length === 0) return [] as unknown as R;
    const replies = await this.send("pipeline", commands);
    return shape(transforms, replies, options.raiseOnError ?? true) as R;
  }
}

/**
 * A MULTI/EXEC transaction: the queued commands run atomically, on one
 * connection. Inside `redis.watch()`, `exec()` resolves `null` when a watched
 * key changed.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const [a, b] = (await redis.multi().incr("n").incr("n").exec())!;
 * ```
 */
export class Multi<V extends Bulk = string, R extends unknown[] = []>
  extends QueuedCommands<MultiChain<V, R>, V> {
  /**
   * Sends MULTI, the commands and EXEC in one write.
   *
   * @param options `raiseOnError: false` keeps error replies in place.
   * @returns The typed replies, or `null` when a WATCHed key changed.
   * @throws {ReplyError} EXECABORT when a command was rejected while queuing, or
   *   the first error reply unless raiseOnError is false.
   */
  exec(options: { raiseOnError: false }): Promise<SettledReplies<R> | null>;
  /**
   * Sends MULTI, the commands and EXEC in one write.
   *
   * @param options Exec options; the first error reply rejects unless `raiseOnError` is false.
   * @returns The typed replies, or `null` when a WATCHed key changed.
   */
  exec(options?: ExecOptions): Promise<R | null>;
  async exec(options: ExecOptions = {}): Promise<R | SettledReplies<R> | null> {
    const [queued, transforms] = this.take();
    const commands = [["MULTI"], ...queued, ["EXEC"]];
    const replies = await this.send("transaction", commands);
    const queuing = replies.slice(0, -1).find((reply) => reply instanceof ReplyError);
    const result = replies[replies.length - 1]!;
    if (result instanceof ReplyError) {
      throw queuing
        ? new ReplyError(`${result.message} (${(queuing as ReplyError).message})`, {
          cause: queuing,
        })
        : result;
    }
    if (result === null) return null;
    if (!Array.isArray(result)) {
      throw new RedisError(`EXEC answered with ${typeof result}, not an array`);
    }
    return shape(transforms, result, options.raiseOnError ?? true) as R;
  }
}
