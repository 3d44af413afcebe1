/**
 * Cluster pipelines (split by node, sent in parallel, replies in call order)
 * and single-slot MULTI/EXEC transactions.
 *
 * @module
 */
import {
  Commands,
  type ExecOptions,
  Multi,
  type Script,
  traceBatch,
  type Transform,
} from "../client/mod.ts";
import { CrossSlotError, RedirectionError, ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { type CommandRouting, commandRouting } from "./_command_routing.ts";
import { SPLIT } from "./_fanout.ts";
import type { ClusterNode } from "./_nodes.ts";
import { classify, distinctSlots, RAW, type Router } from "./_router.ts";

/** One queued command. */
interface Queued {
  args: RedisArgument[];
  transform: Transform<unknown>;
}

/** Sends one command the cluster's way (fan-out, split, routed). */
export type ClusterSend = (
  args: RedisArgument[],
  transform: Transform<unknown>,
) => Promise<unknown>;

/** A command's place in a node batch. */
interface Planned {
  index: number;
  slot: number | undefined;
}

/**
 * A cluster pipeline: commands are grouped by the node serving their slot,
 * each group sent in one write, the groups in parallel; replies come back in
 * call order. Commands redirected (MOVED / ASK / TRYAGAIN) are re-sent one by
 * one, in order within their slot. Not atomic: use `multi()` for that.
 *
 * @example
 * ```ts
 * import { RedisCluster } from "@redwire/redis";
 *
 * await using cluster = new RedisCluster([["127.0.0.1", 7000]]);
 * const [ok, value] = await cluster.pipeline().set("a", "1").get("b").exec();
 * ```
 */
export class ClusterPipeline extends Commands<"chain", ClusterPipeline> {
  #queued: Queued[] = [];
  #scripts: Map<string, Script> | undefined;
  #router: Router;
  #send: ClusterSend;

  /**
   * Made by `cluster.pipeline()`; not constructed by users.
   *
   * @param router Routes and re-sends commands.
   * @param send Sends a command that needs several nodes (fan-out, split).
   */
  constructor(router: Router, send: ClusterSend) {
    super();
    this.#router = router;
    this.#send = send;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#queued.length;
  }

  /**
   * Queues any command.
   *
   * @param args The command and its arguments.
   * @returns This pipeline, to chain.
   */
  sendCommand(args: RedisArgument[]): this {
    this.#queued.push({ args, transform: RAW as Transform<unknown> });
    return this;
  }

  /** Queues a typed command. */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): ClusterPipeline {
    this.#queued.push({ args, transform });
    return this;
  }

  /** Queues EVALSHA and remembers the script, loaded on every primary before exec sends. */
  protected override callScript<T>(
    script: Script,
    args: RedisArgument[],
    transform: Transform<T>,
  ): ClusterPipeline {
    (this.#scripts ??= new Map()).set(script.sha, script);
    return this.call(args, transform);
  }

  /**
   * Sends every queued command, one batch per node in parallel.
   *
   * @param options `raiseOnError: false` keeps errors in place.
   * @returns The typed replies, in call order.
   * @throws {ReplyError} The first error, unless raiseOnError is false.
   * @throws {CrossSlotError} If a command that cannot be split spans slots (nothing is sent).
   */
  async exec(options: ExecOptions = {}): Promise<unknown[]> {
    const queued = this.#queued;
    const scripts = this.#scripts;
    this.#queued = [];
    this.#scripts = undefined;
    if (queued.length === 0) return [];
    // SCRIPT LOAD fans out to every primary: no EVALSHA of this batch meets NOSCRIPT.
    for (const script of scripts?.values() ?? []) {
      await this.#send(["SCRIPT", "LOAD", script.lua], RAW as Transform<unknown>);
    }
    const routes = queued.map((q) => commandRouting(q.args));
    const slots = queued.map((q, i) => this.#slot(q.args, routes[i]!));
    const map = await this.#router.topology.ready();
    const outcomes: (Reply | Error)[] = new Array(queued.length);
    const batches = new Map<ClusterNode, Planned[]>();
    const alone: Promise<void>[] = [];
    queued.forEach((q, index) => {
      const slot = slots[index];
      if (slot === null) {
        alone.push(
          this.#send(q.args, RAW as Transform<unknown>).then(
            (reply) => void (outcomes[index] = reply as Reply),
            (error) => void (outcomes[index] = error),
          ),
        );
        return;
      }
      const readOnly = routes[index]!.readOnly;
      let node: ClusterNode;
      try {
        node = this.#router.pick(map, slot, readOnly);
      } catch (error) {
        outcomes[index] = error as Error; // retried below like CLUSTERDOWN
        return;
      }
      const planned = batches.get(node) ?? [];
      if (planned.length === 0) batches.set(node, planned);
      planned.push({ index, slot });
    });
    await Promise.all([
      ...alone,
      ...[...batches].map(([node, planned]) => this.#runBatch(node, planned, queued, outcomes)),
    ]);
    await this.#retry(queued, slots, outcomes);
    return shape(queued, outcomes, options.raiseOnError ?? true);
  }

  /** The one slot of a command; `null` for those sent on their own (fan-out, split); undefined keyless. */
  #slot(args: RedisArgument[], route: CommandRouting): number | undefined | null {
    if (route.fanOut !== undefined) return null;
    if (SPLIT[route.name] !== undefined && route.keys.length > 1) {
      if (distinctSlots(route.keys.map((k) => args[k]!)).length > 1) return null;
    }
    return this.#router.slotOf(args, route);
  }

  async #runBatch(
    node: ClusterNode,
    planned: Planned[],
    queued: Queued[],
    outcomes: (Reply | Error)[],
  ): Promise<void> {
    try {
      const commands = planned.map((p) => queued[p.index]!.args);
      // One `redwire:batch` per node batch, naming the node.
      const replies = await traceBatch(
        "pipeline",
        commands,
        () => node.pool.traceTarget(),
        () => node.direct(commands),
      );
      planned.forEach((p, i) => outcomes[p.index] = replies[i]!);
    } catch (error) {
      // Unwritten (refused connect) commands are retried below; written ones keep the error.
      for (const p of planned) outcomes[p.index] = error as Error;
    }
  }

  /** Re-sends redirected / retryable commands, one by one, in order within each slot. */
  async #retry(
    queued: Queued[],
    slots: (number | undefined | null)[],
    outcomes: (Reply | Error)[],
  ): Promise<void> {
    const bySlot = new Map<number | undefined, number[]>();
    outcomes.forEach((outcome, index) => {
      if (!(outcome instanceof Error) || classify(outcome) === undefined) return;
      if (outcome instanceof RedirectionError && outcome.code === "MOVED") {
        this.#router.moved(outcome);
      }
      const slot = slots[index] ?? undefined;
      const list = bySlot.get(slot) ?? [];
      if (list.length === 0) bySlot.set(slot, list);
      list.push(index);
    });
    await Promise.all([...bySlot.values()].map(async (indexes) => {
      for (const index of indexes) {
        try {
          outcomes[index] = await this.#router.send(queued[index]!.args, RAW);
        } catch (error) {
          outcomes[index] = error as Error;
        }
      }
    }));
  }
}

function shape(queued: Queued[], outcomes: (Reply | Error)[], raiseOnError: boolean): unknown[] {
  if (raiseOnError) {
    const failure = outcomes.find((outcome) => outcome instanceof Error);
    if (failure !== undefined) throw failure;
  }
  return outcomes.map((outcome, i) =>
    outcome instanceof Error ? outcome : queued[i]!.transform(outcome)
  );
}

/**
 * A MULTI/EXEC transaction on the primary of its keys' one slot. Keys in
 * several slots fail with `CrossSlotError` before anything is sent. A
 * transaction the server aborted because a queued command was redirected
 * (EXECABORT after MOVED / ASK) is re-run whole on the new owner, within
 * `maxRedirects`; one that reached EXEC is never re-run.
 *
 * @example
 * ```ts
 * import { RedisCluster } from "@redwire/redis";
 *
 * await using cluster = new RedisCluster([["127.0.0.1", 7000]]);
 * const [a, b] = (await cluster.multi().incr("{u1}:a").incr("{u1}:b").exec())!;
 * ```
 */
export class ClusterMulti extends Commands<"chain", ClusterMulti> {
  #queued: Queued[] = [];
  #router: Router;

  /**
   * Made by `cluster.multi()`; not constructed by users.
   *
   * @param router Routes the transaction.
   */
  constructor(router: Router) {
    super();
    this.#router = router;
  }

