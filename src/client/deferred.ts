/**
 * A reply that exists before its command has run: awaitable, and readable
 * with `.value` once its pipeline has executed.
 *
 * @module
 */
import { RedisError } from "../errors.ts";

/**
 * A reply promised by a pipeline that has not executed yet. Await it, or read
 * `value` after `exec()`.
 *
 * @example
 * ```ts
 * import { DeferredReply } from "@redwire/redis";
 *
 * const reply = new DeferredReply<string>("GET name");
 * reply.settle(undefined, "joe");
 * console.log(reply.value, await reply); // joe joe
 * ```
 */
export class DeferredReply<T> implements PromiseLike<T> {
  /** The command, for messages. */
  readonly command: string;
  #state: "pending" | "fulfilled" | "rejected" = "pending";
  /** The reply once fulfilled, the error once rejected. */
  #outcome: unknown;
  #promise: Promise<T>;
  // `unknown`, not `T`: a parameter of type T would make DeferredReply<T>
  // invariant, and methods whose overloads differ in reply type need covariance.
  #resolve!: (value: unknown) => void;
  #reject!: (error: unknown) => void;

  /**
   * Creates an unsettled reply.
   *
   * @param command The command it answers, for messages.
   */
  constructor(command: string) {
    this.command = command;
    this.#promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve as (value: unknown) => void;
      this.#reject = reject;
    });
    // A deferred reply nobody awaits must not surface as an unhandled rejection.
    this.#promise.catch(() => {});
  }

  /** Whether the reply has arrived (or failed). */
  get settled(): boolean {
    return this.#state !== "pending";
  }

  /**
   * The reply, once the pipeline has executed.
   *
   * @throws {RedisError} If read before exec.
   * @throws The command's error, when it failed.
   */
  get value(): T {
    if (this.#state === "fulfilled") return this.#outcome as T;
    if (this.#state === "rejected") throw this.#outcome;
    throw new RedisError(
      `The reply to ${this.command} is not available until its pipeline executes`,
    );
  }

  /**
   * Settles the reply (called by the pipeline).
   *
   * @param error The failure, or `undefined` for success.
   * @param value The reply on success.
   */
  settle(error: unknown, value?: T): void {
    if (this.#state !== "pending") return;
    const failed = error !== undefined;
    this.#state = failed ? "rejected" : "fulfilled";
    this.#outcome = failed ? error : value;
    (failed ? this.#reject : this.#resolve)(this.#outcome);
  }

  /** Makes the reply awaitable. */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#promise.then(onFulfilled, onRejected);
  }
}
