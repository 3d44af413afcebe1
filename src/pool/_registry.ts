/**
 * The connections a pool owns: every slot, the idle list, and the rules for
 * whether a connection goes back to the idle list or is closed. The registry
 * is the only writer of slot state; the pool, connector and maintenance ask
 * it through the verbs below.
 *
 * @module
 */
import type { ResolvedPoolOptions } from "./_options.ts";
import { Slot, type SlotView } from "./_slot.ts";
import type { DestroyReason } from "./pool_event.ts";
import type { PooledConnection } from "./pooled_connection.ts";
import type { Permit } from "./semaphore.ts";

/** What the registry tells its pool. */
export interface RegistryHooks<C extends PooledConnection> {
  /** A connection was closed and forgotten (for the "destroy" event). */
  destroyed(connection: C, reason: DestroyReason, error: Error | undefined): void;
  /** A connection went idle (the idle clock may need to start). */
  idled(): void;
  /** An idle connection closed on its own (minIdle may need a refill). */
  lost(): void;
}

function noop(): void {}

/** The registry's own slots: the only place a view is written through. */
function own<C extends PooledConnection>(slot: SlotView<C>): Slot<C> {
  return slot as Slot<C>;
}

/** Every connection of one pool, idle or not. */
export class Registry<C extends PooledConnection> {
  #slots = new Map<C, Slot<C>>();
  /** Idle connections, in the order they came back (index 0: longest idle). */
  #idle: Slot<C>[] = [];
  /** Bumped by markStale(): older connections are closed when they come back. */
  #generation = 0;
  /** Advanced by the idle clock (see Maintenance). */
  #idleEpoch = 0;
  #closed = false;
  #created = 0;
  #destroyed = 0;
  #gone = new WeakSet<C>();
  #closing = new Set<Promise<void>>();
  #lifo: boolean;
  #maxIdle: number;
  #hooks: RegistryHooks<C>;

  constructor(options: ResolvedPoolOptions<C>, hooks: RegistryHooks<C>) {
    this.#lifo = options.idleOrder === "lifo";
    this.#maxIdle = options.maxIdle;
    this.#hooks = hooks;
  }

  /** Every live connection: idle, lent, being checked, or just made. */
  get slots(): ReadonlyMap<C, SlotView<C>> {
    return this.#slots;
  }

  /** How many connections are idle. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** The generation new connections are made in. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether the pool was closed for good. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Connections registered since the pool was made. */
  get created(): number {
    return this.#created;
  }

  /** Connections discarded since the pool was made. */
  get destroyed(): number {
    return this.#destroyed;
  }

  /** Closes the registry for good: connections coming back are closed. */
  close(): void {
    this.#closed = true;
  }

