/**
 * Pub/sub: one subscriber connection per client, shared by every
 * subscription, restored after a reconnect.
 *
 * @module
 */
import {
  type PubSubMessage,
  replyText,
  sleep,
  SubscriberSession,
  type SubscriptionKind,
} from "../connection/mod.ts";
import type { Lease } from "../pool/mod.ts";

/** The pause between two restore attempts, on top of the pool's backoff. */
const RESTORE_PAUSE = 50;

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
export type MessageHandler<M extends string | Uint8Array = string> = (
  message: M,
  channel: string,
  pattern?: string,
) => void;

/** A handler of text or of bytes; the client's type decides which it gets. */
type AnyHandler = (message: never, channel: string, pattern?: string) => void;

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
 * What a subscriber reports to its client (its `subscriptionsLost` and
 * `subscriptionsRestored` events).
 *
 * @example
 * ```ts
 * import type { SubscriberHooks } from "./pubsub.ts";
 *
 * const hooks: SubscriberHooks = { onLost: (error) => console.warn(error.message) };
 * ```
 */
export interface SubscriberHooks {
  /** The subscriber connection broke while subscriptions were active; they are being restored. */
  onLost?(error: Error): void;
  /** Every subscription is active again after `onLost`. */
  onRestored?(): void;
}

/**
 * The subscriber side of a client: a dedicated connection holding every
 * subscription, replaced (and every subscription restored) when it dies.
 * Restoring keeps trying for as long as there are subscriptions, paced by
 * the pool's one reconnect backoff; messages published meanwhile are lost.
 */
export class Subscriber {
  #acquire: () => Promise<Lease>;
  #hooks: SubscriberHooks;
  #lease: Lease | undefined;
  #session: SubscriberSession | undefined;
  #opening: Promise<SubscriberSession> | undefined;
  #handlers: Record<SubscriptionKind, Map<string, Set<AnyHandler>>> = {
    channel: new Map(),
    pattern: new Map(),
  };
  #closed = false;

  #bytes: boolean;

  /**
   * Prepares the subscriber side; nothing connects until the first subscription.
   *
   * @param acquire Lends the dedicated connection.
   * @param hooks Told when subscriptions are lost and restored.
   * @param bytes Hand messages to handlers as the connection decoded them
   *   (`Uint8Array` with `decodeResponses: false`) instead of as text.
   */
  constructor(acquire: () => Promise<Lease>, hooks: SubscriberHooks = {}, bytes = false) {
    this.#bytes = bytes;
    this.#acquire = acquire;
    this.#hooks = hooks;
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
    handler: AnyHandler,
  ): Promise<Subscription> {
    const session = await this.#ready();
    const fresh = names.filter((name) => !this.#handlers[kind].has(name));
    for (const name of names) {
      const set = this.#handlers[kind].get(name) ?? new Set();
      set.add(handler);
      this.#handlers[kind].set(name, set);
    }
    if (fresh.length > 0) await session.subscribe(kind, fresh);
    return new Subscription(names, () => this.#remove(kind, names, handler));
  }

  async #remove(
    kind: SubscriptionKind,
    names: readonly string[],
    handler: AnyHandler,
  ): Promise<void> {
    const gone = names.filter((name) => {
      const set = this.#handlers[kind].get(name);
      set?.delete(handler);
      if (set?.size !== 0) return false;
      this.#handlers[kind].delete(name);
      return true;
    });
    const session = this.#session;
    if (gone.length > 0 && session?.connection.state === "ready") {
      await session.unsubscribe(kind, gone);
    }
    if (!this.#hasSubscriptions()) await this.#drop();
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
    this.#session = undefined;
    this.#opening = undefined;
    if (!lease) return;
    // A connection that was in subscriber mode must not serve commands again.
    await lease.connection.close();
    lease.release();
  }

  #ready(): Promise<SubscriberSession> {
    const session = this.#session;
    if (session?.connection.state === "ready") return Promise.resolve(session);
    // A failed attempt is forgotten, never handed back to the next caller.
    this.#opening ??= this.#open().catch((error) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #open(): Promise<SubscriberSession> {
    const lease = await this.#acquire();
    const connection = lease.connection;
    const session = new SubscriberSession(connection, (message) => this.#deliver(message));
    this.#lease = lease;
    this.#session = session;
    connection.onClose((error) => {
      if (this.#lease !== lease) return;
      this.#lease = undefined;
      this.#session = undefined;
      this.#opening = undefined;
      lease.release();
      if (error !== undefined && !this.#closed && this.#hasSubscriptions()) {
        this.#hooks.onLost?.(error);
        void this.#restore();
      }
    });
    return session;
  }

  /**
   * Reconnects and resubscribes everything, until it works or the
   * subscriptions end. The pool paces the connects (one shared backoff);
   * the short pause here only stops a tight loop on errors the pool does not pace.
   */
  async #restore(): Promise<void> {
    while (!this.#closed && this.#hasSubscriptions()) {
      try {
        const session = await this.#ready();
        const channels = [...this.#handlers.channel.keys()];
        const patterns = [...this.#handlers.pattern.keys()];
        if (channels.length) await session.subscribe("channel", channels);
        if (patterns.length) await session.subscribe("pattern", patterns);
        // A connection lost meanwhile starts its own restore.
        if (this.#session === session) this.#hooks.onRestored?.();
        return;
      } catch {
        await sleep(RESTORE_PAUSE);
      }
    }
  }

  #hasSubscriptions(): boolean {
    return this.#handlers.channel.size + this.#handlers.pattern.size > 0;
  }

  #deliver({ kind, name, channel, payload }: PubSubMessage): void {
    const message = this.#bytes && payload instanceof Uint8Array ? payload : replyText(payload);
    const pattern = kind === "pattern" ? name : undefined;
    for (const handler of this.#handlers[kind].get(name) ?? []) {
      try {
        (handler as MessageHandler<string | Uint8Array>)(message, channel, pattern);
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
