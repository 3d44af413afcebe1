/**
 * A clock tests drive by hand: timers fire only when `advance()` moves time
 * past them, so "not yet" is asserted without sleeping.
 *
 * @example
 * ```ts
 * import { TestClock } from "./clock.ts";
 *
 * const clock = new TestClock();
 * let fired = false;
 * clock.setTimeout(() => (fired = true), 100);
 * await clock.advance(99); // fired === false
 * await clock.advance(1); // fired === true
 * ```
 *
 * @module
 */
import type { Clock } from "../../src/clock.ts";

interface Timer {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets promise callbacks (and the I/O they wait on) run before the next step. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A {@linkcode Clock} whose time moves only when the test says so. */
export class TestClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;

  /** @param start The time to start at, in ms since the epoch (default: the real time now). */
  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(timer: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== timer);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing each timer that falls due on the way,
   * earliest first, at its own time; what they start settles between them.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (let next = this.#next(end); next !== undefined; next = this.#next(end)) {
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.due);
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  #next(end: number): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.due <= end && (first === undefined || timer.due < first.due)) first = timer;
    }
    return first;
  }
}
