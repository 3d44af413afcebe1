/**
 * Reading SENTINEL replies: field lists, flags, and whether an answer names a
 * usable master or replica.
 *
 * @module
 */
import { ReplyError } from "../errors.ts";
import { replyText } from "../connection/mod.ts";
import type { Reply } from "../protocol/mod.ts";

/**
 * A server address as sentinels give it: `[host, port]`.
 */
export type Address = [host: string, port: number];

/** Flags that make a master unusable (redis-py's check_master_state). */
const MASTER_DOWN = ["s_down", "o_down"];
/** Flags that make a replica unusable (redis-py's filter_slaves). */
const REPLICA_DOWN = ["s_down", "o_down", "disconnected"];

/**
 * Formats an address for messages and map keys.
 *
 * @param address The address.
 * @returns `host:port`, with IPv6 hosts in brackets.
 */
export function addressKey([host, port]: Address): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Reads one entry of SENTINEL MASTER / REPLICAS / SENTINELS.
 *
 * @param reply A flat `[key, value, ...]` list (RESP2) or a map (RESP3).
 * @returns The fields by name.
 */
export function fieldsOf(reply: Reply): Map<string, string> {
  const fields = new Map<string, string>();
  if (reply instanceof Map) {
    for (const [key, value] of reply) fields.set(replyText(key), replyText(value));
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      fields.set(replyText(reply[i]), replyText(reply[i + 1]));
    }
  }
  return fields;
}

/**
 * The address of an entry.
 *
 * @param fields The entry's fields.
 * @returns `[ip, port]`, or undefined when either is missing.
 */
export function entryAddress(fields: Map<string, string>): Address | undefined {
  const host = fields.get("ip");
  const port = Number(fields.get("port"));
  return host && Number.isInteger(port) && port > 0 ? [host, port] : undefined;
}

function downFlags(fields: Map<string, string>, down: string[]): string[] {
  const flags = (fields.get("flags") ?? "").split(",");
  return flags.filter((flag) => down.includes(flag));
}

/**
 * Judges one sentinel's answer to GET-MASTER-ADDR-BY-NAME and SENTINEL MASTER
 * (sent together).
 *
 * As redis-py does, a master this sentinel sees as down (s_down / o_down) or
 * not as a master is refused. One refinement: during a failover, once the
 * promoted replica answers as master, GET-MASTER-ADDR-BY-NAME names it while
 * SENTINEL MASTER still describes the old, down master; the flags then
 * concern the old address, not the one returned, which is accepted (the
 * caller checks ROLE on it).
 *
 * @param name The master group name, for messages.
 * @param addrReply The reply to GET-MASTER-ADDR-BY-NAME.
 * @param masterReply The reply to SENTINEL MASTER.
 * @param minOtherSentinels Fewest other sentinels the answering one must see.
 * @returns The address, or in words why the answer is not usable.
 */
export function judgeMaster(
  name: string,
  addrReply: Reply,
  masterReply: Reply,
  minOtherSentinels: number,
): Address | string {
  if (addrReply instanceof ReplyError) return `error: ${addrReply.message}`;
  if (!Array.isArray(addrReply) || addrReply.length < 2) {
    return `does not know a master named "${name}"`;
  }
  const address: Address = [replyText(addrReply[0]), Number(replyText(addrReply[1]))];
  if (masterReply instanceof ReplyError) return `error: ${masterReply.message}`;
  const fields = fieldsOf(masterReply);
  const known = entryAddress(fields);
  const others = Number(fields.get("num-other-sentinels") ?? 0);
  if (others < minOtherSentinels) {
    return `sees only ${others} other sentinels (minOtherSentinels is ${minOtherSentinels})`;
  }
  if (known !== undefined && addressKey(known) !== addressKey(address)) return address;
  const flags = fields.get("flags") ?? "";
  const down = downFlags(fields, MASTER_DOWN);
  if (down.length > 0) return `master ${addressKey(address)} is down (flags ${flags})`;
  if (!flags.split(",").includes("master")) {
    return `${addressKey(address)} is not a master (flags ${flags})`;
  }
  return address;
}

/**
 * Sorts the replicas of a SENTINEL REPLICAS reply.
 *
 * @param reply The reply.
 * @returns The usable replicas, and the others with their down flags.
 */
export function judgeReplicas(reply: Reply): { usable: Address[]; skipped: string[] } {
  const usable: Address[] = [];
  const skipped: string[] = [];
  for (const entry of Array.isArray(reply) ? reply : []) {
    const fields = fieldsOf(entry);
    const address = entryAddress(fields);
    if (address === undefined) continue;
    const down = downFlags(fields, REPLICA_DOWN);
    if (down.length > 0) skipped.push(`${addressKey(address)} ${down.join(",")}`);
    else usable.push(address);
  }
  return { usable, skipped };
}

/**
 * Reads a SENTINEL SENTINELS reply.
 *
 * @param reply The reply.
 * @returns The other sentinels' addresses (the one asked is not listed).
 */
export function sentinelPeers(reply: Reply): Address[] {
  if (!Array.isArray(reply)) return [];
  return reply.map(fieldsOf).map(entryAddress).filter((a): a is Address => a !== undefined);
}

/**
 * Reads a ROLE reply.
 *
 * @param reply The reply.
 * @returns `"master"`, `"slave"`, `"sentinel"`, or what came back.
 */
export function roleOf(reply: Reply): string {
  return Array.isArray(reply) ? replyText(reply[0]) : replyText(reply);
}
