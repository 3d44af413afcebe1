/**
 * Retry policy: how many times, how long to wait, and which failures qualify.
 *
 * @module
 */
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import {
  AuthenticationError,
  ConnectionError,
  MasterNotFoundError,
  OverflowError,
  PoolExhaustedError,
  PoolTimeoutError,
  TimeoutError,
} from "../errors.ts";

/**
 * Exponential backoff with full jitter: attempt `n` waits a random time in
 * `[0, min(maxDelay, baseDelay * 2 ** n))`.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * const redis = new Redis({ retry: { attempts: 3, baseDelay: 50, maxDelay: 1000 } });
 * await redis.close();
 * ```
 */
export interface RetryPolicy {
  /** Retries after the first try. @default 3 */
  attempts?: number;
  /** Base of the exponential backoff, in ms. @default 50 */
  baseDelay?: number;
  /** Cap of any one wait, in ms. @default 2000 */
  maxDelay?: number;
}

/**
 * An error class named in `retryOnError`.
 *
 * @example
 * ```ts
 * import { BusyLoadingError, type ErrorClass } from "@redwire/redis";
 *
 * const retryOnError: ErrorClass[] = [BusyLoadingError];
 * ```
 */
export type ErrorClass = abstract new (...args: never[]) => Error;

const RETRY_DEFAULTS: Required<RetryPolicy> = { attempts: 3, baseDelay: 50, maxDelay: 2000 };

/**
 * Fills a retry policy's defaults and checks its values.
 *
 * @param policy The user's policy.
 * @returns The policy with every field set.
 * @throws {RangeError} If a field is negative or not a number.
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}): Required<RetryPolicy> {
  const resolved = { ...RETRY_DEFAULTS, ...policy };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry.${key} must be a finite number >= 0, got ${value}`);
    }
  }
  return resolved;
}

/**
 * The wait before retry number `attempt` (0-based), with full jitter.
 *
 * @param attempt How many retries already happened.
 * @param policy A resolved policy.
 * @returns Milliseconds to wait.
 */
export function backoffDelay(attempt: number, policy: Required<RetryPolicy>): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** attempt);
  return Math.random() * ceiling;
}

/**
 * What decides whether a failed command may be sent again.
 */
export interface RetryDecision {
  /** Re-send commands that timed out after being written. */
  retryOnTimeout: boolean;
  /** Re-send commands that failed with these error classes after being written. */
  retryOnError: readonly ErrorClass[];
}

/**
 * Whether a command that failed with `error` may be sent again. A command that
 * never left the client is always safe; one that may have run is re-sent only
 * when the user opted in (and then it may run twice).
 *
 * @param error The failure.
 * @param decision The user's retryOnTimeout / retryOnError settings.
 * @returns `true` when a retry is allowed.
 */
export function isRetryable(error: unknown, decision: RetryDecision): boolean {
  if (error instanceof TimeoutError) return !error.written || decision.retryOnTimeout;
  if (decision.retryOnError.some((ErrorClass) => error instanceof ErrorClass)) return true;
  return error instanceof ConnectionError && !error.written && !isPoolRefusal(error);
}

/** ReplicaNotFoundError is a MasterNotFoundError, so it is here too. */
const NOT_RETRIED: readonly ErrorClass[] = [
  PoolExhaustedError,
  PoolTimeoutError,
  AuthenticationError,
  OverflowError,
  MasterNotFoundError,
];

function isPoolRefusal(error: ConnectionError): boolean {
  // Pool refusals, overflows, auth failures and "no sentinel knows a master"
  // (the sentinels were all asked already) would fail the same way again at once.
  return NOT_RETRIED.some((ErrorClass) => error instanceof ErrorClass);
}

/**
 * Resolves after `ms`, or rejects with `signal.reason` when aborted.
 *
 * @param ms How long to wait.
 * @param signal Cuts the wait short.
 * @param clock Whose timers measure the wait.
 * @param onWake Receives a function that ends the wait early (resolving).
 * @returns A promise for the end of the wait.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  clock: Clock = SYSTEM_CLOCK,
  onWake?: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    onWake?.(done);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
