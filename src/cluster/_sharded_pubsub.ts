/**
 * Sharded pub/sub: SSUBSCRIBE on the primary serving each channel's slot,
 * one dedicated connection per node, moved to the new owner when the slot
 * moves (a new map, or the server's own `sunsubscribe`) or the node dies.
 *
 * @module
 */
import { type MessageHandler, type SubscriberHooks, Subscription } from "../client/mod.ts";
import { type Connection, replyText as text } from "../connection/mod.ts";
import type { Lease } from "../pool/mod.ts";
import type { Reply } from "../protocol/mod.ts";
import type { ClusterNode } from "./_nodes.ts";
import type { Router } from "./_router.ts";
import { keySlot } from "./key_slot.ts";

/** A subscriber connection to one node. */
interface Link {
  node: ClusterNode;
  lease: Lease;
  connection: Connection;
  channels: Set<string>;
}

/** Holds every sharded subscription of a cluster client. */
export class ShardedSubscriber {
  #router: Router;
  #handlers = new Map<string, Set<MessageHandler>>();
  #links = new Map<string, Promise<Link>>();
  #placed = new Map<string, Link>();
  #confirmations = new Map<string, (() => void)[]>();
  #moving = new Set<string>();
  #closed = false;
  #hooks: SubscriberHooks;
  #lost = false;

  constructor(router: Router, hooks: SubscriberHooks = {}) {
    this.#router = router;
    this.#hooks = hooks;
  }

  /** Subscribes `handler`; resolves once every owning node confirmed. */
  async subscribe(channels: string[], handler: MessageHandler): Promise<Subscription> {
    const fresh = channels.filter((channel) => !this.#handlers.has(channel));
    for (const channel of channels) {
      const set = this.#handlers.get(channel) ?? new Set();
      set.add(handler);
      this.#handlers.set(channel, set);
    }
    await Promise.all(fresh.map((channel) => this.#place(channel)));
    return new Subscription(channels, () => this.#remove(channels, handler));
  }

  /** SSUBSCRIBE `channel` on the primary serving its slot now. */
  async #place(channel: string): Promise<void> {
    const map = await this.#router.topology.ready();
    const node = this.#router.pick(map, keySlot(channel), false);
    const link = await this.#link(node);
    if (!this.#handlers.has(channel)) return;
    link.channels.add(channel);
    this.#placed.set(channel, link);
    await this.#command(link, "ssubscribe", channel);
  }

  async #remove(channels: readonly string[], handler: MessageHandler): Promise<void> {
    await Promise.all(channels.map(async (channel) => {
      const set = this.#handlers.get(channel);
      set?.delete(handler);
      if (set === undefined || set.size > 0) return;
      this.#handlers.delete(channel);
      const link = this.#placed.get(channel);
      this.#placed.delete(channel);
      link?.channels.delete(channel);
      if (link?.connection.state === "ready") await this.#command(link, "sunsubscribe", channel);
    }));
  }

  /** A new slot map: channels whose slot moved follow it. */
  onTopology(): void {
    const map = this.#router.topology.map;
    if (map === undefined || this.#closed) return;
    for (const [channel, link] of this.#placed) {
      if (map.shardOf(keySlot(channel))?.primary.key !== link.node.address.key) {
        this.#move(channel);
      }
    }
  }

  /** Moves `channel` to its slot's current owner, retrying until it lands. */
  #move(channel: string, refreshFirst = false): void {
    if (this.#moving.has(channel) || this.#closed) return;
    this.#moving.add(channel);
    const old = this.#placed.get(channel);
    old?.channels.delete(channel);
    this.#placed.delete(channel);
    if (old?.connection.state === "ready") {
      void old.connection.command(["SUNSUBSCRIBE", channel]).catch(() => {});
    }
    void (async () => {
      for (let attempt = 0; !this.#closed && this.#handlers.has(channel); attempt++) {
        try {
          if (attempt > 0 || refreshFirst) await this.#router.topology.refresh();
          await this.#place(channel);
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        }
      }
      this.#moving.delete(channel);
      if (this.#lost && this.#moving.size === 0 && !this.#closed) {
        this.#lost = false;
        this.#hooks.onRestored?.();
      }
    })();
  }

  #link(node: ClusterNode): Promise<Link> {
    const key = node.address.key;
    let link = this.#links.get(key);
    if (link === undefined) {
      link = this.#open(node);
      this.#links.set(key, link);
      link.catch(() => this.#links.delete(key));
    }
    return link;
  }

  async #open(node: ClusterNode): Promise<Link> {
    const lease = await node.pool.acquire();
    const connection = lease.connection;
    const link: Link = { node, lease, connection, channels: new Set() };
    connection.enterSubscriberMode((frame) => this.#onPush(link, frame));
    connection.onClose((error) => {
      this.#links.delete(node.address.key);
      lease.release();
      if (link.channels.size > 0 && !this.#closed && !this.#lost) {
        this.#lost = true;
        this.#hooks.onLost?.(
          error ?? new Error(`sharded subscriber to ${node.address.key} closed`),
        );
      }
      // The node died or the connection broke: every channel finds its owner again.
      for (const channel of [...link.channels]) this.#move(channel, true);
    });
    return link;
  }

  async #command(link: Link, command: string, channel: string): Promise<void> {
    const confirmed = new Promise<void>((resolve, reject) => {
      const key = `${command}:${channel}`;
      this.#confirmations.set(key, [...(this.#confirmations.get(key) ?? []), resolve]);
      link.connection.onClose((error) => reject(error ?? new Error("subscriber closed")));
    });
    await link.connection.command([command.toUpperCase(), channel]);
    await confirmed;
  }

  #onPush(link: Link, frame: Reply[]): void {
    const kind = text(frame[0]);
    const channel = text(frame[1]);
    if (kind === "smessage") {
      const message = text(frame[2]);
      for (const handler of this.#handlers.get(channel) ?? []) {
        try {
          handler(message, channel);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      return;
    }
    const waiting = this.#confirmations.get(`${kind}:${channel}`);
    const confirm = waiting?.shift();
    if (waiting?.length === 0) this.#confirmations.delete(`${kind}:${channel}`);
    // An sunsubscribe nobody asked for: the server dropped the channel because its slot moved.
    if (confirm === undefined && kind === "sunsubscribe" && link.channels.has(channel)) {
      this.#move(channel, true);
    }
    confirm?.();
  }

  /** Ends every subscription; the connections are closed, never re-pooled. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    const links = await Promise.allSettled([...this.#links.values()]);
    this.#links.clear();
    await Promise.all(links.map(async (result) => {
      if (result.status === "fulfilled") await result.value.connection.close();
    }));
  }
}
