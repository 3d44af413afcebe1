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
export function commandContext(
  args: readonly RedisArgument[],
  target: TraceTarget | undefined,
): CommandTraceContext {
  const { command, args: sanitized } = sanitizeCommand(args);
  return { ...(target ?? NO_TARGET), command, args: sanitized };
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
