/**
 * Private: one reconnect backoff shared by everything a pool connects, so a
 * server that refuses (down, maxclients, handshake refusal) sees a few
 * attempts per second whatever the call rate.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { eitherSignal } from "../_abort.ts";
import { ConnectionError } from "../errors.ts";
import { sleep } from "../connection/mod.ts";

/** The shortest wait between two attempts while connects fail (at most 5 per second). */
const MIN_DELAY = 200;
/** The longest wait between two attempts. */
const MAX_DELAY = 2_000;

/**
 * While connects succeed, every caller connects at once. After a failure,
 * callers take turns: one attempt at a time, each after a backoff that
 * doubles per consecutive failure (with jitter, between MIN_DELAY and
 * MAX_DELAY); the first success resets it.
 */
export class ReconnectGate {
  #clock: Clock;
  /** Reject a connect that would wait for its turn instead of waiting. */
  #failFast: boolean;
  /** Why the last attempt failed (the cause of a fail-fast refusal). */
  #lastError: unknown;
  /** Consecutive failed attempts (0 while healthy). */
  #failures = 0;
  #openAt = 0;
  /** The turn in progress while failing: the next caller waits for it. */
  #turn: Promise<void> = Promise.resolve();
  /** A fail-fast gate's one attempt after the backoff is under way. */
  #probing = false;
  /** Ends the backoff wait under way, if any (reset()). */
  #wake: (() => void) | undefined;
  /** Aborted by cancel(): every caller waiting for its turn leaves. */
  #cancel = new AbortController();

  /**
   * Makes an open gate.
   *
   * @param clock Time and timers (tests pass a test clock).
   * @param failFast Refuse at once, while backing off, instead of waiting.
   */
  constructor(clock: Clock, failFast = false) {
    this.#clock = clock;
    this.#failFast = failFast;
  }

  /**
   * Runs one connect attempt under the shared backoff.
   *
   * @param connect Makes the connection.
   * @param signal Lets a caller stop waiting for its turn.
   * @returns What `connect` returns.
   */
  async run<T>(connect: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#failures === 0) return await this.#attempt(connect);
    if (this.#failFast) {
      const wait = Math.max(0, Math.ceil(this.#openAt - this.#clock.now()));
      // One caller may probe once the backoff is over; the rest go elsewhere.
      if (wait > 0 || this.#probing) throw this.#refusal(wait);
      this.#probing = true;
      try {
        return await this.#attempt(connect);
      } finally {
        this.#probing = false;
      }
    }
    const cancel = this.#cancel.signal;
    const combined = signal === undefined ? undefined : eitherSignal(signal, cancel);
    signal = combined?.signal ?? cancel;
    const previous = this.#turn;
    let done!: () => void;
    this.#turn = new Promise<void>((resolve) => (done = resolve));
    try {
      await waitFor(previous, signal);
      // A success meanwhile reopened the gate: no wait.
      if (this.#failures > 0) {
        const wait = this.#openAt - this.#clock.now();
        if (wait > 0) await sleep(wait, signal, this.#clock, (wake) => (this.#wake = wake));
        else signal.throwIfAborted();
        this.#wake = undefined;
      }
      return await this.#attempt(connect);
    } finally {
      combined?.dispose();
      done();
    }
  }

  /**
   * Forgets the failures (the pool's server changed, as after a Sentinel
   * failover): the next attempt runs at once.
   */
  reset(): void {
    this.#failures = 0;
    this.#openAt = 0;
    this.#wake?.();
  }

  /**
   * Ends every wait for a turn (the pool is closing); attempts under way finish.
   *
   * @param reason What the waiting callers reject with.
   */
  cancel(reason: Error): void {
    this.#cancel.abort(reason);
    this.#cancel = new AbortController();
  }

  #refusal(wait: number): ConnectionError {
    const failures = this.#failures;
    return new ConnectionError(
      `Not connecting: the last ${failures} connect attempt${failures === 1 ? "" : "s"} failed ` +
        `(${(this.#lastError as Error | undefined)?.message ?? "unknown error"}); ` +
        `the next may run in ${wait} ms (reconnectBackoff: "fail")`,
      { cause: this.#lastError, written: false },
    );
  }

  async #attempt<T>(connect: () => Promise<T>): Promise<T> {
    try {
      const result = await connect();
      this.#failures = 0;
      return result;
    } catch (error) {
      this.#lastError = error;
      const ceiling = Math.min(MAX_DELAY, 2 * MIN_DELAY * 2 ** Math.min(this.#failures, 8));
      this.#failures++;
      // "Equal jitter": never under half the ceiling, so the rate bound holds.
      this.#openAt = this.#clock.now() + ceiling / 2 + Math.random() * ceiling / 2;
      throw error;
    }
  }
}

function waitFor(turn: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    turn.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
