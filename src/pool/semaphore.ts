/**
 * An async counting semaphore with FIFO fairness, timeouts and AbortSignal.
 *
 * @module
 */
import { checkInteger } from "../_check.ts";
import { type Clock, SYSTEM_CLOCK } from "../clock.ts";
import { TimeoutError } from "../errors.ts";

/**
 * Options for a {@linkcode Semaphore}.
 *
 * @example
 * ```ts
 * import { Semaphore, type SemaphoreOptions } from "@redwire/redis";
 *
 * const options: SemaphoreOptions = { timeoutError: (ms) => new Error(`waited ${ms} ms`) };
 * const semaphore = new Semaphore(4, options);
 * ```
 */
export interface SemaphoreOptions {
  /**
   * Builds the error a waiter rejects with when its timeout passes.
   * @default a `TimeoutError` naming the wait
   */
  timeoutError?: (timeout: number) => Error;
  /** Reads time and sets the wait timers; tests pass one they drive. @default the system clock */
  clock?: Clock;
}

/**
 * One unit taken from a {@linkcode Semaphore}. Release it exactly once.
 *
 * @example
 * ```ts
 * import { Semaphore } from "@redwire/redis";
 *
 * const semaphore = new Semaphore(1);
 * const permit = await semaphore.acquire(1000);
 * try {
 *   // ... use the guarded resource ...
 * } finally {
 *   permit.release();
 * }
 * ```
 */
export class Permit {
  #free: (() => void) | null;

  /**
   * Made by {@linkcode Semaphore}; not constructed by users.
   *
   * @param free Gives the unit back to its semaphore.
   */
  constructor(free: () => void) {
    this.#free = free;
  }

  /** Whether {@linkcode Permit.release} was called. */
  get released(): boolean {
    return this.#free === null;
  }

  /**
   * Gives the unit back; the longest waiter, if any, gets it at once.
   *
   * @throws {TypeError} If the permit was already released (no count changes).
   */
  release(): void {
    const free = this.#free;
    if (free === null) {
      throw new TypeError("This permit was already released; release each permit exactly once");
    }
    this.#free = null;
    free();
  }
}

/** A queued acquirer: a node of an intrusive doubly linked list, so removal is O(1). */
interface Waiter {
  grant: (permit: Permit, waited: number) => void;
  deny: (error: unknown) => void;
  prev: Waiter | null;
  next: Waiter | null;
  timeout: number;
  /** When it was queued (the one clock read a wait costs on enqueue). */
  since: number;
  deadline: number;
  /** On the semaphore's one shared deadline timer (deadlines in FIFO order). */
  shared: boolean;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * An async counting semaphore. Waiters are served strictly first in, first
 * out: a released unit goes straight to the longest waiter, so a late caller
 * can never overtake one that is queued. A waiter that times out or is
 * aborted leaves the queue at once and takes no unit with it.
 *
 * Timeouts cost no timer per waiter in the common case: waiters whose
 * deadlines arrive in queue order share one timer.
 *
 * @example
 * ```ts
 * import { Semaphore } from "@redwire/redis";
 *
 * const semaphore = new Semaphore(2);
 * const permit = await semaphore.acquire(5000, AbortSignal.timeout(10_000));
 * console.log(semaphore.available); // 1
 * permit.release();
 * ```
 */
export class Semaphore {
  #capacity: number;
  #available: number;
  #head: Waiter | null = null;
  #tail: Waiter | null = null;
  #waiting = 0;
  #timeoutError: (timeout: number) => Error;
  #clock: Clock;
  #free = (): void => this.#releaseOne();
  #sharedCount = 0;
  #lastSharedDeadline = -Infinity;
  #sharedTimer: unknown;

