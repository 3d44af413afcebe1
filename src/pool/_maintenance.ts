/**
 * The pool's one timer: idle eviction down to `minIdle`, ageing past
 * `maxLifetime`, and leak detection.
 *
 * @module
 */
import type { ResolvedPoolOptions } from "./_options.ts";
import type { Registry } from "./_registry.ts";
import type { SlotView } from "./_slot.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/** What maintenance asks of its pool. */
export interface MaintenanceHooks<C extends PooledConnection> {
  /** Opens connections up to `minIdle` after some were closed. */
  refill(): void;
  /** Reports a connection lent longer than `leakDetectionThreshold`. */
  leak(slot: SlotView<C>, heldFor: number): void;
}

/**
 * Idle time is counted in epochs of `idleTimeout / IDLE_TICKS` ms, so giving a
 * connection back costs no clock read: it only records the current epoch. A
 * connection that went idle in epoch e has been idle at least `idleTimeout`
 * once the epoch passes e + IDLE_TICKS (epochs are at least a tick apart).
 */
const IDLE_TICKS = 4;

/** Runs the lifecycle chores on one timer, armed only while there is work. */
export class Maintenance<C extends PooledConnection> {
  #options: ResolvedPoolOptions<C>;
  #registry: Registry<C>;
  #hooks: MaintenanceHooks<C>;
  #tick: number;
  #timer: unknown;
  #timerDue = Infinity;
  /** When the next idle epoch starts; 0 while the idle clock is stopped. */
  #nextEpochAt = 0;

  constructor(
    options: ResolvedPoolOptions<C>,
    registry: Registry<C>,
    hooks: MaintenanceHooks<C>,
  ) {
    this.#options = options;
    this.#registry = registry;
    this.#hooks = hooks;
    this.#tick = Math.max(1, (options.idleTimeout ?? 0) / IDLE_TICKS);
  }

  /** A connection went idle: start the idle clock if it is stopped and needed. */
  idled(): void {
    if (
      this.#nextEpochAt === 0 && this.#options.idleTimeout !== null &&
      this.#registry.slots.size > this.#options.minIdle
    ) {
      this.rearm();
    }
  }

  /** Makes sure the timer fires by `due` (ms since the epoch). */
  wakeBy(due: number): void {
    if (due < this.#timerDue) this.rearm();
  }

  /** Re-plans the timer from scratch (after a reset, disconnect or close). */
  rearm(): void {
    const clock = this.#options.clock;
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = clock.now();
    const due = this.#nextDue(now);
    if (due === Infinity) return;
    this.#timerDue = due;
    this.#timer = clock.setTimeout(this.#sweep, Math.max(1, due - now));
  }

  #nextDue(now: number): number {
    const registry = this.#registry;
    if (registry.closed) return Infinity;
    let due = Infinity;
    const { idleTimeout, maxLifetime, leakDetectionThreshold: leak } = this.#options;
    if (
      idleTimeout !== null && registry.idleCount > 0 && registry.slots.size > this.#options.minIdle
    ) {
      if (this.#nextEpochAt === 0) this.#nextEpochAt = now + this.#tick;
      due = this.#nextEpochAt;
    } else {
      this.#nextEpochAt = 0;
    }
    if (maxLifetime === null && leak === null) return due;
    for (const slot of registry.slots.values()) {
      if (maxLifetime !== null && !slot.expired) due = Math.min(due, slot.expiresAt);
      if (leak !== null && slot.state === "lent" && !slot.leakReported) {
        due = Math.min(due, slot.acquiredAt + leak);
      }
    }
    return due;
  }

  #sweep = (): void => {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = this.#options.clock.now();
    if (this.#nextEpochAt !== 0 && now >= this.#nextEpochAt) {
      this.#registry.advanceIdleEpoch();
      this.#nextEpochAt = now + this.#tick;
      this.#registry.evictIdle(IDLE_TICKS, this.#options.minIdle);
    }
    if (this.#options.maxLifetime !== null) this.#registry.expire(now);
    const threshold = this.#options.leakDetectionThreshold;
    if (threshold !== null) {
      for (const slot of this.#registry.takeLeaks(now, threshold)) {
        this.#hooks.leak(slot, now - slot.acquiredAt);
      }
    }
    this.#hooks.refill();
    this.rearm();
  };
}
