/**
 * The one seam between redwire and time: reading the clock and setting
 * timers. Connections (reply and connect deadlines), pools (lifetimes, idle
 * eviction, leak detection, health checks) and their semaphore take it from
 * the `clock` option, so a test can drive time instead of sleeping.
 *
 * @module
 */

/**
 * A time source with timers. The system clock is the default; tests pass
 * one they advance by hand.
 *
 * @example
 * ```ts
 * import type { Clock } from "@redwire/redis";
 *
 * const offset = 1_000;
 * const shifted: Clock = {
 *   now: () => Date.now() + offset,
 *   setTimeout: (callback, ms) => setTimeout(callback, ms),
 *   clearTimeout: (timer) => clearTimeout(timer as number),
 * };
 * ```
 */
export interface Clock {
  /** The time now, in ms since the epoch. */
  now(): number;
  /** Calls `callback` once, `ms` from now; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer; `undefined` or a timer that already ran is ignored. */
  clearTimeout(timer: unknown): void;
}

/**
 * The runtime's clock: `Date.now` and the global timers.
 *
 * @example
 * ```ts
 * import { SYSTEM_CLOCK } from "./clock.ts";
 *
 * const timer = SYSTEM_CLOCK.setTimeout(() => console.log(SYSTEM_CLOCK.now()), 10);
 * SYSTEM_CLOCK.clearTimeout(timer);
 * ```
 */
export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: (): number => Date.now(),
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (timer: unknown): void => clearTimeout(timer as ReturnType<typeof setTimeout>),
});
