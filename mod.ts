/**
 * redwire: a Redis client whose connections never leak, never hang and fail
 * over by themselves. Commands are auto-pipelined over a connection pool.
 *
 * @example Quick start
 * ```ts
 * import { Redis } from "@redwire/redis";
 *
 * await using redis = new Redis("redis://localhost:6379");
 * await redis.set("greeting", "hello");
 * console.log(await redis.get("greeting")); // "hello"
 * ```
 *
 * @module
 */
export {
  CommandBase,
  Commands,
  DeferredReply,
  Dispatcher,
  HashListCommands,
  KeyStringCommands,
  Multi,
  Pipeline,
  QueuedCommands,
  Redis,
  SetCommands,
  Subscriber,
  Subscription,
  Transaction,
} from "./src/client/mod.ts";
export type {
  ClientKillFilter,
  ConnectionRunner,
  DispatchRetry,
  ExecOptions,
  LeaseSource,
  MessageHandler,
  QueuedCommand,
  RedisKey,
  RedisOptions,
  Result,
  ResultKind,
  ResultKinds,
  ScanOptions,
  ScoredMember,
  SetOptions,
  SubscriptionKind,
  Transform,
} from "./src/client/mod.ts";
export {
  ConnectionRegistry,
  connections,
  currentConnection,
  NamedPipeline,
  pipeline,
  PipelineError,
  popConnection,
  pushConnection,
  resolveConnection,
  useConnection,
  withConnection,
} from "./src/registry/mod.ts";
export type {
  ConnectOptions,
  PipelineExecOptions,
  PipelineOptions,
  ServerFailure,
} from "./src/registry/mod.ts";
export {
  BlockingConnectionPool,
  ConnectionPool,
  Lease,
  Permit,
  PoolEvent,
  Semaphore,
} from "./src/pool/mod.ts";
export type {
  AcquireOptions,
  AnyEventListener,
  DestroyReason,
  DisconnectOptions,
  ListenerOptions,
  PoolEventMap,
  PoolLogger,
  PoolOptions,
  PoolStats,
  SemaphoreOptions,
  WaitSummary,
} from "./src/pool/mod.ts";
export { parseSentinelUrl, Sentinel, SentinelConnectionPool } from "./src/sentinel/mod.ts";
export type {
  FailoverEvent,
  FailoverListener,
  SentinelAddress,
  SentinelClientInit,
  SentinelClientOptions,
  SentinelConfig,
  SentinelOptions,
  SentinelPoolOptions,
  SentinelUrl,
} from "./src/sentinel/mod.ts";
export {
  backoffDelay,
  blockingTime,
  checkHandshake,
  Connection,
  describeAddress,
  handshakeSteps,
  isRetryable,
  parseRedisUrl,
  redactUrl,
  resolveConnectionOptions,
  resolveRetryPolicy,
  Secret,
  sleep,
  VERSION,
} from "./src/connection/mod.ts";
export type {
  CommandOptions,
  ConnectionOptions,
  ConnectionState,
  ErrorClass,
  HandshakeStep,
  ReplySink,
  ResolvedConnectionOptions,
  RetryDecision,
  RetryPolicy,
  UrlOptions,
} from "./src/connection/mod.ts";
export { Decoder, encodeCommand, encodeCommands } from "./src/protocol/mod.ts";
export type { DecoderOptions, FrameHandler, RedisArgument, Reply } from "./src/protocol/mod.ts";
export { defaultTransport } from "./src/transport/mod.ts";
export type { OpenOptions, TlsOptions, Transport, TransportFactory } from "./src/transport/mod.ts";
export { webSocketTransport } from "./src/transport/mod.ts";
export type {
  WebSocketClientOptions,
  WebSocketConstructor,
  WebSocketEvent,
  WebSocketLike,
  WebSocketTransportOptions,
} from "./src/transport/mod.ts";
export {
  AuthenticationError,
  AuthReplyError,
  BusyError,
  BusyLoadingError,
  ConnectionError,
  MasterNotFoundError,
  NoConnectionError,
  NoPermissionError,
  NoScriptError,
  OverflowError,
  PoolExhaustedError,
  PoolTimeoutError,
  ProtocolError,
  ReadOnlyError,
  RedirectionError,
  RedisError,
  ReplicaNotFoundError,
  ReplyError,
  TimeoutError,
  toReplyError,
} from "./src/errors.ts";
export type { ConnectionErrorOptions, SentinelAnswer } from "./src/errors.ts";
