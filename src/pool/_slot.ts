/**
 * The pool's record of one connection.
 *
 * @module
 */
import type { Connection } from "../connection/mod.ts";
import type { Lease } from "./lease.ts";
import type { Permit } from "./semaphore.ts";

/**
 * - `new`: just connected, not yet placed;
 * - `idle`: in the idle list;
 * - `lent`: held by a caller (through a lease, or getConnection);
 * - `checking`: taken from the idle list by an acquirer, being PINGed;
 * - `gone`: closed and forgotten.
 */
export type SlotState = "new" | "idle" | "lent" | "checking" | "gone";

/** One connection the pool owns, and what the pool knows about it. */
export class Slot {
  readonly connection: Connection;
  /** The pool generation it was made in; an older one is closed on return. */
  generation: number;
  /** When `maxLifetime` (less its jitter) runs out, in ms since the epoch. */
  readonly expiresAt: number;
  state: SlotState = "new";
  /** The lease it is lent through; `null` when lent by getConnection or not lent. */
  holder: Lease | null = null;
  permit: Permit | null = null;
  /** Past `expiresAt`: retired when it next comes back. */
  expired = false;
  /** The idle-clock epoch when it last went idle. */
  idleEpoch = 0;
  /** When it was lent (only tracked with leak detection). */
  acquiredAt = 0;
  /** The acquirer's stack (only captured with leak detection). */
  stack: string | undefined = undefined;
  leakReported = false;

  constructor(connection: Connection, generation: number, expiresAt: number) {
    this.connection = connection;
    this.generation = generation;
    this.expiresAt = expiresAt;
  }
}