  /** Registers a connection made in `generation`. */
  add(connection: C, generation: number, expiresAt: number): SlotView<C> {
    const slot = new Slot(connection, generation, expiresAt);
    this.#slots.set(connection, slot);
    this.#created++;
    connection.onClose((error) => this.#onClose(slot, error));
    return slot;
  }

  /** Whether the pool owned this connection and closed it. */
  wasDiscarded(connection: C): boolean {
    return this.#gone.has(connection);
  }

  /** Takes the next usable idle connection, discarding closed or expired ones. */
  takeIdle(): SlotView<C> | undefined {
    const idle = this.#idle;
    while (idle.length > 0) {
      const slot = (this.#lifo ? idle.pop() : idle.shift())!;
      if (slot.connection.state === "ready" && !slot.expired) return slot;
      this.discard(slot, slot.expired ? "lifetime" : "closed");
    }
    return undefined;
  }

  /** Marks a connection taken from the idle list as being health-checked. */
  startCheck(slot: SlotView<C>): void {
    own(slot).state = "checking";
  }

  /** Marks a connection lent under `permit`; with leak detection, when and by whom. */
  lend(slot: SlotView<C>, permit: Permit, acquiredAt?: number, stack?: string): void {
    const mine = own(slot);
    mine.state = "lent";
    mine.permit = permit;
    if (acquiredAt === undefined) return;
    mine.acquiredAt = acquiredAt;
    mine.stack = stack;
    mine.leakReported = false;
  }

  /** Records what a lent connection is held by (its lease). */
  hold(slot: SlotView<C>, holder: object): void {
    own(slot).holder = holder;
  }

  /**
   * Takes a lent connection back: returns its permit (for the caller to
   * release last) and why it must be closed, after pooling it when it may stay.
   */
  giveBack(slot: SlotView<C>): { permit: Permit; retired: DestroyReason | undefined } {
    const mine = own(slot);
    const permit = mine.permit!;
    mine.permit = null;
    mine.holder = null;
    mine.stack = undefined;
    const retired = this.#retireReason(slot);
    if (retired === undefined) this.#idleAgain(mine);
    return { permit, retired };
  }

  /** Why a connection that is not lent must be closed instead of pooled, if it must. */
  #retireReason(slot: SlotView<C>): DestroyReason | undefined {
    const connection = slot.connection;
    if (connection.broken) return "broken";
    if (connection.state !== "ready") return "closed";
    if (slot.retired || slot.generation !== this.#generation) return "stale";
    if (slot.expired) return "lifetime";
    if (this.#closed) return "disconnect";
    if (this.#idle.length >= this.#maxIdle) return "maxIdle";
    return undefined;
  }

  /** Pools a connection that is not lent, or closes it when it must go. */
  putIdle(slot: SlotView<C>): void {
    const reason = this.#retireReason(slot);
    if (reason === undefined) this.#idleAgain(own(slot));
    else this.discard(slot, reason);
  }

  #idleAgain(slot: Slot<C>): void {
    slot.state = "idle";
    slot.idleEpoch = this.#idleEpoch;
    this.#idle.push(slot);
    this.#hooks.idled();
  }

  /** Forgets a connection and closes it; the promise never rejects. */
  discard(slot: SlotView<C>, reason: DestroyReason, error?: Error): Promise<void> {
    if (slot.state === "gone") return Promise.resolve();
    own(slot).state = "gone";
    const connection = slot.connection;
    this.#slots.delete(connection);
    this.#gone.add(connection);
    this.#destroyed++;
    this.#hooks.destroyed(connection, reason, error);
    if (connection.broken || connection.state === "closed") {
      connection.destroy();
      return Promise.resolve();
    }
    const closing = connection.close().catch(noop);
    this.#closing.add(closing);
    closing.then(() => this.#closing.delete(closing));
    return closing;
  }

  /** Resolves once every connection being closed by discard() is closed. */
  async settled(): Promise<void> {
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  /** Closes every idle connection now. */
  drainIdle(reason: DestroyReason): Promise<void>[] {
    return this.#idle.splice(0).map((slot) => this.discard(slot, reason));
  }

  /** Starts a new generation: connections made before are closed when they come back. */
  markStale(): void {
    this.#generation++;
  }

  /** Closes every connection, lent ones too (gracefully); none is pooled again. */
  closeAll(): Promise<void>[] {
    return [...this.#slots.values()].map((slot) => {
      slot.retired = true;
      return slot.connection.close().catch(noop);
    });
  }

  // ---- for maintenance ----

  /** Starts the next idle-clock epoch. */
  advanceIdleEpoch(): void {
    this.#idleEpoch++;
  }

  /**
   * Closes the longest-idle connections that went idle more than `epochs`
   * epochs ago, keeping at least `keep` connections open.
   */
  evictIdle(epochs: number, keep: number): void {
    const idle = this.#idle;
    // idle[0] came back longest ago, in both idle orders.
    while (
      idle.length > 0 && this.#slots.size > keep && this.#idleEpoch - idle[0]!.idleEpoch > epochs
    ) {
      this.discard(idle.shift()!, "idle");
    }
  }

  /** Marks connections past their lifetime; idle ones close now, lent ones when they come back. */
  expire(now: number): void {
    const idle: Slot<C>[] = [];
    for (const slot of this.#slots.values()) {
      if (slot.expired || now < slot.expiresAt) continue;
      slot.expired = true; // a lent one retires when it comes back, never mid-command
      if (slot.state === "idle") idle.push(slot);
    }
    for (const slot of idle) this.#discardIdle(slot, "lifetime");
  }

  /** The lent connections held past `threshold` and not yet reported; each is reported once. */
  takeLeaks(now: number, threshold: number): SlotView<C>[] {
    const leaks: SlotView<C>[] = [];
    for (const slot of this.#slots.values()) {
      if (slot.state !== "lent" || slot.leakReported || now - slot.acquiredAt < threshold) continue;
      slot.leakReported = true;
      leaks.push(slot);
    }
    return leaks;
  }

  #onClose(slot: Slot<C>, error: Error | undefined): void {
    // Only idle ones are handled here; lent ones are checked when they come back.
    if (slot.state !== "idle") return;
    this.#discardIdle(slot, error ? "broken" : "closed", error);
    this.#hooks.lost();
  }

  /** Takes an idle connection off the idle list and discards it. */
  #discardIdle(slot: Slot<C>, reason: DestroyReason, error?: Error): void {
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    this.discard(slot, reason, error);
  }
}
