/** Reply shapers shared by the typed commands; they accept RESP2 and RESP3 shapes. */
import type { Reply } from "../../protocol/mod.ts";

/** A function turning a raw reply into a command's typed result. */
export type Transform<T> = (reply: Reply) => T;

const decoder = new TextDecoder();

function text(reply: Reply): string {
  return reply instanceof Uint8Array ? decoder.decode(reply) : String(reply);
}

export const asIs = <T>(reply: Reply): T => reply as T;

export function toNumber(reply: Reply): number {
  return typeof reply === "number" ? reply : Number(text(reply));
}

export function toNumberOrNull(reply: Reply): number | null {
  return reply === null ? null : toNumber(reply);
}

export function toBoolean(reply: Reply): boolean {
  return reply === 1 || reply === true;
}

export function toBooleans(reply: Reply): boolean[] {
  return (reply as Reply[]).map(toBoolean);
}

export function toOk(reply: Reply): boolean {
  return reply === "OK" || (reply instanceof Uint8Array && text(reply) === "OK");
}

/** A flat `[k, v, k, v]` array (RESP2) or a Map (RESP3) as a record. */
export function toRecord(reply: Reply): Record<string, string> {
  const record: Record<string, string> = {};
  if (reply instanceof Map) {
    for (const [key, value] of reply) record[text(key)] = value as string;
  } else {
    const items = reply as Reply[];
    for (let i = 0; i + 1 < items.length; i += 2) record[text(items[i]!)] = items[i + 1] as string;
  }
  return record;
}

/** A set reply (RESP3 Set, RESP2 array) as an array. */
export function toArray(reply: Reply): string[] {
  return (reply instanceof Set ? [...reply] : reply) as string[];
}

/** WITHSCORES replies: flat pairs (RESP2) or nested pairs (RESP3). */
export function toScored(reply: Reply): { member: string; score: number }[] {
  const items = reply as Reply[];
  if (items.length > 0 && Array.isArray(items[0])) {
    return (items as Reply[][]).map(([member, score]) => ({
      member: member as string,
      score: toNumber(score!),
    }));
  }
  const scored: { member: string; score: number }[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    scored.push({ member: items[i] as string, score: toNumber(items[i + 1]!) });
  }
  return scored;
}

/** BLPOP / BRPOP: `[key, value]` or null. */
export function toKeyValue(reply: Reply): [string, string] | null {
  return reply === null ? null : (reply as [string, string]);
}

/** BZPOPMIN / BZPOPMAX: `[key, member, score]` or null; the score is a string (RESP2) or a double (RESP3). */
export function toKeyMemberScore(reply: Reply): [string, string, number] | null {
  if (reply === null) return null;
  const [key, member, score] = reply as Reply[];
  return [key as string, member as string, toNumber(score!)];
}
