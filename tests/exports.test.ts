/**
 * The public surface is the contract (DESIGN.md, "Public API"): this file keeps
 * the list of every name `mod.ts` exports. A new export fails here until it is
 * added below, so each one is a decision, made in review.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as redwire from "../mod.ts";

/** Values: what a user constructs, calls or catches. */
const VALUES = [
  "AuthReplyError",
  "AuthenticationError",
  "BlockingConnectionPool",
  "BusyError",
  "BusyLoadingError",
  "Connection",
  "ConnectionError",
  "ConnectionPool",
  "ConnectionRegistry",
  "DEDICATED_COMMANDS",
  "Decoder",
  "DeferredReply",
  "Lease",
  "MasterNotFoundError",
  "Multi",
  "NamedPipeline",
  "NoConnectionError",
  "NoPermissionError",
  "NoScriptError",
  "OverflowError",
  "Permit",
  "Pipeline",
  "PipelineError",
  "PoolEvent",
  "PoolExhaustedError",
  "PoolTimeoutError",
  "ProtocolError",
  "ReadOnlyError",
  "RedirectionError",
  "Redis",
  "RedisError",
  "ReplicaNotFoundError",
  "ReplyError",
  "Secret",
  "Semaphore",
  "Sentinel",
  "SentinelConnectionPool",
  "Subscription",
  "TimeoutError",
  "Transaction",
  "VERSION",
  "connections",
  "currentConnection",
  "defaultTransport",
  "encodeCommand",
  "encodeCommands",
  "parseRedisUrl",
  "parseSentinelUrl",
  "pipeline",
  "popConnection",
  "pushConnection",
  "redactUrl",
  "resolveConnection",
  "useConnection",
  "webSocketTransport",
  "withConnection",
];

/** Types only: what a user writes in a type annotation. */
const TYPES = [
  "AcquireOptions",
  "AnyEventListener",
  "AutoClaimResult",
  "BitFieldOperation",
  "BitRange",
  "BlockingOptions",
  "Bulk",
  "Chain",
  "ClientCommands",
  "ClientKillFilter",
  "CloseOptions",
  "Clock",
  "ClientTrackingOptions",
  "ClusterShard",
  "CommandBase",
  "CommandInfo",
  "CommandOptions",
  "Commands",
  "ConnectOptions",
  "ConnectionErrorOptions",
  "ConnectionOptions",
  "ConnectionState",
  "CopyOptions",
  "Decoded",
  "DecoderOptions",
  "DestroyReason",
  "DisconnectOptions",
  "ErrorClass",
  "ExecOptions",
  "ExpireOptions",
  "FailoverEvent",
  "FailoverListener",
  "FrameHandler",
  "FunctionLibrary",
  "GeoFrom",
  "GeoMember",
  "GeoPosition",
  "GeoSearchOptions",
  "GeoSearchResult",
  "GeoShape",
  "GeoUnit",
  "GetExOptions",
  "HashFields",
  "KeyElements",
  "KeyMembers",
  "KeyScored",
  "LatencyEvent",
  "LcsMatches",
  "LcsOptions",
  "Limit",
  "ListSide",
  "ListenerOptions",
  "LposOptions",
  "MessageHandler",
  "MigrateOptions",
  "MultiChain",
  "OpenOptions",
  "PendingEntry",
  "PendingSummary",
  "PipelineChain",
  "PipelineExecOptions",
  "PipelineOptions",
  "PoolEventMap",
  "PooledConnection",
  "PoolLogger",
  "PoolOptions",
  "PoolStats",
  "QueuedCommands",
  "RedisArgument",
  "RedisKey",
  "RedisOptions",
  "RegisteredScript",
  "Reply",
  "ResolvedConnectionOptions",
  "RestoreOptions",
  "Result",
  "ResultKind",
  "ResultKinds",
  "RetryPolicy",
  "ScanMatchOptions",
  "ScanOptions",
  "ScoreBound",
  "ScoredMember",
  "Script",
  "SemaphoreOptions",
  "SentinelAddress",
  "SentinelAnswer",
  "SentinelDiscovery",
  "SentinelClientOptions",
  "SentinelConfig",
  "SentinelOptions",
  "SentinelPoolOptions",
  "SentinelSource",
  "SentinelUrl",
  "ServerFailure",
  "SetOptions",
  "SettledReplies",
  "ShutdownOptions",
  "SlowlogEntry",
  "SortOptions",
  "StreamConsumerInfo",
  "StreamEntry",
  "StreamGroupInfo",
  "StreamIds",
  "StreamInfo",
  "StreamMessages",
  "SubscriptionKind",
  "TlsOptions",
  "Transform",
  "Transport",
  "TransportFactory",
  "UrlOptions",
  "WaitSummary",
  "WebSocketClientOptions",
  "WebSocketConstructor",
  "WebSocketEvent",
  "WebSocketLike",
  "WebSocketTransportOptions",
  "XAddOptions",
  "XClaimOptions",
  "XReadOptions",
  "XTrimOptions",
  "ZAddOptions",
  "ZCombineOptions",
  "ZRangeOptions",
];

/** Internals that were once exported by mistake; none may come back. */
const INTERNALS = [
  "Dispatcher",
  "handshakeSteps",
  "checkHandshake",
  "blockingTime",
  "sleep",
  "backoffDelay",
  "isRetryable",
  "resolveRetryPolicy",
  "resolveConnectionOptions",
  "describeAddress",
  "toReplyError",
  "ConnectionRunner",
  "LeaseSource",
  "DispatchRetry",
  "HandshakeStep",
  "RetryDecision",
  "QueuedCommand",
  "Subscriber",
  "CommandBase",
  "Commands",
  "KeyStringCommands",
  "HashListCommands",
  "SetCommands",
  "QueuedCommands",
  "registerSentinelClient",
  "sentinelClientOptions",
  "createAsyncContext",
];

/** The `export type { ... }` names of mod.ts, read from its source (Deno only). */
function typeExports(): string[] | undefined {
  const path = "mod.ts";
  if (!existsSync(path) || typeof (globalThis as { Deno?: unknown }).Deno === "undefined") {
    return undefined;
  }
  const source = readFileSync(path, "utf8");
  const names: string[] = [];
  for (const block of source.matchAll(/export type \{([^}]*)\}/g)) {
    names.push(...block[1]!.split(",").map((name) => name.trim()).filter(Boolean));
  }
  return names.sort();
}

describe("mod.ts", () => {
  it("exports exactly the listed values", () => {
    assert.deepEqual(Object.keys(redwire).sort(), [...VALUES].sort());
  });

  it("exports exactly the listed types", (t) => {
    const types = typeExports();
    if (types === undefined) return t.skip("reads mod.ts's source: Deno from the repository root");
    assert.deepEqual(types, [...TYPES].sort());
  });

  it("exports none of the internals as a value", () => {
    const leaked = INTERNALS.filter((name) => name in redwire);
    assert.deepEqual(leaked, []);
  });
});
