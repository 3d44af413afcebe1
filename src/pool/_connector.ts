/**
 * How a pool makes connections: on demand for an acquirer, in the background
 * up to `minIdle`, and the PING that checks an idle one before it is lent.
 *
 * @module
 */
import {
  type ConnectTraceContext,
  retarget,
  traceConnect,
  type TraceTarget,
} from "../connection/mod.ts";
import type { Maintenance } from "./_maintenance.ts";
import type { ResolvedPoolOptions } from "./_options.ts";
import { ReconnectGate } from "./_reconnect_gate.ts";
import type { Registry } from "./_registry.ts";
import type { SlotView } from "./_slot.ts";
import type { PooledConnection } from "./pooled_connection.ts";
import type { Permit, Semaphore } from "./semaphore.ts";

/** What the connector tells its pool. */
export interface ConnectorHooks<C extends PooledConnection> {
  /** A connection attempt starts (for the "connecting" event). */
  connecting(attempt: number, reconnect: boolean): void;
  /** The pool's fields for tracing contexts. */
  target(): TraceTarget;
  /** A connection was made and registered (for the "create" event). */
  created(connection: C): void;
  /** A connection for an acquirer, or a background task, failed (for the "error" event). */
  failed(error: Error, during: "connect" | "warmUp" | "healthCheck"): void;
  /** The error for work refused because the pool is closed. */
  closedError(): Error;
}

const MAX_WARM_BACKOFF = 30_000;

/** Makes, checks and pre-opens the connections of one pool. */
export class Connector<C extends PooledConnection> {
  #connecting = 0;
  /** Whether warm-up is on: after the first acquire or warmUp(), until disconnect(). */
  #started = false;
  #options: ResolvedPoolOptions<C>;
  #factory: () => Promise<C>;
  #registry: Registry<C>;
  #permits: Semaphore;
  #maintenance: Maintenance<C>;
  #hooks: ConnectorHooks<C>;
  #connected: (() => void)[] = [];
  #warmUps = new Set<Promise<Error | undefined>>();
  #backoff = 0;
  #after = 0;
  /** Attempts failed since the last success: the next attempt's number is this + 1. */
  #failures = 0;
  /** A connection broke or an attempt failed since the last success. */
  #lost = false;
  /** One reconnect backoff for every connect of this pool. */
  #gate: ReconnectGate;

  /**
   * Works with the pool's parts.
   *
   * @param options The pool's options.
   * @param factory Makes one connection, connected or not.
   * @param registry The pool's connections.
   * @param permits The pool's `maxConnections` permits.
   * @param maintenance The pool's timer, woken by connections that expire.
   * @param hooks What the connector tells the pool.
   */
  constructor(
    options: ResolvedPoolOptions<C>,
    factory: () => Promise<C>,
    registry: Registry<C>,
    permits: Semaphore,
    maintenance: Maintenance<C>,
    hooks: ConnectorHooks<C>,
  ) {
    this.#options = options;
    this.#factory = factory;
    this.#gate = new ReconnectGate(options.clock, options.reconnectBackoff === "fail");
    this.#registry = registry;
    this.#permits = permits;
    this.#maintenance = maintenance;
    this.#hooks = hooks;
  }

  /** Connections being made now. */
  get connecting(): number {
    return this.#connecting;
  }

  /** Whether warm-up is on: after the first acquire or warmUp(), until stop(). */
  get started(): boolean {
    return this.#started;
  }

  /** Turns warm-up on (the first acquire): `minIdle` connections open in the background. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    // After the current acquirer took its permit: warm-up takes what is left.
    if (this.#options.minIdle > 0) queueMicrotask(() => this.refill());
  }

  /** Turns warm-up off until the next start (disconnect). */
  stop(): void {
    this.#started = false;
  }

