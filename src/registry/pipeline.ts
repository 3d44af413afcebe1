/**
 * Named pipelines, as in RedPipe: commands return deferred replies, one
 * logical pipeline may hold commands for several named connections, and a
 * function can join its caller's pipeline.
 *
 * @module
 */
import {
  asIs,
  checkArguments,
  commandName,
  Commands,
  DeferredReply,
  type Transform,
} from "../client/mod.ts";
import { RedisError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { type Entry, execute, type Origin } from "./_exec.ts";
import { checkName, type ConnectionRegistry, connections, DEFAULT_NAME } from "./connections.ts";

/**
 * Options of {@linkcode pipeline}.
 *
 * @example Options
 * ```ts
 * import { pipeline, type PipelineOptions } from "@redwire/redis";
 *
 * const options: PipelineOptions = { name: "users", autocommit: true };
 * await using users = pipeline(options);
 * ```
 */
export interface PipelineOptions {
  /**
   * The connection the pipeline's commands go to (`on()` picks another).
   * Never inherited from an outer pipeline, so a function sends to the same
   * server whether or not it is given a pipe.
   * @default "default"
   */
  name?: string;
  /**
   * Execute at `await using` disposal what is still queued (unless
   * `discard()` was called). Disposal cannot see an exception thrown in the
   * block: use `run()` to skip execution when the block throws.
   * @default false
   */
  autocommit?: boolean;
  /** Send the per-server batches of `exec()` in parallel. @default true */
  parallel?: boolean;
  /** Where names are looked up. @default connections (an outer pipeline's registry when nested) */
  registry?: ConnectionRegistry;
}

/**
 * Options of {@linkcode NamedPipeline.exec}.
 *
 * @example Serial exec
 * ```ts
 * import { pipeline, type PipelineExecOptions } from "@redwire/redis";
 *
 * const serial: PipelineExecOptions = { parallel: false };
 * await pipeline().exec(serial);
 * ```
 */
export interface PipelineExecOptions {
  /** Send the per-server batches at once (`false`: one server after another). @default the pipeline's `parallel` */
  parallel?: boolean;
}

/** The queue shared by a pipeline and every view onto it. */
interface Queue {
  entries: Entry[];
}

function descends(origin: Origin | undefined, ancestor: Origin): boolean {
  for (; origin !== undefined; origin = origin.parent) if (origin === ancestor) return true;
  return false;
}

/**
 * A pipeline over named connections: each command returns a
 * {@linkcode DeferredReply} that settles at `exec()`. Commands may target
 * several connections (`on(name)`); exec sends one batch per server (names
 * aliasing one client share a batch), in parallel by default, and settles
 * the replies in the order the commands were added.
 *
 * A nested pipeline (`pipeline(pipe, ...)`) is a view onto the outer one: its
 * commands join the outer queue at once and run at the outer exec; its own
 * `exec()` and disposal do nothing.
 *
 * @example A cross-server pipeline
 * ```ts
 * import { connections, pipeline, Redis } from "@redwire/redis";
 *
 * connections.connect(new Redis({ port: 6379 }), { name: "users" });
 * connections.connect(new Redis({ port: 6380 }), { name: "messages" });
 * const p = pipeline();
 * const added = p.on("users").hset("u{1}", "name", "joe");
 * const body = p.on("messages").hget("m{1}", "body");
 * await p.exec();
 * console.log(added.value, body.value);
 * ```
 */
export class NamedPipeline extends Commands<"deferred", NamedPipeline> {
  #queue: Queue;
  #origin: Origin;
  #nested: boolean;
  #name: string;
  #registry: ConnectionRegistry;
  #autocommit: boolean;
  #parallel: boolean;

  /**
   * Creates a pipeline, or a view nested in `pipe`. Usually called through
   * {@linkcode pipeline}.
   *
   * @param pipe The outer pipeline to join, if any.
   * @param options Name, autocommit, parallel, registry.
   * @throws {TypeError} If the name is not a non-empty string.
   */
  constructor(pipe?: NamedPipeline | null, options: PipelineOptions = {}) {
    super();
    this.#name = checkName(options.name ?? DEFAULT_NAME);
    this.#autocommit = options.autocommit ?? false;
    this.#parallel = options.parallel ?? true;
    // Nested: the outer pipeline's queue, and an origin of its own under the outer one's.
    const outer = pipe ?? undefined;
    this.#queue = outer ? outer.#queue : { entries: [] };
    this.#origin = outer ? { parent: outer.#origin } : {};
    this.#nested = outer !== undefined;
    this.#registry = options.registry ?? (outer ? outer.#registry : connections);
  }

  /** The connection name this pipeline's commands go to. */
  get name(): string {
    return this.#name;
  }

  /** Whether this is a view nested in another pipeline (it never executes itself). */
  get nested(): boolean {
    return this.#nested;
  }

  /** How many commands wait for the next exec, in the whole logical pipeline. */
  get length(): number {
    return this.#queue.entries.length;
  }

  /**
   * A view of this same pipeline whose commands go to another connection.
   * The view shares the queue: `p.on("a").exec()` executes all of `p`.
   *
   * @param name The connection name.
   * @returns The view.
   * @throws {TypeError} If the name is not a non-empty string.
   */
  on(name: string): NamedPipeline {
    const view = new NamedPipeline(undefined, { name, registry: this.#registry });
    view.#queue = this.#queue;
    view.#origin = this.#origin;
    view.#nested = this.#nested;
    view.#autocommit = this.#autocommit;
    view.#parallel = this.#parallel;
    return view;
  }

  /**
   * Queues any command.
   *
   * @param args The command and its arguments.
   * @returns Its reply, settled at exec.
   * @throws {NoConnectionError} If this pipeline's name is not connected.
   */
  sendCommand(args: RedisArgument[]): DeferredReply<Reply> {
    return this.call(args, asIs<Reply>);
  }

  /** Queues a typed command for this pipeline's connection. */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): DeferredReply<T> {
    checkArguments(args);
    // Looked up now, so an unknown name fails where the command is written.
    const client = this.#registry.get(this.#name);
    const reply = new DeferredReply<T>(`${commandName(args)} on "${this.#name}"`);
    this.#queue.entries.push({
      args,
      transform,
      reply: reply as DeferredReply<unknown>,
      client,
      name: this.#name,
      origin: this.#origin,
    });
    return reply;
  }

  /**
   * Sends every queued command, one batch per server, and settles each
   * reply in the order the commands were added. An error reply rejects its
   * own reply only. A nested pipeline resolves `[]` at once: its commands
   * run at the outer pipeline's exec.
   *
   * @param options `parallel: false` sends the batches one server after another.
   * @returns The typed replies in order, error replies (`ReplyError`) in place.
   * @throws {PipelineError} If one or more servers failed, after every reply
   *   settled: theirs rejected with the server's error, the others with their results.
   *
   * @example Executing
   * ```ts
   * import { pipeline } from "@redwire/redis";
   *
   * const p = pipeline();
   * const n = p.incr("n");
   * await p.exec({ parallel: false });
   * console.log(n.value);
   * ```
   */
  async exec(options: PipelineExecOptions = {}): Promise<unknown[]> {
    if (this.#nested) return [];
    const entries = this.#queue.entries;
    this.#queue.entries = [];
    return await execute(entries, options.parallel ?? this.#parallel);
  }

  /**
   * Drops the commands queued through this pipeline (for a nested one, only
   * its own and its nested views'; for the outer one, all), rejecting their
   * replies. Call it in a `catch` to keep an autocommit pipeline from executing.
   *
   * @example Discarding
   * ```ts
   * import { pipeline } from "@redwire/redis";
   *
   * await using p = pipeline({ autocommit: true });
   * p.set("k", "v");
   * p.discard(); // disposal now sends nothing
   * ```
   */
  discard(): void {
    const kept: Entry[] = [];
    const dropped: Entry[] = [];
    for (const entry of this.#queue.entries) {
      (descends(entry.origin, this.#origin) ? dropped : kept).push(entry);
    }
    this.#queue.entries = kept;
    for (const entry of dropped) {
      entry.reply.settle(
        new RedisError(`${entry.reply.command} was discarded before its pipeline executed`),
      );
    }
  }

  /**
   * Runs `fn` with this pipeline, then executes it; if `fn` throws, discards
   * what this pipeline queued and rethrows, executing nothing. A nested
   * pipeline does not execute: on success its commands stay for the outer exec.
   *
   * `fn` must not await this pipeline's replies: they settle only after it returns.
   *
   * @param fn Queues commands.
   * @returns The exec results (`[]` when nested).
   * @throws What `fn` throws, or {@linkcode PipelineError} from exec.
   *
   * @example Commit only if the block completes
   * ```ts
   * import { pipeline } from "@redwire/redis";
   *
   * await pipeline({ name: "users" }).run((users) => {
   *   users.hset("u{1}", "name", "joe");
   * });
   * ```
   */
  async run(fn: (pipe: NamedPipeline) => void | Promise<void>): Promise<unknown[]> {
    try {
      await fn(this);
    } catch (error) {
      this.discard();
      throw error;
    }
    return await this.exec();
  }

  /**
   * `await using` disposal. An autocommit pipeline executes what is queued;
   * any other discards it (its replies reject); a nested one does nothing.
   * The language gives disposal no sight of an exception thrown in the
   * block, so an autocommit pipeline executes then too, unless `discard()`
   * was called: use `run()` when a throw must prevent execution.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#nested) return;
    if (this.#autocommit) await this.exec();
    else this.discard();
  }
}

/**
 * Starts a named pipeline, or joins `pipe`: a function that takes an
 * optional pipe calls `pipeline(pipe, { name })`, and its commands run at
 * the caller's exec when given one, or at its own otherwise.
 *
 * @param pipe The caller's pipeline to join (`undefined` / `null`: start a new one).
 * @param options Name, autocommit, parallel, registry.
 * @returns A new pipeline, or a nested view onto `pipe`.
 * @throws {TypeError} If `pipe` is not a named pipeline, or the name is not a non-empty string.
 *
 * @example Nesting
 * ```ts
 * import { type NamedPipeline, pipeline } from "@redwire/redis";
 *
 * function save(id: string, name: string, pipe?: NamedPipeline): Promise<unknown[]> {
 *   return pipeline(pipe, { name: "users" }).run((p) => {
 *     p.hset(`u{${id}}`, "name", name);
 *   });
 * }
 *
 * await save("1", "joe"); // executes by itself
 * const p = pipeline();
 * await save("2", "ann", p); // joins p
 * await p.exec(); // sends both HSETs of p
 * ```
 */
export function pipeline(options?: PipelineOptions): NamedPipeline;
/**
 * Joins the caller's pipeline when `pipe` is given (its commands then run at
 * the caller's `exec()`), or starts a new one when it is not.
 *
 * @param pipe The caller's pipeline, if any.
 * @param options The connection name and autocommit, for a new pipeline.
 * @returns A view onto `pipe`, or a new pipeline.
 *
 * @example
 * ```ts
 * import { type NamedPipeline, pipeline } from "@redwire/redis";
 *
 * function touch(id: string, pipe?: NamedPipeline) {
 *   return pipeline(pipe, { name: "users" }).run((p) => {
 *     p.touch(`u{${id}}`);
 *   });
 * }
 * ```
 */
export function pipeline(
  pipe: NamedPipeline | null | undefined,
  options?: PipelineOptions,
): NamedPipeline;
export function pipeline(
  pipeOrOptions?: NamedPipeline | PipelineOptions | null,
  options?: PipelineOptions,
): NamedPipeline {
  if (pipeOrOptions instanceof NamedPipeline) return new NamedPipeline(pipeOrOptions, options);
  if (pipeOrOptions === undefined || pipeOrOptions === null) {
    return new NamedPipeline(undefined, options);
  }
  if (options !== undefined || typeof (pipeOrOptions as { exec?: unknown }).exec === "function") {
    throw new TypeError(
      "pipeline(pipe, options) joins a pipeline made by pipeline(); use redis.pipeline() for a single client",
    );
  }
  return new NamedPipeline(undefined, pipeOrOptions);
}
