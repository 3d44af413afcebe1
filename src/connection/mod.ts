/**
 * One connection to one server, its options, URLs and retry policy.
 *
 * @module
 */
export { commandTooLarge, Connection } from "./connection.ts";
export { estimateSize, rejection, RESOLVABLE } from "./_entry.ts";
export type { ConnectionState } from "./connection.ts";
export { CommandRequest } from "./command_request.ts";
export type { CommandOptions, ReplySink } from "./command_request.ts";
export { replyText, SubscriberSession } from "./subscriber_session.ts";
export type { PubSubMessage, SubscriptionKind } from "./subscriber_session.ts";
export {
  CONNECTION_OPTION_NAMES,
  describeAddress,
  resolveConnectionOptions,
  VERSION,
} from "./options.ts";
export type { ConnectionOptions, ResolvedConnectionOptions } from "./options.ts";
export { camelCase, parseRedisUrl, redactUrl } from "./url.ts";
export type { UrlOptions } from "./url.ts";
export { Secret } from "./secret.ts";
export { backoffDelay, isRetryable, resolveRetryPolicy, sleep } from "./retry.ts";
export type { ErrorClass, RetryDecision, RetryPolicy } from "./retry.ts";
export { blockingAllowance, blockingTime } from "./blocking.ts";
export { checkHandshake, handshakeSteps } from "./handshake.ts";
export type { HandshakeStep } from "./handshake.ts";
export {
  retarget,
  traceableError,
  traceAcquire,
  traceConnect,
  traced,
  traceInstantAcquire,
  tracing,
} from "./tracing.ts";
export type {
  BatchTraceContext,
  CommandTraceContext,
  ConnectTraceContext,
  PoolAcquireTraceContext,
  TracedPool,
} from "./tracing.ts";
export { traceTarget, TRACING_CHANNELS } from "./trace_target.ts";
export type { TraceTarget } from "./trace_target.ts";
