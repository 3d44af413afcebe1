/**
 * Listens to the sentinels' failover announcements (`+switch-master` and the
 * leader's steps) on every sentinel, while someone is interested.
 *
 * @module
 */
import {
  type Connection,
  type PubSubMessage,
  replyText,
  SubscriberSession,
} from "../connection/mod.ts";
import { type Address, addressKey } from "./_replies.ts";

/**
 * One failover step a sentinel announced for a master group.
 *
 * - `down`: the sentinels agree the master is down (`+odown`); a failover follows.
 * - `started`: a sentinel was elected to fail the master over (`+elected-leader`).
 * - `promoted`: the leader told a replica to become master (`+failover-state-wait-promotion`,
 *   `+promoted-slave`); `master` names it.
 * - `switched`: the new master is in the sentinels' configuration (`+switch-master`).
 * - `aborted`: the failover gave up before promoting anyone (`-failover-abort-*`).
 * - `up`: the master is reachable again before any failover (`-odown`).
 *
 * @example
 * ```ts
 * import { Sentinel, type FailoverEvent } from "@redwire/redis";
 *
 * await using sentinel = new Sentinel([["127.0.0.1", 26379]]);
 * const stop = sentinel.onFailover("mymaster", (event: FailoverEvent) => {
 *   console.log(event.kind, event.previous, "->", event.master, "said", event.sentinel);
 * });
 * stop();
 * ```
 */
export interface FailoverEvent {
  /** The master group, such as `"mymaster"`. */
  name: string;
  /** What happened (see above). */
  kind: "down" | "started" | "promoted" | "switched" | "aborted" | "up";
  /** The master the failover replaces, as `[host, port]`. */
  previous: [host: string, port: number];
  /** The new master, for `promoted` and `switched`. */
  master?: [host: string, port: number];
  /** The sentinel that announced it, as `host:port`. */
  sentinel: string;
  /** The sentinel's event channel, such as `"+switch-master"`. */
  channel: string;
}

/**
 * Receives failover events for one master group.
 *
 * @example
 * ```ts
 * import type { FailoverListener } from "@redwire/redis";
 *
 * const log: FailoverListener = (event) => console.log(event.kind, event.master);
 * ```
 */
export type FailoverListener = (event: FailoverEvent) => void;

/** What the leader or any sentinel announces, by channel. */
const CHANNELS: Record<string, FailoverEvent["kind"]> = {
  "+odown": "down",
  "-odown": "up",
  "+elected-leader": "started",
  "+failover-state-wait-promotion": "promoted",
  "+promoted-slave": "promoted",
  "+switch-master": "switched",
  "-failover-abort-no-good-slave": "aborted",
  "-failover-abort-slave-timeout": "aborted",
};

const MAX_BACKOFF = 2_000;

interface Subscription {
  connection: Connection;
  failures: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Subscribes to failover events on every known sentinel while at least one
 * listener is registered: only the sentinel leading a failover announces its
 * steps, and it can be any of them. A subscription that dies is opened again
 * with backoff; the others keep listening meanwhile. With no listener left,
 * every subscription closes (nothing keeps the process alive).
 *
 * @example
 * ```ts
 * import { Connection } from "@redwire/redis";
 * import { FailoverWatch } from "./failover_watch.ts";
 *
 * const watch = new FailoverWatch(
 *   () => [["127.0.0.1", 26379]],
 *   ([host, port]) => new Connection({ host, port }),
 * );
 * const stop = watch.listen("mymaster", (event) => console.log(event.kind));
 * stop();
 * ```
 */
export class FailoverWatch {
  #addresses: () => Address[];
  #open: (address: Address) => Connection;
  #listeners = new Map<string, Set<FailoverListener>>();
  #subscriptions = new Map<string, Subscription>();

