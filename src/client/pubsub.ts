/**
 * Pub/sub: one subscriber connection per client, shared by every
 * subscription, restored after a reconnect.
 *
 * @module
 */
import { backoffDelay, type Connection, resolveRetryPolicy, sleep } from "../connection/mod.ts";
import type { Lease } from "../pool/mod.ts";
import type { Reply } from "../protocol/mod.ts";

/**
 * Receives one pub/sub message. A handler that throws does not disturb the
 * subscription; its error is rethrown on its own, as an uncaught error.
 *
 * @example
 * ```ts
 * import type { MessageHandler } from "@redwire/redis";
 *
 * const onMessage: MessageHandler = (message, channel) => console.log(channel, message);
 * ```
 */
export type MessageHandler = (message: string, channel: string, pattern?: string) => void;

/**
 * What a subscription listens to: channels (SUBSCRIBE) or patterns (PSUBSCRIBE).
 *
 * @example
 * ```ts
 * import type { SubscriptionKind } from "@redwire/redis";
 *
 * const kind: SubscriptionKind = "pattern";
 * ```
 */
export type SubscriptionKind = "channel" | "pattern";

const decoder = new TextDecoder();
const text = (value: Reply | undefined): string =>
  value instanceof Uint8Array ? decoder.decode(value) : String(value);

/**
 * An active subscription; `unsubscribe()` ends it.
 *
 * @example
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis();
 * const sub = await redis.subscribe("news", (message) => console.log(message));
 * await redis.publish("news", "hello");
 * await sub.unsubscribe();
 * ```
 */
export class Subscription {
  /** The channels (or patterns) subscribed to. */
  readonly names: readonly string[];
  #end: () => Promise<void>;
  #ended = false;

  /**
   * Made by `subscribe()`; not constructed by users.
   *
   * @param names The channels or patterns.
   * @param end Removes the handler and unsubscribes where no handler remains.
   */
  constructor(names: readonly string[], end: () => Promise<void>) {
    this.names = names;
    this.#end = end;
  }

  /** Stops this subscription's handler; calling it twice is harmless. */
  unsubscribe(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#ended = true;
    return this.#end();
  }

  /** Unsubscribes; `await using sub = await redis.subscribe(...)` calls this. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.unsubscribe();
  }
}

/**
 * The subscriber side of a client: a dedicated connection holding every
 * subscription, replaced (and every subscription restored) when it dies.
 */
export class Subscriber {
  #acquire: () => Promise<Lease>;
  #lease: Lease | undefined;
  #opening: Promise<Connection> | undefined;
  #handlers: Record<SubscriptionKind, Map<string, Set<MessageHandler>>> = {
    channel: new Map(),
    pattern: new Map(),
  };
  #confirmations = new Map<string, { resolve: () => void; reject: (error: Error) => void }[]>();
  #closed = false;

  /**
   * Prepares the subscriber side; nothing connects until the first subscription.
   *
   * @param acquire Lends the dedicated connection.
   */
  constructor(acquire: () => Promise<Lease>) {
    this.#acquire = acquire;
  }

