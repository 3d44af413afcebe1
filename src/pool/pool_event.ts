/**
 * The events a pool dispatches, and their details.
 *
 * @module
 */
import type { Connection } from "../connection/mod.ts";
import type { PooledConnection } from "./pooled_connection.ts";

/**
 * Why a pool closed one of its connections.
 *
 * - `broken`: it failed (the server closed it, a reply timed out, a protocol error).
 * - `closed`: it was closed while idle, by the server or by its owner.
 * - `idle`: it stayed idle longer than `idleTimeout` above `minIdle`.
 * - `lifetime`: it outlived `maxLifetime`.
 * - `maxIdle`: it came back while `maxIdle` connections were already idle.
 * - `stale`: it was lent before `reset()` / `markStale()`.
 * - `health`: the PING before lending it failed.
 * - `disconnect`: `disconnect()` or `close()` closed it.
 *
 * @example
 * ```ts
 * import type { DestroyReason } from "@redwire/redis";
 *
 * const reason: DestroyReason = "idle";
 * ```
 */
export type DestroyReason =
  | "broken"
  | "closed"
  | "idle"
  | "lifetime"
  | "maxIdle"
  | "stale"
  | "health"
  | "disconnect";

/**
 * The `detail` of each event a pool dispatches, by event type.
 *
 * @example
 * ```ts
 * import { ConnectionPool, type PoolEventMap } from "@redwire/redis";
 *
 * const pool = new ConnectionPool();
 * pool.addEventListener("destroy", (event) => {
 *   const detail: PoolEventMap["destroy"] = event.detail;
 *   console.log(detail.reason, detail.connection.address);
 * });
 * ```
 */
export interface PoolEventMap<C extends PooledConnection = Connection> {
  /** A connection attempt starts: `attempt` counts failed attempts since the last success, plus 1; `reconnect` says a connection broke or an attempt failed since then. */
  connecting: { attempt: number; reconnect: boolean };
  /** A connection was made and its handshake succeeded. */
  create: { connection: C };
  /** A connection was lent; `waited` is how long the acquirer queued, in ms. */
  acquire: { connection: C; waited: number };
  /** A lent connection came back (it may be closed right after: see `destroy`). */
  release: { connection: C };
  /** The pool closed a connection, and why. */
  destroy: { connection: C; reason: DestroyReason; error?: Error };
  /** A connection attempt failed (`"connect"`), or a background task: warming up `minIdle` connections, or a health check. */
  error: { error: Error; during: "connect" | "warmUp" | "healthCheck" };
  /** A lease was held longer than `leakDetectionThreshold`; `stack` is the acquirer's. */
  leak: { connection: C; heldFor: number; stack: string };
}

/**
 * An event dispatched by a pool; `detail` depends on the type (see
 * {@linkcode PoolEventMap}).
 *
 * @example
 * ```ts
 * import { ConnectionPool, PoolEvent } from "@redwire/redis";
 *
 * const pool = new ConnectionPool({ minIdle: 2 });
 * pool.addEventListener("error", (event: PoolEvent<"error">) => {
 *   console.error(`warm-up failed: ${event.detail.error.message}`);
 * });
 * ```
 */
export class PoolEvent<
  K extends keyof PoolEventMap = keyof PoolEventMap,
  C extends PooledConnection = Connection,
> extends Event {
  /** What happened: see {@linkcode PoolEventMap}. */
  readonly detail: PoolEventMap<C>[K];

  /**
   * Made by pools.
   *
   * @param type The event type.
   * @param detail What happened.
   */
  constructor(type: K, detail: PoolEventMap<C>[K]) {
    super(type);
    this.detail = detail;
  }
}

/**
 * Any EventTarget listener, typed structurally so the declarations need no
 * DOM library (Node's types lack `EventListenerOrEventListenerObject`).
 *
 * @example
 * ```ts
 * import type { AnyEventListener } from "@redwire/redis";
 *
 * const listener: AnyEventListener = (event) => console.log(event.type);
 * ```
 */
export type AnyEventListener = ((event: Event) => void) | { handleEvent(event: Event): void };

/**
 * EventTarget listener options, typed structurally (see {@linkcode AnyEventListener}).
 *
 * @example
 * ```ts
 * import type { ListenerOptions } from "@redwire/redis";
 *
 * const options: ListenerOptions = { once: true };
 * ```
 */
export type ListenerOptions =
  | boolean
  | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal };
