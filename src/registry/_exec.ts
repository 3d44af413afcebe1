/**
 * How a named pipeline executes: one batch per client, in parallel or one
 * after another, replies settled in the order the commands were added.
 *
 * @module
 */
import { type DeferredReply, Redis, type Transform } from "../client/mod.ts";
import type { RedisCluster } from "../cluster/mod.ts";
import { ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { PipelineError, type ServerFailure } from "./pipeline_error.ts";

/** Where a command was queued from: the root pipeline or a nested one (and its parents). */
export interface Origin {
  readonly parent?: Origin;
}

/** One queued command of a named pipeline. */
export interface Entry {
  args: RedisArgument[];
  transform: Transform<unknown>;
  reply: DeferredReply<unknown>;
  /** Resolved from the name when queued; batches group by this object. */
  client: Redis | RedisCluster;
  name: string;
  origin: Origin;
}

type Outcome = PromiseSettledResult<Reply>;

/** Groups entries by client identity: two names aliasing one client share a batch. */
function groupByClient(entries: readonly Entry[]): Map<Redis | RedisCluster, Entry[]> {
  const batches = new Map<Redis | RedisCluster, Entry[]>();
  for (const entry of entries) {
    const batch = batches.get(entry.client) ?? [];
    batch.push(entry);
    batches.set(entry.client, batch);
  }
  return batches;
}

/** Sends one server's commands in one client pipeline; error replies come back in place. */
async function sendBatch(
  client: Redis | RedisCluster,
  entries: readonly Entry[],
): Promise<Reply[]> {
  // A cluster splits its batch by node itself.
  const batch = client.pipeline();
  for (const entry of entries) batch.sendCommand(entry.args);
  return (await batch.exec({ raiseOnError: false })) as Reply[];
}

/** Sends the batches at once, or each after the previous one settled. */
function sendAll(
  batches: Map<Redis | RedisCluster, Entry[]>,
  parallel: boolean,
): Promise<PromiseSettledResult<Reply[]>[]> {
  let previous: Promise<unknown> = Promise.resolve();
  return Promise.allSettled([...batches].map(([client, batch]) => {
    const sent = parallel
      ? sendBatch(client, batch)
      : previous.then(() => sendBatch(client, batch));
    previous = sent.catch(() => {});
    return sent;
  }));
}

/** Settles one reply from its outcome; returns what `exec()` reports in its place. */
function settle(entry: Entry, outcome: Outcome): unknown {
  if (outcome.status === "rejected") {
    entry.reply.settle(outcome.reason);
    return outcome.reason;
  }
  if (outcome.value instanceof ReplyError) {
    entry.reply.settle(outcome.value);
    return outcome.value;
  }
  try {
    const value = entry.transform(outcome.value);
    entry.reply.settle(undefined, value);
    return value;
  } catch (error) {
    // A reply of an unexpected shape fails its own command only.
    entry.reply.settle(error);
    return error;
  }
}

function failureOf(
  client: Redis | RedisCluster,
  entries: readonly Entry[],
  error: unknown,
): ServerFailure {
  const names = [...new Set(entries.map((entry) => entry.name))];
  const address = client instanceof Redis ? client.pool.address : String(client);
  return { names, address, commands: entries.length, error };
}

/**
 * Sends the entries, one batch per client, and settles every reply in the
 * order the entries were added, whichever server answered first.
 *
 * @param entries The queued commands, in the order added.
 * @param parallel Send the batches at once, or one after another.
 * @returns The typed replies in order, error replies in place.
 * @throws {PipelineError} After every reply settled, if any server failed.
 */
export async function execute(entries: readonly Entry[], parallel: boolean): Promise<unknown[]> {
  const batches = groupByClient(entries);
  const outcomes = await sendAll(batches, parallel);
  const byEntry = new Map<Entry, Outcome>();
  const failures: ServerFailure[] = [];
  [...batches].forEach(([client, batch], i) => {
    const outcome = outcomes[i]!;
    if (outcome.status === "rejected") failures.push(failureOf(client, batch, outcome.reason));
    batch.forEach((entry, j) => {
      byEntry.set(
        entry,
        outcome.status === "rejected"
          ? outcome
          : { status: "fulfilled", value: outcome.value[j] ?? null },
      );
    });
  });
  const results = entries.map((entry) => settle(entry, byEntry.get(entry)!));
  if (failures.length > 0) throw new PipelineError(failures, batches.size);
  return results;
}
