/**
 * Commands that touch several nodes: keyless commands spread per their
 * request policy (and merged per their response policy), and the multi-key
 * commands split by slot (DEL, EXISTS, MGET, MSET, TOUCH, UNLINK: not atomic).
 *
 * @module
 */
import type { CommandOptions } from "../connection/mod.ts";
import { RedisError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import type { CommandRouting } from "./_command_routing.ts";
import { argSlot, RAW, type Router } from "./_router.ts";

/** Multi-key commands the cluster splits by slot; how many arguments make one item. */
export const SPLIT: Record<string, number> = {
  DEL: 1,
  EXISTS: 1,
  TOUCH: 1,
  UNLINK: 1,
  MGET: 1,
  MSET: 2,
};

/**
 * Splits a multi-key command into one command per slot, sent in parallel,
 * and merges the replies in call order (counts summed, MGET values placed
 * back where their keys were).
 */
export async function splitBySlot(
  router: Router,
  args: RedisArgument[],
  route: CommandRouting,
  options: CommandOptions,
): Promise<Reply> {
  const width = SPLIT[route.name]!;
  const groups = new Map<number, number[]>(); // slot -> item positions
  const items = (args.length - 1) / width;
  for (let item = 0; item < items; item++) {
    const slot = argSlot(args[1 + item * width]!);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [item]);
    else group.push(item);
  }
  const parts = [...groups.values()];
  const replies = await Promise.all(parts.map((positions) => {
    const part: RedisArgument[] = [args[0]!];
    for (const item of positions) {
      for (let i = 0; i < width; i++) part.push(args[1 + item * width + i]!);
    }
    return router.send(part, RAW, options);
  }));
  if (route.name === "MSET") return "OK";
  if (route.name !== "MGET") return replies.reduce<number>((sum, n) => sum + Number(n), 0);
  const merged: Reply[] = new Array(items);
  parts.forEach((positions, p) => {
    const values = replies[p] as Reply[];
    positions.forEach((item, i) => merged[item] = values[i]!);
  });
  return merged;
}

/**
 * Sends a keyless command to every serving primary (request policy
 * `all_shards` / `all_nodes`) and merges the replies by its response policy.
 */
export async function fanOut(
  router: Router,
  args: RedisArgument[],
  route: CommandRouting,
  options: CommandOptions,
): Promise<Reply> {
  const map = router.topology.map ?? await router.topology.ready();
  const nodes = map.servingPrimaries().map((address) => router.nodes.get(address));
  const settled = await Promise.allSettled(
    nodes.map((node) => node.dispatcher.send(args, options)),
  );
  const failed = settled.flatMap((result, i) =>
    result.status === "rejected" ? [[nodes[i]!.address.key, result.reason as Error] as const] : []
  );
  if (failed.length > 0) {
    const where = failed.map(([key, error]) => `${key} (${error.message})`).join(", ");
    throw new RedisError(
      `${route.name} failed on ${failed.length} of ${nodes.length} primaries: ${where}`,
      { cause: failed[0]![1] },
    );
  }
  const replies = settled.map((result) => (result as PromiseFulfilledResult<Reply>).value);
  return merge(route, replies, nodes.map((node) => node.address.key));
}

function merge(route: CommandRouting, replies: Reply[], keys: string[]): Reply {
  switch (route.fanOut) {
    case "agg_sum":
      return replies.reduce<number>((sum, n) => sum + Number(n), 0);
    case "agg_min":
      return Math.min(...replies.map(Number));
    case "agg_logical_and":
      return (replies[0] as Reply[]).map((_, i) =>
        replies.every((reply) => Number((reply as Reply[])[i]) === 1) ? 1 : 0
      );
    case "merge":
      if (replies.every(Array.isArray)) return replies.flatMap((reply) => reply as Reply[]);
      return merge({ ...route, fanOut: "all_succeeded" }, replies, keys);
    case "one_succeeded":
      return replies[0]!;
    default: {
      // all_succeeded: one answer when every primary agrees.
      const first = JSON.stringify(replies[0]);
      const differing = replies.findIndex((reply) => JSON.stringify(reply) !== first);
      if (differing < 0) return replies[0]!;
      const answers = replies.map((reply, i) => `${keys[i]}: ${JSON.stringify(reply)}`);
      throw new RedisError(
        `${route.name} answered differently on the primaries (${answers.join(", ")})`,
      );
    }
  }
}
