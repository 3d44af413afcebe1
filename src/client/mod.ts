/**
 * The Redis client, pipelines, transactions and pub/sub.
 *
 * @module
 */
export { Redis, Transaction } from "./redis.ts";
export type { CloseOptions, Decoded, RedisOptions } from "./redis.ts";
export { Multi, Pipeline, QueuedCommands } from "./pipeline.ts";
export type {
  ConnectionRunner,
  ExecOptions,
  MultiChain,
  PipelineChain,
  SettledReplies,
} from "./pipeline.ts";
export { Sentinel } from "./sentinel.ts";
export { Subscriber, Subscription } from "./pubsub.ts";
export type { SubscriberHooks } from "./pubsub.ts";
export { ClientEvents } from "./events.ts";
export { checkOptionNames, POOL_OPTION_NAMES } from "./_client_options.ts";
export { traceBatch } from "./_trace.ts";
export type { ClientEventListener, ClientEventMap, ClientStatus } from "./events.ts";
export type { MessageHandler } from "./pubsub.ts";
export type { SubscriptionKind } from "../connection/mod.ts";
export { Dispatcher } from "./dispatcher.ts";
export type { DispatchRetry, LeaseSource } from "./dispatcher.ts";
export { DeferredReply } from "./deferred.ts";
export { ClientCommands } from "./commands/iterators.ts";
export {
  asIs,
  checkArguments,
  CommandBase,
  commandName,
  Commands,
  DEDICATED_COMMANDS,
  retryOnNoScript,
  Script,
} from "./commands/mod.ts";
export type * from "./commands/mod.ts";
