/**
 * Private: one reconnect backoff shared by everything a pool connects, so a
 * server that refuses (down, maxclients, handshake refusal) sees a few
 * attempts per second whatever the call rate.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import { ConnectionError } from "../errors.ts";

/** The shortest wait between two attempts while connects fail (at most 5 per second). */
const MIN_DELAY = 200;
/** The longest wait between two attempts. */
const MAX_DELAY = 2_000;

/** The refusals made while backing off: no attempt ran, so nothing to report. */
const REFUSALS = new WeakSet<Error>();

/**
 * Whether `error` is a refusal of the backoff (no connect attempt was made).
 *
 * @param error Any error.
 * @returns `true` for a gate's refusal.
 */
export function isBackoffRefusal(error: unknown): boolean {
  return error instanceof Error && REFUSALS.has(error);
}

/**
 * While connects succeed, every caller connects at once. After a failure,
 * one attempt runs per backoff window (the wait doubles per consecutive
 * failure, with jitter, between MIN_DELAY and MAX_DELAY); a caller that comes
 * while the window is closed or its attempt is under way fails at once with
 * the last failure (never written, so the dispatcher may retry it, and the
 * cluster router re-route it, without waiting). The first success resets it.
 */
export class ReconnectGate {
  #clock: Clock;
  #failures = 0;
  #openAt = 0;
  #busy = false;
  #refusal: ConnectionError | undefined;
  #last: Error | undefined;

  /**
   * Makes an open gate.
   *
   * @param clock Time and timers (tests pass a test clock).
   */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Runs one connect attempt, or refuses at once while the backoff runs.
   *
   * @param connect Makes the connection.
   * @returns What `connect` returns.
   * @throws {ConnectionError} While backing off: the last failure, as its cause.
   */
  async run<T>(connect: () => Promise<T>): Promise<T> {
    if (this.#failures > 0) {
      if (this.#busy || this.#clock.now() < this.#openAt) throw this.#refused();
      this.#busy = true;
    }
    try {
      const result = await connect();
      this.reset();
      return result;
    } catch (error) {
      this.#failed(error as Error);
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Forgets the failures (a success, or the pool's server changed as after a
   * Sentinel failover): the next attempt runs at once.
   */
  reset(): void {
    this.#failures = 0;
    this.#openAt = 0;
    this.#refusal = undefined;
    this.#last = undefined;
  }

  #failed(error: Error): void {
    const ceiling = Math.min(MAX_DELAY, 2 * MIN_DELAY * 2 ** Math.min(this.#failures, 8));
    this.#failures++;
    // "Equal jitter": never under half the ceiling, so the rate bound holds.
    this.#openAt = this.#clock.now() + ceiling / 2 + Math.random() * ceiling / 2;
    this.#last = error;
    this.#refusal = undefined;
  }

  /** One error per failure, shared by every caller refused until the next attempt. */
  #refused(): ConnectionError {
    if (this.#refusal !== undefined) return this.#refusal;
    const wait = Math.max(0, Math.round(this.#openAt - this.#clock.now()));
    this.#refusal = new ConnectionError(
      `Not connecting yet: the last ${this.#failures} connect attempt(s) failed (${this.#last?.message}); ` +
        `the pool tries again in about ${wait} ms (one attempt at a time while the server refuses)`,
      { cause: this.#last },
    );
    REFUSALS.add(this.#refusal);
    return this.#refusal;
  }
}