  /**
   * Creates a semaphore holding `permits` units.
   *
   * @param permits How many units exist (an integer >= 1).
   * @param options How timeouts are reported.
   * @throws {RangeError} If `permits` is not an integer >= 1.
   */
  constructor(permits: number, options: SemaphoreOptions = {}) {
    checkInteger("permits", permits, 1);
    this.#capacity = permits;
    this.#available = permits;
    this.#timeoutError = options.timeoutError ?? defaultTimeoutError;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** How many units exist. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Units free right now. */
  get available(): number {
    return this.#available;
  }

  /** Acquirers queued right now. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Takes a unit if one is free and nobody is queued, without waiting.
   *
   * @returns A permit, or `null` when none is free.
   */
  tryAcquire(): Permit | null {
    // While anyone waits, `#available` is 0: released units go to waiters.
    if (this.#available === 0) return null;
    this.#available--;
    return new Permit(this.#free);
  }

  /**
   * Takes a unit, waiting in FIFO order while none is free.
   *
   * @param timeout Longest wait in ms (`0`: fail at once unless a unit is
   * free); `null` waits forever.
   * @param signal Aborts the wait; the promise rejects with `signal.reason`.
   * @returns A permit to release exactly once.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Error} The `timeoutError` option's error when the wait times out.
   */
  acquire(timeout: number | null = null, signal?: AbortSignal): Promise<Permit> {
    return new Promise<Permit>((resolve, reject) => this.queue(resolve, reject, timeout, signal));
  }

  /**
   * Takes a unit like {@linkcode Semaphore.acquire}, without promises: exactly
   * one of `grant` or `deny` is called, once. `grant` runs synchronously when
   * a unit is free now, and otherwise inside the `release()` that frees one,
   * so a pool can hand the released resource straight to the longest waiter.
   *
   * @param grant Receives the permit and how long the wait took, in ms
   * (millisecond resolution: 0 when a unit was free).
   * @param deny Receives the timeout error, the signal's reason, or a RangeError.
   * @param timeout Longest wait in ms (`0`: fail at once); `null` waits forever.
   * @param signal Aborts the wait.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@redwire/redis";
   *
   * const semaphore = new Semaphore(1);
   * semaphore.queue((permit) => permit.release(), (error) => console.error(error), 1000);
   * ```
   */
  queue(
    grant: (permit: Permit, waited: number) => void,
    deny: (error: unknown) => void,
    timeout: number | null = null,
    signal?: AbortSignal,
  ): void {
    if (signal?.aborted) return deny(signal.reason);
    if (this.#available > 0) {
      this.#available--;
      return grant(new Permit(this.#free), 0);
    }
    if (timeout !== null && !(timeout >= 0)) {
      return deny(new RangeError(`timeout must be a number >= 0 or null, got ${timeout}`));
    }
    if (timeout === 0) return deny(this.#timeoutError(0));
    this.#enqueue(grant, deny, timeout === Infinity ? null : timeout, signal);
  }

  /**
   * Rejects every queued acquirer with `error` (for closing the owner).
   *
   * @param error What each waiter rejects with.
   */
  rejectWaiters(error: Error): void {
    for (let waiter = this.#head; waiter !== null; waiter = this.#head) {
      this.#remove(waiter);
      waiter.deny(error);
    }
  }

  #enqueue(
    grant: (permit: Permit, waited: number) => void,
    deny: (error: unknown) => void,
    timeout: number | null,
    signal: AbortSignal | undefined,
  ): void {
    const waiter: Waiter = {
      grant,
      deny,
      prev: this.#tail,
      next: null,
      timeout: timeout ?? 0,
      since: this.#clock.now(),
      deadline: Infinity,
      shared: false,
      timer: undefined,
      signal,
      onAbort: undefined,
    };
    if (this.#tail === null) this.#head = waiter;
    else this.#tail.next = waiter;
    this.#tail = waiter;
    this.#waiting++;
    if (timeout !== null) this.#armDeadline(waiter, timeout);
    if (signal !== undefined) {
      waiter.onAbort = () => {
        this.#remove(waiter);
        waiter.deny(signal.reason);
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
    }
  }

  #armDeadline(waiter: Waiter, timeout: number): void {
    const deadline = waiter.since + timeout;
    waiter.deadline = deadline;
    if (deadline < this.#lastSharedDeadline) {
      // Out of order (a shorter timeout than those queued before it): its own timer.
      waiter.timer = this.#clock.setTimeout(() => this.#expire(waiter), timeout);
      return;
    }
    waiter.shared = true;
    this.#sharedCount++;
    this.#lastSharedDeadline = deadline;
    if (this.#sharedTimer === undefined) this.#armShared(deadline);
  }

  #armShared(due: number): void {
    this.#sharedTimer = this.#clock.setTimeout(
      this.#onSharedTimer,
      Math.max(1, due - this.#clock.now()),
    );
  }

  #onSharedTimer = (): void => {
    this.#sharedTimer = undefined;
    const now = this.#clock.now();
    // Shared waiters' deadlines rise in queue order: expire from the head
    // until the first one still in time, then sleep until its deadline.
    let waiter = this.#head;
    while (waiter !== null) {
      const next = waiter.next;
      if (waiter.shared) {
        if (waiter.deadline > now) {
          this.#armShared(waiter.deadline);
          return;
        }
        this.#expire(waiter);
      }
      waiter = next;
    }
  };

  #expire(waiter: Waiter): void {
    this.#remove(waiter);
    waiter.deny(this.#timeoutError(waiter.timeout));
  }

  /** Unlinks a waiter and drops its timer and abort listener. Harmless twice. */
  #remove(waiter: Waiter): void {
    if (waiter.prev === null && this.#head !== waiter) return;
    if (waiter.prev === null) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = null;
    this.#waiting--;
    if (waiter.timer !== undefined) this.#clock.clearTimeout(waiter.timer);
    if (waiter.shared && --this.#sharedCount === 0) {
      this.#lastSharedDeadline = -Infinity;
      if (this.#sharedTimer !== undefined) {
        this.#clock.clearTimeout(this.#sharedTimer);
        this.#sharedTimer = undefined;
      }
    }
    if (waiter.onAbort !== undefined) {
      waiter.signal!.removeEventListener("abort", waiter.onAbort);
    }
  }

  #releaseOne(): void {
    const waiter = this.#head;
    if (waiter === null) {
      this.#available++;
      return;
    }
    // Hand the unit straight to the longest waiter: `#available` stays 0, so
    // nobody calling acquire() before that waiter resumes can take it.
    this.#remove(waiter);
    waiter.grant(new Permit(this.#free), this.#clock.now() - waiter.since);
  }
}

function defaultTimeoutError(timeout: number): Error {
  return new TimeoutError(`Timed out after ${timeout} ms waiting for a permit`);
}
