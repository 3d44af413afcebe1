/**
 * What the cluster needs to know about a command, from the command table
 * (src/commands/): where its keys are (shard channels included), whether it
 * only reads, and how a keyless command spreads over the shards.
 *
 * @module
 */
import { hasFlag, keyPositions, lookupCommand, type ResponsePolicy } from "../commands/mod.ts";
import type { RedisArgument } from "../protocol/mod.ts";

/** How fanned-out replies merge: the table's response policy, or `merge` (concatenate arrays). */
export type MergePolicy = ResponsePolicy | "merge";

/** The routing facts of one command. */
export interface CommandRouting {
  /** Upper-case name, with the subcommand for containers ("SCRIPT LOAD"). */
  name: string;
  /** Indexes into args of every key (and shard channel), in order. */
  keys: number[];
  /** Whether a replica may serve it (the table's `readonly` flag). */
  readOnly: boolean;
  /** Set for keyless commands sent to every primary: how their replies merge. */
  fanOut?: MergePolicy;
}

/**
 * Keyless commands that go to one node whatever the table's request policy
 * says (DESIGN §7): asking every primary would only cost round trips.
 */
const ONE_NODE = new Set(["PING", "ECHO", "RANDOMKEY", "TIME"]);

/** Commands of the cluster protocol a pooled connection must not be left in (besides DEDICATED_COMMANDS). */
export const CLUSTER_STATE_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  READONLY: "set readFromReplicas: true; replica connections send READONLY themselves",
  READWRITE: "leave readFromReplicas off for primary-only reads",
  ASKING: "the cluster follows ASK redirections itself",
});

const decoder = new TextDecoder();

/**
 * Reads a command's routing facts from the command table. Keyless commands
 * whose request policy is `all_shards` or `all_nodes` fan out to every
 * primary (DBSIZE, FLUSHALL, KEYS, SCRIPT LOAD, FUNCTION LOAD, CONFIG SET,
 * ...), except those whose replies need a `special` merge (INFO) and the
 * one-node list above.
 *
 * @param args The command and its arguments.
 * @returns Its name, key indexes, read-only flag and fan-out policy.
 */
export function commandRouting(args: readonly RedisArgument[]): CommandRouting {
  const spec = lookupCommand(args);
  if (spec === undefined) {
    // Unknown to the table (a module's command): no keys known, any primary.
    const head = args[0];
    const name = head instanceof Uint8Array ? decoder.decode(head) : String(head ?? "");
    return { name: name.toUpperCase(), keys: [], readOnly: false };
  }
  const keys = keyPositions(args, { notKeys: true });
  const routing: CommandRouting = { name: spec.name, keys, readOnly: hasFlag(spec, "readonly") };
  const spread = spec.requestPolicy === "all_shards" || spec.requestPolicy === "all_nodes";
  if (
    spread && keys.length === 0 && spec.responsePolicy !== "special" && !ONE_NODE.has(spec.name)
  ) {
    routing.fanOut = spec.responsePolicy ?? "merge";
  }
  return routing;
}
