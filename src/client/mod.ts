/**
 * The Redis client, pipelines, transactions and pub/sub.
 *
 * @module
 */
export { Redis, Transaction } from "./redis.ts";
export type { CloseOptions, RedisOptions } from "./redis.ts";
export { Multi, Pipeline, QueuedCommands } from "./pipeline.ts";
export type { ConnectionRunner, ExecOptions, QueuedCommand } from "./pipeline.ts";
export { Subscriber, Subscription } from "./pubsub.ts";
export type { MessageHandler, SubscriptionKind } from "./pubsub.ts";
export { Dispatcher } from "./dispatcher.ts";
export type { DispatchRetry, LeaseSource } from "./dispatcher.ts";
export { DeferredReply } from "./deferred.ts";
export {
  CommandBase,
  Commands,
  HashListCommands,
  KeyStringCommands,
  SetCommands,
} from "./commands/mod.ts";
export type {
  ClientKillFilter,
  RedisKey,
  Result,
  ResultKind,
  ResultKinds,
  ScanOptions,
  ScoredMember,
  SetOptions,
  Transform,
} from "./commands/mod.ts";
