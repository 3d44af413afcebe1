/**
 * The error a cross-server pipeline raises when one or more servers failed.
 *
 * @module
 */
import { messageOf, RedisError } from "../errors.ts";

/**
 * One server that failed during a named pipeline's exec.
 *
 * @example Describing a failure
 * ```ts
 * import type { ServerFailure } from "@redwire/redis";
 *
 * function describe(failure: ServerFailure): string {
 *   return `${failure.names.join("/")} at ${failure.address}: ${failure.error}`;
 * }
 * ```
 */
export interface ServerFailure {
  /** The connection names whose commands went to this server, in first-use order. */
  names: string[];
  /** The server's address (`host:port` or socket path), without credentials. */
  address: string;
  /** How many of the pipeline's commands were for this server (each rejected with `error`). */
  commands: number;
  /** What failed: usually a `ConnectionError`, `TimeoutError` or `PoolTimeoutError`. */
  error: unknown;
}

/**
 * A named pipeline's exec could not reach one or more servers. Every reply
 * has been settled before this is thrown: the failed servers' replies are
 * rejected with their server's error, the other servers' replies hold their
 * results. Like `AggregateError`, `errors` lists the underlying errors.
 *
 * @example Finding out which servers failed
 * ```ts
 * import { pipeline, PipelineError } from "@redwire/redis";
 *
 * const p = pipeline();
 * const name = p.on("users").hget("u{1}", "name");
 * const body = p.on("messages").hget("m{1}", "body");
 * try {
 *   await p.exec();
 * } catch (error) {
 *   if (!(error instanceof PipelineError)) throw error;
 *   console.log(error.failures.map((f) => f.names)); // e.g. [["messages"]]
 *   console.log(name.value); // still readable: "users" answered
 * }
 * ```
 */
export class PipelineError extends RedisError {
  /** The class name, `"PipelineError"`. */
  override name = "PipelineError";
  /** Each failed server, with the names that used it and its error. */
  readonly failures: ServerFailure[];
  /** The failed servers' errors, in the order of `failures`. */
  readonly errors: unknown[];

  /**
   * Made by `exec()`; not constructed by users.
   *
   * @param failures The failed servers.
   * @param servers How many servers the exec sent to.
   */
  constructor(failures: ServerFailure[], servers: number) {
    const list = failures.map((failure) =>
      `${failure.names.map((name) => `"${name}"`).join(", ")} (${failure.address}): ${
        messageOf(failure.error)
      }`
    );
    super(
      `Pipeline failed on ${failures.length} of ${servers} servers: ${list.join("; ")}. ` +
        `Their replies are rejected; the other replies are settled`,
      { cause: failures[0]?.error },
    );
    this.failures = failures;
    this.errors = failures.map((failure) => failure.error);
  }
}
