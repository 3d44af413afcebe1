/**
 * Client events and status: what `redis.on()` reports, driven by the
 * client's pool and its subscriber. Shared by every client (Redis, and the
 * Cluster and Sentinel clients), so each reports the same events.
 *
 * @module
 */
import type { AnyEventListener, ConnectionPool, PoolEvent } from "../pool/mod.ts";

/**
 * Where a client is in its life:
 * - `"wait"`: made, nothing connected yet (constructors do no I/O);
 * - `"connecting"`: its first connection is being made;
 * - `"ready"`: connected, and no connection broke since the last one was made;
 * - `"reconnecting"`: a connection broke or an attempt failed; the next
 *   command (or the subscriber) connects again;
 * - `"closed"`: `close()` was called.
 *
 * @example
 * ```ts
 * import { Redis, type ClientStatus } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const status: ClientStatus = redis.status; // "wait"
 * ```
 */
export type ClientStatus = "wait" | "connecting" | "ready" | "reconnecting" | "closed";

/**
 * The events of a client and their arguments:
 * - `connect(address)`: a connection was made and its handshake succeeded;
 * - `ready()`: the client became ready (after `connecting` or `reconnecting`);
 * - `error(error)`: a connection attempt failed, or a connection broke;
 * - `reconnecting(attempt)`: a connection attempt starts after a broken
 *   connection or a failed attempt (`attempt` is 1 after a success);
 * - `close()`: the client was closed;
 * - `subscriptionsLost(error)`: the subscriber connection broke; its
 *   subscriptions are being restored;
 * - `subscriptionsRestored()`: every subscription is active again.
 *
 * @example
 * ```ts
 * import type { ClientEventMap } from "@redwire/redis";
 *
 * const onError = (...[error]: ClientEventMap["error"]) => console.error(error.message);
 * ```
 */
export interface ClientEventMap {
  /** A connection was made (its handshake succeeded). */
  connect: [address: string];
  /** The client became ready. */
  ready: [];
  /** A connection attempt failed or a connection broke. */
  error: [error: Error];
  /** A connection attempt starts after a broken connection or a failed attempt. */
  reconnecting: [attempt: number];
  /** The client was closed. */
  close: [];
  /** The subscriber connection broke; subscriptions are being restored. */
  subscriptionsLost: [error: Error];
  /** Every subscription is active again. */
  subscriptionsRestored: [];
}

/**
 * A listener of one client event.
 *
 * @example
 * ```ts
 * import type { ClientEventListener } from "@redwire/redis";
 *
 * const listener: ClientEventListener<"connect"> = (address) => console.log(`connected to ${address}`);
 * ```
 */
export type ClientEventListener<K extends keyof ClientEventMap> = (
  ...args: ClientEventMap[K]
) => void;

type AnyListener = (...args: unknown[]) => void;

/** A client's listeners and status; clients delegate `on`, `off` and `status` to it. */
export class ClientEvents {
  #status: ClientStatus = "wait";
  #listeners = new Map<keyof ClientEventMap, Set<AnyListener>>();

  /** The client's status. */
  get status(): ClientStatus {
    return this.#status;
  }

  /** Adds a listener (once per listener, as EventTarget does). */
  on<K extends keyof ClientEventMap>(event: K, listener: ClientEventListener<K>): void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as AnyListener);
    this.#listeners.set(event, set);
  }

  /** Removes a listener; removing one never added is harmless. */
  off<K extends keyof ClientEventMap>(event: K, listener: ClientEventListener<K>): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  /** Calls every listener of `event`; one that throws does not stop the others. */
  emit<K extends keyof ClientEventMap>(event: K, ...args: ClientEventMap[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        // A listener's bug must not break the pool code that reported the event.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Moves to `ready` (emitting `ready`) unless already there or closed. */
  ready(): void {
    if (this.#status === "ready" || this.#status === "closed") return;
    this.#status = "ready";
    this.emit("ready");
  }

  /** Marks a broken connection or a failed attempt: `error`, then status `reconnecting`. */
  failed(error: Error | undefined): void {
    if (this.#status === "closed") return;
    this.#status = "reconnecting";
    if (error !== undefined) this.emit("error", error);
  }

  /** Moves to `closed` and emits `close`, once. */
  closed(): void {
    if (this.#status === "closed") return;
    this.#status = "closed";
    this.emit("close");
  }

  /**
   * Follows a pool's connection events: `connect`, `ready`, `error`,
   * `reconnecting`, and the status.
   *
   * @param pool The client's pool.
   * @returns Stops following it.
   */
  watchPool(pool: ConnectionPool): () => void {
    // A shared pool may be connected already: then so is the client.
    const stats = pool.stats();
    if (this.#status === "wait" && stats.idle + stats.inUse > 0) this.#status = "ready";
    const listeners = {
      connecting: (event: PoolEvent<"connecting">) => {
        if (this.#status === "closed") return;
        if (event.detail.reconnect) {
          this.#status = "reconnecting";
          this.emit("reconnecting", event.detail.attempt);
        } else if (this.#status === "wait") {
          this.#status = "connecting";
        }
      },
      create: (event: PoolEvent<"create">) => {
        if (this.#status === "closed") return;
        this.emit("connect", event.detail.connection.address);
        this.ready();
      },
      error: (event: PoolEvent<"error">) => this.failed(event.detail.error),
      destroy: (event: PoolEvent<"destroy">) => {
        if (event.detail.reason === "broken") this.failed(event.detail.error);
      },
    };
    const entries = Object.entries(listeners) as [string, AnyEventListener][];
    for (const [type, listener] of entries) pool.addEventListener(type, listener);
    return () => {
      for (const [type, listener] of entries) pool.removeEventListener(type, listener);
    };
  }
}