  /**
   * @param addresses The current sentinel list (read again by `sync()`).
   * @param open Makes an unconnected connection to one sentinel.
   */
  constructor(addresses: () => Address[], open: (address: Address) => Connection) {
    this.#addresses = addresses;
    this.#open = open;
  }

  /** Whether any listener is registered (subscriptions are open or opening). */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /**
   * Calls `listener` with each failover event for `name`, until the returned
   * function is called.
   *
   * @param name The master group.
   * @param listener Receives the events.
   * @returns Stops this listener; the last one stopped closes the subscriptions.
   */
  listen(name: string, listener: FailoverListener): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) this.#listeners.set(name, set = new Set());
    set.add(listener);
    this.sync();
    return () => {
      if (!set.delete(listener)) return;
      if (set.size === 0 && this.#listeners.get(name) === set) this.#listeners.delete(name);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Subscribes on sentinels added to the list since (no-op when nobody listens). */
  sync(): void {
    if (!this.active) return;
    for (const address of this.#addresses()) {
      const key = addressKey(address);
      if (!this.#subscriptions.has(key)) this.#subscribe(key, address, 0);
    }
  }

  /** Closes every subscription and forgets every listener. */
  stop(): void {
    this.#listeners.clear();
    const subscriptions = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    for (const subscription of subscriptions) {
      clearTimeout(subscription.timer);
      subscription.connection.destroy();
    }
  }

  #subscribe(key: string, address: Address, failures: number): void {
    const connection = this.#open(address);
    const subscription: Subscription = { connection, failures, timer: undefined };
    this.#subscriptions.set(key, subscription);
    const session = new SubscriberSession(connection, (message) => this.#onMessage(key, message));
    connection.onClose(() => this.#onClose(key, address, subscription));
    session.subscribe("channel", Object.keys(CHANNELS)).then(
      () => subscription.failures = 0,
      () => connection.destroy(),
    );
  }

  #onClose(key: string, address: Address, subscription: Subscription): void {
    // Stopped, or replaced already: nothing to restore.
    if (this.#subscriptions.get(key) !== subscription || !this.active) return;
    const wait = Math.min(MAX_BACKOFF, 100 * 2 ** subscription.failures);
    subscription.timer = setTimeout(() => {
      if (this.#subscriptions.get(key) !== subscription || !this.active) return;
      this.#subscribe(key, address, subscription.failures + 1);
    }, wait);
  }

  #onMessage(sentinel: string, { channel, payload }: PubSubMessage): void {
    const kind = CHANNELS[channel];
    if (kind === undefined) return;
    const event = parseEvent(kind, channel, replyText(payload).split(" "), sentinel);
    if (event === undefined) return;
    for (const listener of [...(this.#listeners.get(event.name) ?? [])]) listener(event);
  }
}

/**
 * Reads an event's payload. Masters are `master <name> <ip> <port> ...`,
 * replicas `slave <ip:port> <ip> <port> @ <name> <master-ip> <master-port>`,
 * and `+switch-master` is `<name> <old-ip> <old-port> <new-ip> <new-port>`.
 */
function parseEvent(
  kind: FailoverEvent["kind"],
  channel: string,
  words: string[],
  sentinel: string,
): FailoverEvent | undefined {
  const at = (i: number): Address => [words[i] ?? "", Number(words[i + 1])];
  let event: FailoverEvent;
  if (kind === "switched") {
    event = { name: words[0] ?? "", kind, previous: at(1), master: at(3), sentinel, channel };
  } else if (words[0] === "slave" && words[4] === "@") {
    event = { name: words[5] ?? "", kind, previous: at(6), master: at(2), sentinel, channel };
  } else if (words[0] === "master") {
    event = { name: words[1] ?? "", kind, previous: at(2), sentinel, channel };
  } else {
    return undefined;
  }
  const valid = [event.previous, event.master ?? event.previous].every(([host, port]) =>
    host !== "" && Number.isInteger(port)
  );
  return valid ? event : undefined;
}
