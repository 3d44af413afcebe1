/**
 * Command and batch tracing for the client layer: sanitized contexts for
 * `redwire:command`, and the batch helper pipelines and transactions share.
 * Nothing here runs unless a channel has subscribers.
 *
 * @module
 */
import {
  type BatchTraceContext,
  type CommandTraceContext,
  traceableError,
  traced,
  type TraceTarget,
  traceTarget,
  tracing,
} from "../connection/mod.ts";
import { ReplyError } from "../errors.ts";
import type { RedisArgument, Reply } from "../protocol/mod.ts";
import { sanitizeCommand } from "./_sanitize.ts";

const NO_TARGET: TraceTarget = Object.freeze({
  database: 0,
  serverAddress: "",
});

/**
 * A `redwire:command` context.
 *
 * @param args The command as sent.
 * @param target Where it goes.
 * @returns A fresh context.
 */
function commandContext(
  args: readonly RedisArgument[],
  target: TraceTarget | undefined,
): CommandTraceContext {
  const { command, args: sanitized } = sanitizeCommand(args);
  return { ...(target ?? NO_TARGET), command, args: sanitized };
}

/**
 * Runs one command, traced on `redwire:command` when someone listens.
 *
 * @param args The command as sent.
 * @param target Where it goes (asked only when traced).
 * @param run Sends it, given the context its job carries (`undefined` untraced).
 * @returns What `run` resolves with.
 */
export function traceCommand<T>(
  args: readonly RedisArgument[],
  target: () => TraceTarget | undefined,
  run: (context: CommandTraceContext | undefined) => Promise<T>,
): Promise<T> {
  const channel = tracing().command;
  if (!channel?.hasSubscribers) return run(undefined);
  const context = commandContext(args, target());
  return traced(channel, context, () => run(context));
}

/** One write of the dispatcher's tick, as its tracing sees it. */
export interface TracedTick {
  /** The tick's `redwire:batch` context, set here when someone listens. */
  trace: BatchTraceContext | undefined;
  /** The lease written on. */
  readonly lease: { readonly connection: TracedConnection };
}

/** What a tick's tracing needs of its connection. */
interface TracedConnection {
  readonly address: string;
  readonly options: { db?: number; clientName?: string };
}

/**
 * Gives the command contexts of one tick's write their batch size, and
 * opens its `redwire:batch` context when someone listens (closed by
 * {@linkcode finishTick}). Costs one check when nobody listens.
 *
 * @param jobs The tick's commands, each with its context if traced.
 * @param tick The write.
 * @param target Where it goes, if the source knows (else the connection's address).
 */
export function traceTick(
  jobs: readonly { readonly trace: CommandTraceContext | undefined }[],
  tick: TracedTick,
  target: () => TraceTarget | undefined,
): void {
  const channel = tracing().batch;
  if (jobs[0]!.trace === undefined && !channel?.hasSubscribers) return;
  if (jobs.length > 1) {
    for (const job of jobs) {
      if (job.trace) job.trace.batchSize = jobs.length;
    }
  }
  if (!channel?.hasSubscribers) return;
  const connection = tick.lease.connection;
  const where = target() ?? traceTarget(connection.address, connection.options);
  tick.trace = { ...where, kind: "auto", batchSize: jobs.length };
  channel.start.publish(tick.trace);
  channel.end.publish(tick.trace);
}

/**
 * Closes a tick's `redwire:batch` context once its last reply is in.
 *
 * @param context The context {@linkcode traceTick} opened.
 */
export function finishTick(context: BatchTraceContext): void {
  const channel = tracing().batch!;
  channel.asyncStart.publish(context);
  channel.asyncEnd.publish(context);
}

/**
 * Publishes the end of a command whose promise the caller does not trace
 * (the commands of one batch share one promise).
 */
function finishCommand(context: CommandTraceContext, error: unknown): void {
  const channel = tracing().command!;
  if (error !== undefined) {
    context.error = traceableError(error);
    channel.error.publish(context);
  }
  channel.asyncStart.publish(context);
  channel.asyncEnd.publish(context);
}

/**
 * Traces one write of several commands: `redwire:batch` around it and a
 * `redwire:command` per command. Costs one check when nobody listens.
 *
 * @param kind `"pipeline"` or `"transaction"`.
 * @param commands Every command written, in order.
 * @param target Where they go.
 * @param send Writes them and resolves with the replies (error replies in place).
 * @returns The replies.
 */
export function traceBatch(
  kind: BatchTraceContext["kind"],
  commands: readonly RedisArgument[][],
  target: (() => TraceTarget) | undefined,
  send: () => Promise<Reply[]>,
): Promise<Reply[]> {
  const { command: commandChannel, batch: batchChannel } = tracing();
  const perCommand = commandChannel?.hasSubscribers === true;
  const perBatch = batchChannel?.hasSubscribers === true;
  if (!perCommand && !perBatch) return send();
  const where = target?.();
  const contexts = perCommand ? commands.map((args) => commandContext(args, where)) : [];
  for (const context of contexts) {
    if (commands.length > 1) context.batchSize = commands.length;
    commandChannel!.start.publish(context);
    commandChannel!.end.publish(context);
  }
  const written = perBatch
    ? traced(batchChannel!, {
      ...(where ?? NO_TARGET),
      kind,
      batchSize: commands.length,
    }, send)
    : send();
  return written.then((replies) => {
    const failures = kind === "transaction" ? transactionErrors(replies) : replies;
    contexts.forEach((context, i) => {
      const reply = failures[i];
      finishCommand(context, reply instanceof ReplyError ? reply : undefined);
    });
    return replies;
  }, (error) => {
    for (const context of contexts) finishCommand(context, error);
    throw error;
  });
}

/** A transaction's per-command outcome: the queuing reply, or its slot in EXEC's reply. */
function transactionErrors(replies: readonly Reply[]): readonly Reply[] {
  const exec = replies[replies.length - 1];
  if (!Array.isArray(exec)) return replies;
  return replies.map((reply, i) =>
    reply instanceof ReplyError || i === 0 || i === replies.length - 1 ? reply : exec[i - 1]!
  );
}
