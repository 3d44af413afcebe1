/**
 * Reply shapers shared by the typed commands. Each accepts the RESP2 and the
 * RESP3 form of its reply and returns one shape, so a method's reply does not
 * depend on the protocol.
 */
import { camelCase } from "../../connection/mod.ts";
import { decodeText, type Reply } from "../../protocol/mod.ts";

/** A function turning a raw reply into a command's typed result. */
export type Transform<T> = (reply: Reply) => T;

/** A reply as text (bytes decoded as UTF-8). */
export function text(reply: Reply): string {
  return reply instanceof Uint8Array ? decodeText(reply, 0, reply.length) : String(reply);
}

/** A list of strings (an array, or a RESP3 set; nil is empty), each as {@linkcode text}. */
export function texts(reply: Reply): string[] {
  return [...((reply ?? []) as Iterable<Reply>)].map(text);
}

/** The reply unchanged; the client skips shaping for it. */
export const asIs = <T>(reply: Reply): T => reply as T;

/** An integer or a double (RESP3) or their text (RESP2) as a number. */
export function toNumber(reply: Reply): number {
  return typeof reply === "number" ? reply : Number(text(reply));
}

/** As {@linkcode toNumber}, nil staying null. */
export function toNumberOrNull(reply: Reply): number | null {
  return reply === null ? null : toNumber(reply);
}

/** Each element through {@linkcode toNumberOrNull}. */
export function toNumbersOrNull(reply: Reply): (number | null)[] {
  return (reply as Reply[]).map(toNumberOrNull);
}

/** Each element through {@linkcode toNumber}. */
export function toNumbers(reply: Reply): number[] {
  return (reply as Reply[]).map(toNumber);
}

/** 1 / 0 (or a RESP3 boolean) as true / false. */
export function toBoolean(reply: Reply): boolean {
  return reply === 1 || reply === true;
}

/** Each element through {@linkcode toBoolean}. */
export function toBooleans(reply: Reply): boolean[] {
  return (reply as Reply[]).map(toBoolean);
}

/** As {@linkcode text}, nil staying null. */
export function textOrNull(reply: Reply): string | null {
  return reply === null ? null : text(reply);
}

/** A status reply: true for OK; nil (SET NX/XX not applied) is false. */
export function toOk(reply: Reply): boolean {
  return reply === "OK" || (reply instanceof Uint8Array && text(reply) === "OK");
}

/** A status reply as text, such as TYPE's "string" (bytes decoded). */
export function toStatus(reply: Reply): string {
  return text(reply);
}

/** A null-prototype record, so a `__proto__` field is an ordinary key. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null);
}

/** `name<separator>value` items as a null-prototype record; items without the separator are skipped. */
export function toNamedValues(items: string[], separator: string): Record<string, string> {
  const record = emptyRecord<string>();
  for (const item of items) {
    const at = item.indexOf(separator);
    if (at > 0) record[item.slice(0, at)] = item.slice(at + 1);
  }
  return record;
}

/** A flat `[k, v, k, v]` array (RESP2) or a Map (RESP3) as a null-prototype record. */
export function toRecord<T = Reply>(reply: Reply): Record<string, T> {
  const record = emptyRecord<T>();
  if (reply instanceof Map) {
    for (const [key, value] of reply) record[text(key)] = value as T;
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) record[text(reply[i]!)] = reply[i + 1] as T;
  }
  return record;
}

/**
 * As {@linkcode toRecord}, with `kebab-case` keys in camelCase (XINFO, MEMORY
 * STATS ...) and RESP3 sets as arrays, so both protocols give one shape.
 */
export function toFields<T>(reply: Reply): T {
  const record = emptyRecord<Reply>();
  const put = (key: Reply, value: Reply) => {
    record[camelCase(text(key))] = value instanceof Set ? [...value] : value;
  };
  if (reply instanceof Map) {
    for (const [key, value] of reply) put(key, value);
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) put(reply[i]!, reply[i + 1]!);
  }
  return record as T;
}

/** A list of field lists, each through {@linkcode toFields}. */
export function toFieldsList<T>(reply: Reply): T[] {
  return (reply as Reply[]).map(toFields<T>);
}

/** A set reply (RESP3 Set, RESP2 array) as an array. */
export function toArray<T>(reply: Reply): T[] {
  return (reply instanceof Set ? [...reply] : reply) as T[];
}

/**
 * A sorted-set member with its score, as WITHSCORES, ZPOP and ZSCAN give them.
 *
 * @example
 * ```ts
 * import type { ScoredMember } from "@redwire/redis";
 *
 * const entry: ScoredMember = { member: "alice", score: 42 };
 * ```
 */
export interface ScoredMember<V = string> {
  /** The member. */
  member: V;
  /** Its score. */
  score: number;
}

/** WITHSCORES replies: flat pairs (RESP2) or nested pairs (RESP3). */
export function toScored<V>(reply: Reply): ScoredMember<V>[] {
  const items = reply as Reply[];
  if (items.length > 0 && Array.isArray(items[0])) {
    return (items as Reply[][]).map(([member, score]) => ({
      member: member as V,
      score: toNumber(score!),
    }));
  }
  const scored: ScoredMember<V>[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    scored.push({ member: items[i] as V, score: toNumber(items[i + 1]!) });
  }
  return scored;
}

/** ZRANK/ZREVRANK WITHSCORE is 7.2+; on 7.0 a pair `[member, score]` or null. */
export function toScoredOne<V>(reply: Reply): ScoredMember<V> | null {
  if (reply === null || (Array.isArray(reply) && reply.length === 0)) return null;
  return toScored<V>(reply)[0] ?? null;
}

/** Field-value pairs: flat (RESP2) or nested (RESP3) as `[field, value]` tuples. */
export function toPairs<V>(reply: Reply): [V, V][] {
  const items = reply as Reply[];
  if (items.length > 0 && Array.isArray(items[0])) return items as [V, V][];
  const pairs: [V, V][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push([items[i] as V, items[i + 1] as V]);
  return pairs;
}

/** BLPOP / BRPOP: `[key, value]` or null. */
export function toKeyValue<V>(reply: Reply): [string, V] | null {
  if (reply === null) return null;
  const [key, value] = reply as Reply[];
  return [text(key!), value as V];
}

/** BZPOPMIN / BZPOPMAX: `{ key, member, score }` or null. */
export function toKeyScored<V>(reply: Reply): { key: string; member: V; score: number } | null {
  if (reply === null) return null;
  const [key, member, score] = reply as Reply[];
  return { key: text(key!), member: member as V, score: toNumber(score!) };
}

/** LMPOP / BLMPOP: `{ key, elements }` or null. */
export function toKeyElements<V>(reply: Reply): { key: string; elements: V[] } | null {
  if (reply === null) return null;
  const [key, elements] = reply as Reply[];
  return { key: text(key!), elements: elements as V[] };
}

/** ZMPOP / BZMPOP: `{ key, members }` or null. */
export function toKeyMembers<V>(reply: Reply): { key: string; members: ScoredMember<V>[] } | null {
  if (reply === null) return null;
  const [key, members] = reply as Reply[];
  return { key: text(key!), members: toScored<V>(members!) };
}

/** SCAN-family replies: `[cursor, items]` with the cursor as text. */
export function toCursor<T>(shape: (items: Reply) => T): Transform<[string, T]> {
  return (reply) => {
    const [cursor, items] = reply as Reply[];
    return [text(cursor!), shape(items!)];
  };
}
