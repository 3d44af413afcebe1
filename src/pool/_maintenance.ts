/**
 * The pool's one timer: idle eviction down to `minIdle`, ageing past
 * `maxLifetime`, and leak detection.
 *
 * @module
 */
import type { ResolvedPoolOptions } from "./_options.ts";
import type { Registry } from "./_registry.ts";
import type { Slot } from "./_slot.ts";

/** What maintenance asks of its pool. */
export interface MaintenanceHooks {
  /** Opens connections up to `minIdle` after some were closed. */
  refill(): void;
  /** Reports a connection lent longer than `leakDetectionThreshold`. */
  leak(slot: Slot, heldFor: number): void;
}

/**
 * Idle time is counted in epochs of `idleTimeout / IDLE_TICKS` ms, so giving a
 * connection back costs no clock read: it only records the current epoch. A
 * connection that went idle in epoch e has been idle at least `idleTimeout`
 * once the epoch passes e + IDLE_TICKS (epochs are at least a tick apart).
 */
const IDLE_TICKS = 4;

/** Runs the lifecycle chores on one timer, armed only while there is work. */
export class Maintenance {
  #o: ResolvedPoolOptions;
  #registry: Registry;
  #hooks: MaintenanceHooks;
  #tick: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;
  /** When the next idle epoch starts; 0 while the idle clock is stopped. */
  #nextEpochAt = 0;

  constructor(options: ResolvedPoolOptions, registry: Registry, hooks: MaintenanceHooks) {
    this.#o = options;
    this.#registry = registry;
    this.#hooks = hooks;
    this.#tick = Math.max(1, (options.idleTimeout ?? 0) / IDLE_TICKS);
  }

  /** A connection went idle: start the idle clock if it is stopped and needed. */
  idled(): void {
    if (
      this.#nextEpochAt === 0 && this.#o.idleTimeout !== null &&
      this.#registry.slots.size > this.#o.minIdle
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = Date.now();
    const due = this.#nextDue(now);
    if (due === Infinity) return;
    this.#timerDue = due;
    this.#timer = setTimeout(this.#sweep, Math.max(1, due - now));
  }

  #nextDue(now: number): number {
    const registry = this.#registry;
    if (registry.closed) return Infinity;
    let due = Infinity;
    const { idleTimeout, maxLifetime, leakDetectionThreshold: leak } = this.#o;
    if (idleTimeout !== null && registry.idle.length > 0 && registry.slots.size > this.#o.minIdle) {
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
    const now = Date.now();
    if (this.#nextEpochAt !== 0 && now >= this.#nextEpochAt) {
      this.#registry.epoch++;
      this.#nextEpochAt = now + this.#tick;
      this.#evictIdle();
    }
    if (this.#o.maxLifetime !== null) this.#expire(now);
    if (this.#o.leakDetectionThreshold !== null) this.#detectLeaks(now);
    this.#hooks.refill();
    this.rearm();
  };

  #evictIdle(): void {
    const registry = this.#registry;
    const idle = registry.idle;
    // idle[0] came back longest ago, in both idle orders.
    while (
      idle.length > 0 && registry.slots.size > this.#o.minIdle &&
      registry.epoch - idle[0]!.idleEpoch > IDLE_TICKS
    ) {
      registry.discard(idle.shift()!, "idle");
    }
  }

  #expire(now: number): void {
    const registry = this.#registry;
    let idleExpired = false;
    for (const slot of registry.slots.values()) {
      if (slot.expired || now < slot.expiresAt) continue;
      slot.expired = true; // a lent one retires when it comes back, never mid-command
      idleExpired ||= slot.state === "idle";
    }
    if (!idleExpired) return;
    const expired = registry.idle.filter((slot) => slot.expired);
    registry.idle = registry.idle.filter((slot) => !slot.expired);
    for (const slot of expired) registry.discard(slot, "lifetime");
  }

  #detectLeaks(now: number): void {
    const threshold = this.#o.leakDetectionThreshold!;
    for (const slot of this.#registry.slots.values()) {
      if (slot.state !== "lent" || slot.leakReported || now - slot.acquiredAt < threshold) continue;
      slot.leakReported = true;
      this.#hooks.leak(slot, now - slot.acquiredAt);
    }
  }
}
