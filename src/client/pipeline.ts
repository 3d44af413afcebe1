/**
 * Pipelines (many commands, one write) and MULTI/EXEC transactions.
 *
 * @module
 */
import type { Connection } from "../connection/mod.ts";
import { RedisError, ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { Commands } from "./commands/mod.ts";
import type { Transform } from "./commands/mod.ts";

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
 * A queued command and how to shape its reply.
 */
export interface QueuedCommand {
  /** The command and its arguments. */
  args: RedisArgument[];
  /** Shapes the raw reply into the typed result. */
  transform: Transform<unknown>;
}

function shape(
  queued: readonly QueuedCommand[],
  replies: readonly Reply[],
  raiseOnError: boolean,
): unknown[] {
  if (raiseOnError) {
    const failure = replies.find((reply) => reply instanceof ReplyError);
    if (failure) throw failure;
  }
  return replies.map((reply, i) =>
    reply instanceof ReplyError ? reply : queued[i]!.transform(reply)
  );
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
export abstract class QueuedCommands<S> extends Commands<"chain", S> {
  #queued: QueuedCommand[] = [];
  /**
   * Lends the connection `exec()` runs on.
   * @internal
   */
  protected readonly run: ConnectionRunner;

  /**
   * Made by `redis.pipeline()` / `redis.multi()`; not constructed by users.
   *
   * @param run Lends the connection exec runs on.
   */
  constructor(run: ConnectionRunner) {
    super();
    this.run = run;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#queued.length;
  }

  /**
   * Queues any command.
   *
   * @param args The command and its arguments.
   * @returns This builder, to chain.
   */
  sendCommand(args: RedisArgument[]): this {
    this.#queued.push({ args, transform: (reply) => reply });
    return this;
  }

  /** Queues a typed command. */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): S {
    this.#queued.push({ args, transform });
    return this as unknown as S;
  }

  /**
   * Empties the queue and returns what it held.
   * @internal
   */
  protected take(): QueuedCommand[] {
    const queued = this.#queued;
    this.#queued = [];
    return queued;
  }
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
export class Pipeline extends QueuedCommands<Pipeline> {
  /**
   * Sends every queued command in one write and returns the replies in order.
   *
   * @param options `raiseOnError: false` keeps error replies in place.
   * @returns The typed replies.
   * @throws {ReplyError} The first error reply, unless raiseOnError is false.
   */
  async exec(options: ExecOptions = {}): Promise<unknown[]> {
    const queued = this.take();
    if (queued.length === 0) return [];
    const replies = await this.run((connection) => connection.batch(queued.map((q) => q.args)));
    return shape(queued, replies, options.raiseOnError ?? true);
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
export class Multi extends QueuedCommands<Multi> {
  /**
   * Sends MULTI, the commands and EXEC in one write.
   *
   * @param options `raiseOnError: false` keeps error replies in place.
   * @returns The typed replies, or `null` when a WATCHed key changed.
   * @throws {ReplyError} EXECABORT when a command was rejected while queuing, or
   *   the first error reply unless raiseOnError is false.
   */
  async exec(options: ExecOptions = {}): Promise<unknown[] | null> {
    const queued = this.take();
    const commands = [["MULTI"], ...queued.map((q) => q.args), ["EXEC"]];
    const replies = await this.run((connection) => connection.batch(commands));
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
    return shape(queued, result, options.raiseOnError ?? true);
  }
}
