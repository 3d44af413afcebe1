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
// The contract: what a user constructs, calls, catches or writes in a type
// annotation. tests/exports.test.ts keeps this list; a new export is a decision.

export {
  DEDICATED_COMMANDS,
  DeferredReply,
  Multi,
  Pipeline,
  Redis,
  Sentinel,
  Subscription,
  Transaction,
} from "./src/client/mod.ts";
export type {
  AutoClaimResult,
  BitFieldOperation,
  BitRange,
  BlockingOptions,
  Bulk,
  ClientEventListener,
  ClientEventMap,
  ClientKillFilter,
  ClientStatus,
  ClientTrackingOptions,
  CloseOptions,
  ClusterShard,
  CommandInfo,
  CopyOptions,
  Decoded,
  ExecOptions,
  ExpireOptions,
  FunctionLibrary,
  GeoFrom,
  GeoMember,
  GeoPosition,
  GeoSearchOptions,
  GeoSearchResult,
  GeoShape,
  GeoUnit,
  GetExOptions,
  HashFields,
  KeyElements,
  KeyMembers,
  KeyScored,
  LatencyEvent,
  LcsMatches,
  LcsOptions,
  Limit,
  ListSide,
  LposOptions,
  MessageHandler,
  MigrateOptions,
  PendingEntry,
  PendingSummary,
  RedisKey,
  RedisOptions,
  RegisteredScript,
  RestoreOptions,
  Result,
  ResultKind,
  ResultKinds,
  ScanMatchOptions,
  ScanOptions,
  ScoreBound,
  ScoredMember,
  SetOptions,
  SettledReplies,
  ShutdownOptions,
  SlowlogEntry,
  SortOptions,
  StreamConsumerInfo,
  StreamEntry,
  StreamGroupInfo,
  StreamIds,
  StreamInfo,
  StreamMessages,
  SubscriptionKind,
  Transform,
  XAddOptions,
  XClaimOptions,
  XReadOptions,
  XTrimOptions,
  ZAddOptions,
  ZCombineOptions,
  ZRangeOptions,
} from "./src/client/mod.ts";
// The command sets are the shape of every front end's methods: types only, so
// users can annotate "something with commands" but never extend or construct one.
export type {
  Chain,
  ClientCommands,
  Commands,
  MultiChain,
  PipelineChain,
  QueuedCommands,
  Script,
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
  PooledConnection,
  PoolEventMap,
  PoolLogger,
  PoolOptions,
  PoolStats,
  SemaphoreOptions,
  WaitSummary,
} from "./src/pool/mod.ts";
export { parseSentinelUrl, SentinelConnectionPool } from "./src/sentinel/mod.ts";
export { keySlot, RedisCluster } from "./src/cluster/mod.ts";
export type {
  AddressMap,
  ClusterMulti,
  ClusterPipeline,
  ClusterStats,
  LoadBalancing,
  NodeRole,
  RedisClusterOptions,
} from "./src/cluster/mod.ts";
export type {
  FailoverEvent,
  FailoverListener,
  SentinelAddress,
  SentinelClientOptions,
  SentinelConfig,
  SentinelDiscovery,
  SentinelOptions,
  SentinelPoolOptions,
  SentinelSource,
  SentinelUrl,
} from "./src/sentinel/mod.ts";
export {
  Connection,
  parseRedisUrl,
  redactUrl,
  Secret,
  TRACING_CHANNELS,
  VERSION,
} from "./src/connection/mod.ts";
export type {
  BatchTraceContext,
  CommandTraceContext,
  ConnectTraceContext,
  PoolAcquireTraceContext,
  TraceTarget,
} from "./src/connection/mod.ts";
export type {
  CommandOptions,
  ConnectionOptions,
  ConnectionState,
  ErrorClass,
  ResolvedConnectionOptions,
  RetryPolicy,
  UrlOptions,
} from "./src/connection/mod.ts";
export { Decoder, encodeCommand, encodeCommands } from "./src/protocol/mod.ts";
export type { DecoderOptions, FrameHandler, RedisArgument, Reply } from "./src/protocol/mod.ts";
export { defaultTransport, webSocketTransport } from "./src/transport/mod.ts";
export type {
  OpenOptions,
  TlsOptions,
  Transport,
  TransportFactory,
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
  CrossSlotError,
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
} from "./src/errors.ts";
export type { ConnectionErrorOptions, SentinelAnswer } from "./src/errors.ts";
export type { Clock } from "./src/clock.ts";
