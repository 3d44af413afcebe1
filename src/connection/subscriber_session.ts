/**
 * One connection in subscriber mode: SUBSCRIBE / PSUBSCRIBE and their UN-
 * forms, each name confirmed by the server, and messages to one handler.
 * Pub/sub clients and the Sentinel failover watch both build on it.
 *
 * @module
 */
import { decodeText, type Reply } from "../protocol/mod.ts";
import type { Connection } from "./connection.ts";

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

/**
 * One message a subscriber connection received.
 *
 * @example
 * ```ts
 * import type { PubSubMessage } from "./subscriber_session.ts";
 *
 * const message: PubSubMessage = { kind: "channel", name: "news", channel: "news", payload: "hi" };
 * ```
 */
export interface PubSubMessage {
  /** Whether it matched a channel or a pattern subscription. */
  kind: SubscriptionKind;
  /** The channel or pattern subscribed to. */
  name: string;
  /** The channel it was published on. */
  channel: string;
  /** The message as the server sent it. */
  payload: Reply;
}

const COMMANDS: Record<SubscriptionKind, { on: string; off: string }> = {
  channel: { on: "subscribe", off: "unsubscribe" },
  pattern: { on: "psubscribe", off: "punsubscribe" },
};

/**
 * Text of a reply element (names arrive as bytes when responses are not decoded).
 *
 * @param value A reply element; bytes are decoded as UTF-8.
 * @returns Its text (`""` for undefined or null).
 *
 * @example
 * ```ts
 * import { replyText } from "./subscriber_session.ts";
 *
 * console.log(replyText(new TextEncoder().encode("news"))); // "news"
 * ```
 */
export function replyText(value: Reply | undefined): string {
  return value instanceof Uint8Array ? decodeText(value, 0, value.length) : String(value ?? "");
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Puts a connection in subscriber mode and speaks pub/sub on it: each
 * `subscribe` / `unsubscribe` resolves once the server confirmed every name,
 * messages go to `onMessage`, and a closed connection rejects every wait.
 *
 * @example
 * ```ts
 * import { Connection } from "@redwire/redis";
 * import { SubscriberSession } from "./subscriber_session.ts";
 *
 * const connection = new Connection({ port: 6379 });
 * const session = new SubscriberSession(connection, (m) => console.log(m.channel, m.payload));
 * await session.subscribe("channel", ["news"]);
 * await connection.close();
 * ```
 */
export class SubscriberSession {
  /** The subscriber connection (it never serves other commands again). */
  readonly connection: Connection;
  #onMessage: (message: PubSubMessage) => void;
  #confirmations = new Map<string, Waiter[]>();

  /**
   * @param connection A connection no one else uses; it enters subscriber mode now.
   * @param onMessage Called with each message.
   */
  constructor(connection: Connection, onMessage: (message: PubSubMessage) => void) {
    this.connection = connection;
    this.#onMessage = onMessage;
    connection.enterSubscriberMode((frame) => this.#onFrame(frame));
    connection.onClose((error) => {
      const failure = error ?? new Error(`Subscriber connection to ${connection.address} closed`);
      for (const waiting of this.#confirmations.values()) waiting.forEach((w) => w.reject(failure));
      this.#confirmations.clear();
    });
  }

  /**
   * Subscribes to channels or patterns.
   *
   * @param kind `"channel"` (SUBSCRIBE) or `"pattern"` (PSUBSCRIBE).
   * @param names The channels or patterns.
   * @returns Resolves once the server confirmed every name.
   * @throws {ConnectionError} If the connection fails first.
   */
  subscribe(kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    return this.#send(COMMANDS[kind].on, names);
  }

  /**
   * Unsubscribes from channels or patterns.
   *
   * @param kind `"channel"` (UNSUBSCRIBE) or `"pattern"` (PUNSUBSCRIBE).
   * @param names The channels or patterns.
   * @returns Resolves once the server confirmed every name.
   * @throws {ConnectionError} If the connection fails first.
   */
  unsubscribe(kind: SubscriptionKind, names: readonly string[]): Promise<void> {
    return this.#send(COMMANDS[kind].off, names);
  }

  async #send(command: string, names: readonly string[]): Promise<void> {
    const confirmed = names.map((name) =>
      new Promise<void>((resolve, reject) => {
        const key = `${command}:${name}`;
        const waiting = this.#confirmations.get(key) ?? [];
        waiting.push({ resolve, reject });
        this.#confirmations.set(key, waiting);
      })
    );
    // Handled here too: a failed write leaves the confirmations to the close.
    const all = Promise.all(confirmed);
    all.catch(() => {});
    await this.connection.command([command.toUpperCase(), ...names]);
    await all;
  }

  #onFrame(frame: Reply[]): void {
    const kind = replyText(frame[0]);
    if (kind === "message") {
      const channel = replyText(frame[1]);
      return this.#onMessage({
        kind: "channel",
        name: channel,
        channel,
        payload: frame[2] ?? null,
      });
    }
    if (kind === "pmessage") {
      const name = replyText(frame[1]);
      const channel = replyText(frame[2]);
      return this.#onMessage({ kind: "pattern", name, channel, payload: frame[3] ?? null });
    }
    const key = `${kind}:${replyText(frame[1])}`;
    const waiting = this.#confirmations.get(key);
    waiting?.shift()?.resolve();
    if (waiting?.length === 0) this.#confirmations.delete(key);
  }
}
