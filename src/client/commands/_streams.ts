/** Stream reply types and their shapers, shared by the stream commands. */
import type { Reply } from "../../protocol/mod.ts";
import { text, textOrNull, texts, toFields, toNumber, toRecord } from "./_transforms.ts";

/**
 * One stream entry. An entry deleted after delivery has no fields (`{}`).
 *
 * @example
 * ```ts
 * import type { StreamEntry } from "@redwire/redis";
 *
 * const entry: StreamEntry<string> = { id: "1700000000000-0", fields: { item: "book" } };
 * ```
 */
export interface StreamEntry<V = string> {
  /** The entry id, "ms-seq". */
  id: string;
  /** Its fields, as a null-prototype record. */
  fields: Record<string, V>;
}

/**
 * XREAD / XREADGROUP: one element per stream that had entries, in the order
 * the streams were asked for.
 *
 * @example
 * ```ts
 * import type { StreamMessages } from "@redwire/redis";
 *
 * const batch: StreamMessages<string>[] = [{ name: "orders", entries: [] }];
 * ```
 */
export interface StreamMessages<V = string> {
  /** The stream's key. */
  name: string;
  /** Its entries. */
  entries: StreamEntry<V>[];
}

/**
 * XPENDING summary.
 *
 * @example
 * ```ts
 * import type { PendingSummary } from "@redwire/redis";
 *
 * const s: PendingSummary = { count: 0, minId: null, maxId: null, consumers: [] };
 * ```
 */
export interface PendingSummary {
  /** Pending entries of the group. */
  count: number;
  /** Smallest pending id, null when none. */
  minId: string | null;
  /** Greatest pending id, null when none. */
  maxId: string | null;
  /** Pending count per consumer. */
  consumers: { name: string; pending: number }[];
}

/**
 * One pending entry, from XPENDING with a range.
 *
 * @example
 * ```ts
 * import type { PendingEntry } from "@redwire/redis";
 *
 * const p: PendingEntry = { id: "1-0", consumer: "w1", idle: 10, deliveries: 1 };
 * ```
 */
export interface PendingEntry {
  /** The entry id. */
  id: string;
  /** Who holds it. */
  consumer: string;
  /** Milliseconds since its last delivery. */
  idle: number;
  /** How many times it was delivered. */
  deliveries: number;
}

/**
 * XAUTOCLAIM's reply.
 *
 * @example
 * ```ts
 * import type { AutoClaimResult } from "@redwire/redis";
 *
 * const r: AutoClaimResult<string> = { nextId: "0-0", entries: [], deletedIds: [] };
 * ```
 */
export interface AutoClaimResult<V = string> {
  /** Where the next call should start; "0-0" when the scan is complete. */
  nextId: string;
  /** The claimed entries. */
  entries: StreamEntry<V>[];
  /** Pending ids whose entries no longer exist (removed from the PEL). */
  deletedIds: string[];
}

/**
 * XINFO GROUPS: one element per group.
 *
 * @example
 * ```ts
 * import type { StreamGroupInfo } from "@redwire/redis";
 *
 * const g: StreamGroupInfo = { name: "g", consumers: 1, pending: 0, lastDeliveredId: "0-0", entriesRead: null, lag: 0 };
 * ```
 */
export interface StreamGroupInfo {
  /** The group's name. */
  name: string;
  /** How many consumers. */
  consumers: number;
  /** How many pending entries. */
  pending: number;
  /** The last id delivered to the group. */
  lastDeliveredId: string;
  /** How many entries the group read (null when unknown). */
  entriesRead: number | null;
  /** Entries not yet delivered (null when unknown). */
  lag: number | null;
}

/**
 * XINFO CONSUMERS: one element per consumer.
 *
 * @example
 * ```ts
 * import type { StreamConsumerInfo } from "@redwire/redis";
 *
 * const c: StreamConsumerInfo = { name: "w1", pending: 0, idle: 5 };
 * ```
 */
