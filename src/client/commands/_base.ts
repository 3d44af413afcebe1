/** The base of every command set: one `call` that each front end implements. */
import type { RedisArgument } from "../../protocol/mod.ts";
import type { DeferredReply } from "../deferred.ts";
import type { Transform } from "./_transforms.ts";

/**
 * What a bulk-string reply is: `string` on a decoding client (the default),
 * `Uint8Array` with `decodeResponses: false` and on `redis.bytes`.
 */
export type Bulk = string | Uint8Array;

/**
 * A chaining builder's type-level step: `next` is the builder after one more
 * command whose reply is `reply` (pipelines use it to type `exec()` as the
 * tuple of their replies).
 */
export interface Chain {
  /** The reply type of the command just queued. */
  readonly reply: unknown;
  /** The builder after it. */
  readonly next: unknown;
}

/**
 * What a command method returns, by front end: a promise (the client), the
 * builder itself for chaining (pipeline, multi) or a deferred reply (named
 * pipelines).
 */
export interface ResultKinds<T, Self> {
  /** The client: the command's typed reply. */
  promise: Promise<T>;
  /** Pipelines and MULTI: the builder, to chain the next command. */
  chain: Self extends Chain ? (Self & { readonly reply: T })["next"] : Self;
  /** Named pipelines: a reply settled at exec. */
  deferred: DeferredReply<T>;
}

/**
 * Which kind of result a command set returns.
 */
export type ResultKind = keyof ResultKinds<unknown, unknown>;

/**
 * A command's result for front end `K` whose builder type is `S`.
 */
export type Result<T, K extends ResultKind, S> = ResultKinds<T, S>[K];

/**
 * A key or value argument: text or bytes.
 */
export type RedisKey = string | Uint8Array;

/**
 * The root of the command sets: subclasses add commands, front ends
 * (client, pipeline, MULTI, named pipeline, cluster) implement `call`.
 * `V` is the type of bulk-string replies (see {@linkcode Bulk}).
 * @internal
 */
export abstract class CommandBase<K extends ResultKind, S, V extends Bulk = string> {
  /**
   * Phantom member carrying `V` for type inference; never set.
   * @internal
   */
  declare protected readonly bulk?: V;
  /**
   * Sends or queues one command; each front end decides how. Front ends call
   * `checkArguments` first, so a bad argument rejects this call only.
   *
   * @param args The command and its arguments.
   * @param transform Shapes the raw reply into the typed result.
   * @param options A signal (blocking commands); front ends that queue commands ignore it.
   * @internal
   */
  protected abstract call<T>(
    args: RedisArgument[],
    transform: Transform<T>,
    options?: BlockingOptions,
  ): Result<T, K, S>;
}

/**
 * Options of the blocking commands (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN,
 * BZPOPMAX, BZMPOP). Aborting rejects the command with `signal.reason`; its
 * dedicated connection is destroyed, so a late reply reaches no one.
 *
 * @example
 * ```ts
 * import { type BlockingOptions, Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const options: BlockingOptions = { signal: AbortSignal.timeout(1000) };
 * await redis.blpop("jobs", 0, options).catch(() => null);
 * ```
 */
export interface BlockingOptions {
  /** Cancels the wait. */
  signal?: AbortSignal;
}
