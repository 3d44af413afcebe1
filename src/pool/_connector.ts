/**
 * How a pool makes connections: on demand for an acquirer, in the background
 * up to `minIdle`, and the PING that checks an idle one before it is lent.
 *
 * @module
 */
import { Connection } from "../connection/mod.ts";
import type { Maintenance } from "./_maintenance.ts";
import type { ResolvedPoolOptions } from "./_options.ts";
import { ReconnectGate } from "./_reconnect_gate.ts";
import type { Registry } from "./_registry.ts";
import type { Slot } from "./_slot.ts";
import type { Permit, Semaphore } from "./semaphore.ts";

/** What the connector tells its pool. */
export interface ConnectorHooks {
  /** A connection was made and registered (for the "create" event). */
  created(connection: Connection): void;
  /** A background task failed (for the "error" event). */
  failed(error: Error, during: "warmUp" | "healthCheck"): void;
  /** The error for work refused because the pool is closed. */
  closedError(): Error;
}

const MAX_WARM_BACKOFF = 30_000;

/** Makes, checks and pre-opens the connections of one pool. */
export class Connector {
  /** Connections being made now. */
  connecting = 0;
  /** Whether warm-up is on: after the first acquire or warmUp(), until disconnect(). */
  started = false;
  #o: ResolvedPoolOptions;
  #registry: Registry;
  #permits: Semaphore;
  #maintenance: Maintenance;
  #hooks: ConnectorHooks;
  #connected: (() => void)[] = [];
  #warmUps = new Set<Promise<Error | undefined>>();
  #backoff = 0;
  #after = 0;
  #gate = new ReconnectGate();

  constructor(
    options: ResolvedPoolOptions,
    parts: { registry: Registry; permits: Semaphore; maintenance: Maintenance },
    hooks: ConnectorHooks,
  ) {
    this.#o = options;
    this.#registry = parts.registry;
    this.#permits = parts.permits;
    this.#maintenance = parts.maintenance;
    this.#hooks = hooks;
  }

  /**
   * Connects a new connection for a permit holder; on failure the permit is
   * released. If the signal aborts first, the acquire rejects at once and the
   * connection joins the idle set when ready (the permit is held until then).
   */
  connectFor(permit: Permit, signal: AbortSignal | undefined): Promise<Slot> {
    const connecting = this.create(signal);
    if (signal === undefined) {
      return connecting.catch((error) => {
        permit.release();
        throw error;
      });
    }
    return new Promise<Slot>((resolve, reject) => {
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      connecting.then((slot) => {
        signal.removeEventListener("abort", onAbort);
        if (!aborted) return resolve(slot);
        this.#registry.putIdle(slot);
        permit.release();
      }, (error) => {
        signal.removeEventListener("abort", onAbort);
        permit.release();
        reject(error);
      });
    });
  }

  /**
   * Opens one connection and registers it (state "new": the caller places it).
   * Every attempt goes through the pool's one reconnect backoff.
   */
  async create(signal?: AbortSignal): Promise<Slot> {
    this.connecting++;
    const registry = this.#registry;
    const generation = registry.generation;
    let connection: Connection;
    try {
      connection = await this.#gate.run(() => this.#open(), signal);
    } catch (error) {
      this.#done();
      throw error;
    }
    const lifetime = this.#o.maxLifetime;
    // Up to 10% sooner at random, so connections made together do not all retire together.
    const expiresAt = lifetime === null
      ? Infinity
      : Date.now() + lifetime * (1 - 0.1 * Math.random());
    const slot = registry.add(connection, generation, expiresAt);
    this.#hooks.created(connection);
    this.#done();
    if (registry.closed) {
      registry.discard(slot, "disconnect");
      throw this.#hooks.closedError();
    }
    if (lifetime !== null) this.#maintenance.wakeBy(expiresAt);
    return slot;
  }

  async #open(): Promise<Connection> {
    let connection: Connection | undefined;
    try {
      const factory = this.#o.connectionFactory;
      connection = factory === undefined ? new Connection(this.#o.connection) : await factory();
      if (connection.state !== "ready") await connection.connect();
      return connection;
    } catch (error) {
      connection?.destroy(error instanceof Error ? error : undefined);
      throw error;
    }
  }

  /**
   * Ends the waits of connects queued behind the reconnect backoff.
   *
   * @param reason What they reject with.
   */
  cancelWaits(reason: Error): void {
    this.#gate.cancel(reason);
  }

  /** Resolves once no connection is being made (close() waits for this). */
  settled(): Promise<void> {
    if (this.connecting === 0) return Promise.resolve();
    return new Promise<void>((done) => this.#connected.push(done));
  }

  #done(): void {
    if (--this.connecting === 0) { for (const done of this.#connected.splice(0)) done(); }
  }

  /** Whether a connection was idle longer than healthCheckInterval. */
  needsCheck(slot: Slot): boolean {
    const interval = this.#o.healthCheckInterval;
    return interval > 0 && Date.now() - slot.connection.lastUsedAt > interval;
  }

  /** PINGs a connection that needs a check; a dead one is discarded. */
  async healthy(slot: Slot): Promise<boolean> {
    if (!this.needsCheck(slot)) return true;
    slot.state = "checking";
    try {
      await slot.connection.command(["PING"]);
      return true;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#registry.discard(slot, "health", failure);
      this.#hooks.failed(failure, "healthCheck");
      return false;
    }
  }

  /** Starts warm-up (ignoring any backoff) and resolves when this round is open. */
  async warmUp(): Promise<void> {
    this.started = true;
    this.#after = 0;
    this.refill();
    for (const error of await Promise.all(this.#warmUps)) if (error) throw error;
  }

  /** Opens connections in the background until `minIdle` are open (never rejects). */
  refill(): void {
    const registry = this.#registry;
    const min = this.#o.minIdle;
    if (!this.started || registry.closed || registry.slots.size + this.connecting >= min) return;
    if (this.#after > 0 && Date.now() < this.#after) return;
    while (registry.slots.size + this.connecting < min) {
      // Warm-up holds a permit while it connects, so the cap always holds.
      const permit = this.#permits.tryAcquire();
      if (permit === null) return;
      const done: Promise<Error | undefined> = this.create().then((slot) => {
        this.#backoff = this.#after = 0;
        if (this.started) registry.putIdle(slot);
        else registry.discard(slot, "disconnect");
        permit.release();
        return undefined;
      }, (error) => {
        permit.release();
        const failure = error instanceof Error ? error : new Error(String(error));
        // Back off, so a server that is down is not hammered by refills.
        this.#backoff = Math.min(MAX_WARM_BACKOFF, Math.max(100, this.#backoff * 2));
        this.#after = Date.now() + this.#backoff;
        if (!registry.closed) this.#hooks.failed(failure, "warmUp");
        return failure;
      }).finally(() => this.#warmUps.delete(done));
      this.#warmUps.add(done);
    }
  }
}