  /** How many commands are queued. */
  get length(): number {
    return this.#queued.length;
  }

  /**
   * Queues any command.
   *
   * @param args The command and its arguments.
   * @returns This transaction, to chain.
   */
  sendCommand(args: RedisArgument[]): this {
    this.#queued.push({ args, transform: RAW as Transform<unknown> });
    return this;
  }

  /** Queues a typed command. */
  protected call<T>(args: RedisArgument[], transform: Transform<T>): ClusterMulti {
    this.#queued.push({ args, transform });
    return this;
  }

  /**
   * Runs MULTI, the commands and EXEC on the slot's primary.
   *
   * @param options `raiseOnError: false` keeps error replies in place.
   * @returns The typed replies.
   * @throws {CrossSlotError} If the keys span slots (nothing is sent).
   */
  async exec(options: ExecOptions = {}): Promise<unknown[] | null> {
    const queued = this.#queued;
    this.#queued = [];
    const keys = queued.flatMap((q) => commandRouting(q.args).keys.map((k) => q.args[k]!));
    const slots = distinctSlots(keys);
    if (slots.length > 1) throw new CrossSlotError("MULTI", slots);
    let target: ClusterNode | undefined;
    let asking = false;
    let redirects = 0;
    const deadline = Date.now() + this.#router.budget;
    for (let attempt = 0;; attempt++) {
      const map = await this.#router.topology.ready();
      const node = target ?? this.#router.pick(map, slots[0], false);
      try {
        const replies = await runMulti(node, asking, queued);
        return replies === null ? null : shape(queued, replies, options.raiseOnError ?? true);
      } catch (error) {
        const cause = (error as Error).cause;
        if (!(error instanceof ReplyError) || !(cause instanceof RedirectionError)) {
          // A refused connect, or EXECABORT for CLUSTERDOWN / TRYAGAIN while
          // queuing: nothing ran, so the whole transaction may run again.
          const reason = error instanceof ReplyError && cause instanceof Error ? cause : error;
          if (await this.#router.retryable(reason as Error, attempt, deadline)) continue;
          throw error;
        }
        if (redirects++ >= this.#router.maxRedirects) throw error;
        asking = cause.code === "ASK";
        if (asking) target = this.#router.asked(cause);
        else {
          target = undefined;
          this.#router.moved(cause);
        }
      }
    }
  }
}

/** MULTI, the commands and EXEC on one connection to `node` (after ASKING when asked to). */
function runMulti(node: ClusterNode, asking: boolean, queued: Queued[]): Promise<Reply[] | null> {
  const multi = new Multi(
    (fn) =>
      node.pool.acquire().then(async (lease) => {
        try {
          if (asking) await lease.connection.command(["ASKING"]);
          return await fn(lease.connection);
        } finally {
          lease.release();
        }
      }),
    () => node.pool.traceTarget(),
  );
  for (const q of queued) multi.sendCommand(q.args);
  return multi.exec({ raiseOnError: false }) as Promise<Reply[] | null>;
}
