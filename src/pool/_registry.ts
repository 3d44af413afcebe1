/**
 * The connections a pool owns: every slot, the idle list, and the rules for
 * whether a connection goes back to the idle list or is closed.
 *
 * @module
 */
import type { Connection } from "../connection/mod.ts";
import type { ResolvedPoolOptions } from "./_options.ts";
import { Slot } from "./_slot.ts";
import type { DestroyReason } from "./pool_event.ts";

/** What the registry tells its pool. */
export interface RegistryHooks {
  /** A connection was closed and forgotten (for the "destroy" event). */
  destroyed(connection: Connection, reason: DestroyReason, error: Error | undefined): void;
  /** A connection went idle (the idle clock may need to start). */
  idled(): void;
  /** An idle connection closed on its own (minIdle may need a refill). */
  lost(): void;
}

function noop(): void {}

/** Every connection of one pool, idle or not. */
export class Registry {
  /** Every live connection: idle, lent, being checked, or just made. */
  readonly slots: Map<Connection, Slot> = new Map();
  /** Idle connections, in the order they came back (index 0: longest idle). */
  idle: Slot[] = [];
  /** Bumped by reset(): older connections are closed when they come back. */
  generation = 0;
  /** Advanced by the idle clock (see Maintenance). */
  epoch = 0;
  closed = false;
  created = 0;
  destroyed = 0;
  #gone = new WeakSet<Connection>();
  #closing = new Set<Promise<void>>();
  #lifo: boolean;
  #maxIdle: number;
  #hooks: RegistryHooks;

  constructor(options: ResolvedPoolOptions, hooks: RegistryHooks) {
    this.#lifo = options.idleOrder === "lifo";
    this.#maxIdle = options.maxIdle;
    this.#hooks = hooks;
  }

  /** Registers a connection made in `generation`. */
  add(connection: Connection, generation: number, expiresAt: number): Slot {
    const slot = new Slot(connection, generation, expiresAt);
    this.slots.set(connection, slot);
    this.created++;
    connection.onClose((error) => this.#onClose(slot, error));
    return slot;
  }

  /** Whether the pool owned this connection and closed it. */
  wasDiscarded(connection: Connection): boolean {
    return this.#gone.has(connection);
  }

  /** Takes the next usable idle connection, discarding closed or expired ones. */
  takeIdle(): Slot | undefined {
    const idle = this.idle;
    while (idle.length > 0) {
      const slot = (this.#lifo ? idle.pop() : idle.shift())!;
      if (slot.connection.state === "ready" && !slot.expired) return slot;
      this.discard(slot, slot.expired ? "lifetime" : "closed");
    }
    return undefined;
  }

  /** Why a connection that is not lent must be closed instead of pooled, if it must. */
  retireReason(slot: Slot): DestroyReason | undefined {
    const connection = slot.connection;
    if (connection.broken) return "broken";
    if (connection.state !== "ready") return "closed";
    if (slot.generation !== this.generation) return "stale";
    if (slot.expired) return "lifetime";
    if (this.closed) return "disconnect";
    if (this.idle.length >= this.#maxIdle) return "maxIdle";
    return undefined;
  }

  /** Pools a connection that is not lent, or closes it when it must go. */
  putIdle(slot: Slot): void {
    const reason = this.retireReason(slot);
    if (reason === undefined) this.idleAgain(slot);
    else this.discard(slot, reason);
  }

  /** Appends a connection known to be fit to the idle list. */
  idleAgain(slot: Slot): void {
    slot.state = "idle";
    slot.idleEpoch = this.epoch;
    this.idle.push(slot);
    this.#hooks.idled();
  }

  /** Forgets a connection and closes it; the promise never rejects. */
  discard(slot: Slot, reason: DestroyReason, error?: Error): Promise<void> {
    if (slot.state === "gone") return Promise.resolve();
    slot.state = "gone";
    const connection = slot.connection;
    this.slots.delete(connection);
    this.#gone.add(connection);
    this.destroyed++;
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
    return this.idle.splice(0).map((slot) => this.discard(slot, reason));
  }

  #onClose(slot: Slot, error: Error | undefined): void {
    // Only idle ones are handled here; lent ones are checked when they come back.
    if (slot.state !== "idle") return;
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    this.discard(slot, error ? "broken" : "closed", error);
    this.#hooks.lost();
  }
}