export interface StreamConsumerInfo {
  /** The consumer's name. */
  name: string;
  /** Its pending entries. */
  pending: number;
  /** Milliseconds since it last interacted. */
  idle: number;
}

/**
 * XINFO STREAM.
 *
 * @example
 * ```ts
 * import type { StreamInfo } from "@redwire/redis";
 *
 * type Length = StreamInfo<string>["length"]; // number
 * ```
 */
export interface StreamInfo<V = string> {
  /** Entries in the stream. */
  length: number;
  /** Keys of its radix tree. */
  radixTreeKeys: number;
  /** Nodes of its radix tree. */
  radixTreeNodes: number;
  /** How many consumer groups. */
  groups: number;
  /** The last id generated. */
  lastGeneratedId: string;
  /** The greatest id deleted. */
  maxDeletedEntryId: string;
  /** Entries added over the stream's life. */
  entriesAdded: number;
  /** The first entry's id. */
  recordedFirstEntryId: string;
  /** The first entry, or null when empty. */
  firstEntry: StreamEntry<V> | null;
  /** The last entry, or null when empty. */
  lastEntry: StreamEntry<V> | null;
}

/** `[id, [f, v, ...]]` as a {@linkcode StreamEntry}; nil fields become `{}`. */
export function toEntry<V>(reply: Reply): StreamEntry<V> {
  const [id, flat] = reply as Reply[];
  return { id: text(id!), fields: toRecord<V>(flat!) };
}

/** A list of entries. */
export function toEntries<V>(reply: Reply): StreamEntry<V>[] {
  return reply === null ? [] : (reply as Reply[]).map(toEntry<V>);
}

/** XREAD: RESP2 `[[name, entries]]` or RESP3 `{ name: entries }`, as `{ name, entries }[]`; nil stays null. */
export function toStreams<V>(reply: Reply): StreamMessages<V>[] | null {
  if (reply === null) return null;
  const pairs = reply instanceof Map ? [...reply] : reply as Reply[][];
  return pairs.map(([name, entries]) => ({ name: text(name!), entries: toEntries<V>(entries!) }));
}

/** XPENDING summary. */
export function toPendingSummary(reply: Reply): PendingSummary {
  const [count, minId, maxId, consumers] = reply as Reply[];
  return {
    count: toNumber(count!),
    minId: textOrNull(minId!),
    maxId: textOrNull(maxId!),
    consumers: ((consumers ?? []) as Reply[][]).map(([name, pending]) => ({
      name: text(name!),
      pending: toNumber(pending!),
    })),
  };
}

/** XPENDING with a range. */
export function toPendingEntries(reply: Reply): PendingEntry[] {
  return (reply as Reply[][]).map(([id, consumer, idle, deliveries]) => ({
    id: text(id!),
    consumer: text(consumer!),
    idle: toNumber(idle!),
    deliveries: toNumber(deliveries!),
  }));
}

/** XAUTOCLAIM. */
export function toAutoClaim<V>(reply: Reply): AutoClaimResult<V> {
  const [nextId, entries, deleted] = reply as Reply[];
  return {
    nextId: text(nextId!),
    entries: toEntries<V>(entries!),
    deletedIds: texts(deleted!),
  };
}

/** XAUTOCLAIM ... JUSTID. */
export function toAutoClaimIds(
  reply: Reply,
): { nextId: string; ids: string[]; deletedIds: string[] } {
  const [nextId, ids, deleted] = reply as Reply[];
  return {
    nextId: text(nextId!),
    ids: texts(ids!),
    deletedIds: texts(deleted!),
  };
}

/** XINFO STREAM: named fields, its first / last entries shaped. */
export function toStreamInfo<V>(reply: Reply): StreamInfo<V> {
  const info = toFields<Record<string, Reply>>(reply);
  const entry = (value: Reply | undefined) => (value == null ? null : toEntry<V>(value));
  return {
    ...info,
    firstEntry: entry(info.firstEntry),
    lastEntry: entry(info.lastEntry),
  } as unknown as StreamInfo<V>;
}
