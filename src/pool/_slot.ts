/**
 * The pool's record of one connection. Only the registry writes it; the rest
 * of the pool reads it as a {@linkcode SlotView}.
 *
 * @module
 */
import type { Permit } from "./semaphore.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/**
 * - `new`: just connected, not yet placed;
 * - `idle`: in the idle list;
 * - `lent`: held by a caller (through a lease, or getConnection);
 * - `checking`: taken from the idle list by an acquirer, being PINGed;
 * - `gone`: closed and forgotten.
 */
export type SlotState = "new" | "idle" | "lent" | "checking" | "gone";

/** One connection the pool owns, and what the pool knows about it. */
export class Slot<C extends PooledConnection = PooledConnection> {
  readonly connection: C;
  /** The pool generation it was made in; an older one is closed on return. */
  readonly generation: number;
  /** When `maxLifetime` (less its jitter) runs out, in ms since the epoch. */
  readonly expiresAt: number;
  state: SlotState = "new";
  /** The lease (or other holder) it is lent through; `null` when lent by getConnection or not lent. */
  holder: object | null = null;
  permit: Permit | null = null;
  /** Closed when it comes back, whatever its generation (`disconnect({ inUse: true })`). */
  retired = false;
  /** Past `expiresAt`: retired when it next comes back. */
  expired = false;
  /** The idle-clock epoch when it last went idle. */
  idleEpoch = 0;
  /** When it was lent (only tracked with leak detection). */
  acquiredAt = 0;
  /** The acquirer's stack (only captured with leak detection). */
  stack: string | undefined = undefined;
  leakReported = false;

  constructor(connection: C, generation: number, expiresAt: number) {
    this.connection = connection;
    this.generation = generation;
    this.expiresAt = expiresAt;
  }
}

/** A slot as everyone but the registry sees it: read-only. */
export type SlotView<C extends PooledConnection = PooledConnection> = Readonly<Slot<C>>;