  /**
   * Connects a new connection for a permit holder; on failure the permit is
   * released. If the signal aborts first, the acquire rejects at once and the
   * connection joins the idle set when ready (the permit is held until then).
   */
  connectFor(permit: Permit, signal: AbortSignal | undefined): Promise<SlotView<C>> {
    const connecting = this.create(signal);
    connecting.catch((error) => {
      if (!this.#registry.closed) this.#hooks.failed(toError(error), "connect");
    });
    return new Promise<SlotView<C>>((resolve, reject) => {
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      connecting.then((slot) => {
        signal?.removeEventListener("abort", onAbort);
        if (!aborted) return resolve(slot);
        this.#registry.putIdle(slot);
        permit.release();
      }, (error) => {
        signal?.removeEventListener("abort", onAbort);
        permit.release();
        reject(error);
      });
    });
  }

  /** Notes that a connection broke: the next connection is a reconnect. */
  lost(): void {
    this.#lost = true;
  }

  /**
   * Opens one connection and registers it (state "new": the caller places it).
   * Every attempt goes through the pool's one reconnect backoff; `signal`
   * lets a caller stop waiting for its turn.
   */
  async create(signal?: AbortSignal): Promise<SlotView<C>> {
    this.#connecting++;
    const registry = this.#registry;
    const generation = registry.generation;
    let connection: C;
    try {
      connection = await this.#gate.run(() => this.#attempt(), signal);
    } catch (error) {
      this.#done();
      throw error;
    }
    const lifetime = this.#options.maxLifetime;
    // Up to 10% sooner at random, so connections made together do not all retire together.
    const expiresAt = lifetime === null
      ? Infinity
      : this.#options.clock.now() + lifetime * (1 - 0.1 * Math.random());
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

  /** One connect attempt, once the backoff lets it run: reported, traced and counted. */
  async #attempt(): Promise<C> {
    const attempt = this.#failures + 1;
    this.#hooks.connecting(attempt, this.#lost);
    try {
      const connection = await traceConnect(
        () => this.#hooks.target(),
        attempt,
        this.#lost,
        (trace) => this.#open(trace),
      );
      this.#failures = 0;
      this.#lost = false;
      return connection;
    } catch (error) {
      this.#failures++;
      this.#lost = true;
      throw error;
    }
  }

  /** The server behind the pool changed: connect again at once, without the backoff. */
  resetBackoff(): void {
    this.#gate.reset();
  }

  /**
   * Ends the waits of connects queued behind the reconnect backoff.
   *
   * @param reason What they reject with.
   */
  cancelWaits(reason: Error): void {
    this.#gate.cancel(reason);
  }

  /** Makes and connects one connection; on failure it is destroyed. */
  async #open(trace: ConnectTraceContext | undefined): Promise<C> {
    let connection: C | undefined;
    try {
      connection = await this.#factory();
      // A factory (Sentinel) picks the server: the context names the one chosen.
      if (trace !== undefined) retarget(trace, connection.address);
      if (connection.state !== "ready") await connection.connect();
      return connection;
    } catch (error) {
      connection?.destroy(error instanceof Error ? error : undefined);
      throw error;
    }
  }

  /** Resolves once no connection is being made (close() waits for this). */
  settled(): Promise<void> {
    if (this.#connecting === 0) return Promise.resolve();
    return new Promise<void>((done) => this.#connected.push(done));
  }

  #done(): void {
    if (--this.#connecting === 0) { for (const done of this.#connected.splice(0)) done(); }
  }

  /** Whether a connection was idle longer than healthCheckInterval. */
  needsCheck(slot: SlotView<C>): boolean {
    const interval = this.#options.healthCheckInterval;
    return interval > 0 && this.#options.clock.now() - slot.connection.lastUsedAt > interval;
  }

  /** PINGs a connection that needs a check; a dead one is discarded. */
  async healthy(slot: SlotView<C>): Promise<boolean> {
    if (!this.needsCheck(slot)) return true;
    this.#registry.startCheck(slot);
    try {
      await slot.connection.command(["PING"]);
      return true;
    } catch (error) {
      const failure = toError(error);
      this.#registry.discard(slot, "health", failure);
      this.#hooks.failed(failure, "healthCheck");
      return false;
    }
  }

  /** Starts warm-up (ignoring any backoff) and resolves when this round is open. */
  async warmUp(): Promise<void> {
    this.#started = true;
    this.#after = 0;
    this.refill();
    for (const error of await Promise.all(this.#warmUps)) if (error) throw error;
  }

  /** Opens connections in the background until `minIdle` are open (never rejects). */
  refill(): void {
    const registry = this.#registry;
    const min = this.#options.minIdle;
    if (!this.#started || registry.closed || registry.slots.size + this.#connecting >= min) return;
    if (this.#after > 0 && this.#options.clock.now() < this.#after) return;
    while (registry.slots.size + this.#connecting < min) {
      // Warm-up holds a permit while it connects, so the cap always holds.
      const permit = this.#permits.tryAcquire();
      if (permit === null) return;
      const done: Promise<Error | undefined> = this.create().then((slot) => {
        this.#backoff = this.#after = 0;
        if (this.#started) registry.putIdle(slot);
        else registry.discard(slot, "disconnect");
        permit.release();
        return undefined;
      }, (error) => {
        permit.release();
        const failure = toError(error);
        // Back off, so a server that is down is not hammered by refills.
        this.#backoff = Math.min(MAX_WARM_BACKOFF, Math.max(100, this.#backoff * 2));
        this.#after = this.#options.clock.now() + this.#backoff;
        if (!registry.closed) this.#hooks.failed(failure, "warmUp");
        return failure;
      }).finally(() => this.#warmUps.delete(done));
      this.#warmUps.add(done);
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