  /**
   * Subscribes `handler` to channels or patterns; resolves once the server confirmed.
   *
   * @param kind `"channel"` (SUBSCRIBE) or `"pattern"` (PSUBSCRIBE).
   * @param names Channels or patterns.
   * @param handler Called for each message.
   * @returns The subscription.
   */
  async subscribe(
    kind: SubscriptionKind,
    names: string[],
    handler: MessageHandler,
  ): Promise<Subscription> {
    const connection = await this.#connection();
    const fresh = names.filter((name) => !this.#handlers[kind].has(name));
    for (const name of names) {
      const set = this.#handlers[kind].get(name) ?? new Set();
      set.add(handler);
      this.#handlers[kind].set(name, set);
    }
    if (fresh.length > 0) {
      await this.#send(connection, kind === "channel" ? "subscribe" : "psubscribe", fresh);
    }
    return new Subscription(names, () => this.#remove(kind, names, handler));
  }

  async #remove(
    kind: SubscriptionKind,
    names: readonly string[],
    handler: MessageHandler,
  ): Promise<void> {
    const gone = names.filter((name) => {
      const set = this.#handlers[kind].get(name);
      set?.delete(handler);
      if (set?.size !== 0) return false;
      this.#handlers[kind].delete(name);
      return true;
    });
    const connection = this.#lease?.connection;
    if (gone.length > 0 && connection?.state === "ready") {
      await this.#send(connection, kind === "channel" ? "unsubscribe" : "punsubscribe", gone);
    }
    if (this.#handlers.channel.size === 0 && this.#handlers.pattern.size === 0) await this.#drop();
  }

  /** Ends every subscription and gives the connection back (closed, never re-pooled). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.channel.clear();
    this.#handlers.pattern.clear();
    await this.#drop();
  }

  /**
   * Destroys the subscriber connection at once (close's timeout passed).
   *
   * @param error Why.
   */
  destroy(error: Error): void {
    this.#closed = true;
    this.#lease?.connection.destroy(error);
  }

  async #drop(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    this.#opening = undefined;
    if (!lease) return;
    // A connection that was in subscriber mode must not serve commands again.
    await lease.connection.close();
    lease.release();
  }

  #connection(): Promise<Connection> {
    if (this.#lease?.connection.state === "ready") return Promise.resolve(this.#lease.connection);
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<Connection> {
    const lease = await this.#acquire();
    const connection = lease.connection;
    this.#lease = lease;
    connection.subscriberMode = true;
    connection.onPush = (frame) => this.#onPush(frame);
    connection.onClose((error) => {
      if (this.#lease !== lease) return;
      this.#lease = undefined;
      this.#opening = undefined;
      lease.release();
      const failure = error ?? new Error(`Subscriber connection to ${connection.address} closed`);
      for (const waiting of this.#confirmations.values()) waiting.forEach((w) => w.reject(failure));
      this.#confirmations.clear();
      if (error !== undefined && !this.#closed) void this.#restore();
    });
    return connection;
  }

  async #restore(): Promise<void> {
    const policy = resolveRetryPolicy({ attempts: 0, baseDelay: 100, maxDelay: 2000 });
    for (let attempt = 0; !this.#closed && this.#hasSubscriptions(); attempt++) {
      try {
        const connection = await this.#connection();
        const channels = [...this.#handlers.channel.keys()];
        const patterns = [...this.#handlers.pattern.keys()];
        if (channels.length) await this.#send(connection, "subscribe", channels);
        if (patterns.length) await this.#send(connection, "psubscribe", patterns);
        return;
      } catch {
        await sleep(backoffDelay(Math.min(attempt, 10), policy) + 10);
      }
    }
  }

  #hasSubscriptions(): boolean {
    return this.#handlers.channel.size + this.#handlers.pattern.size > 0;
  }

  async #send(connection: Connection, command: string, names: string[]): Promise<void> {
    const confirmed = names.map((name) =>
      new Promise<void>((resolve, reject) => {
        const key = `${command}:${name}`;
        this.#confirmations.set(key, [...(this.#confirmations.get(key) ?? []), {
          resolve,
          reject,
        }]);
      })
    );
    await connection.writeOnly([[command.toUpperCase(), ...names]]);
    await Promise.all(confirmed);
  }

  #onPush(frame: Reply[]): void {
    const kind = text(frame[0]);
    if (kind === "message") {
      return this.#deliver("channel", text(frame[1]), frame[2], text(frame[1]));
    }
    if (kind === "pmessage") {
      return this.#deliver("pattern", text(frame[1]), frame[3], text(frame[2]));
    }
    const waiting = this.#confirmations.get(`${kind}:${text(frame[1])}`);
    waiting?.shift()?.resolve();
    if (waiting?.length === 0) this.#confirmations.delete(`${kind}:${text(frame[1])}`);
  }

  #deliver(
    kind: SubscriptionKind,
    name: string,
    payload: Reply | undefined,
    channel: string,
  ): void {
    const message = text(payload);
    const pattern = kind === "pattern" ? name : undefined;
    for (const handler of this.#handlers[kind].get(name) ?? []) {
      try {
        handler(message, channel, pattern);
      } catch (error) {
        // A throwing handler must not break the read loop (and with it the
        // subscription and the next messages): its error surfaces on its own.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
