/**
 * The connection context, as in RQ: code that needs a client and is given
 * none takes the current one — from `withConnection`, then the explicit
 * stack of `pushConnection`, then the global default of `useConnection`.
 *
 * @module
 */
import type { Redis } from "../client/mod.ts";
import type { RedisCluster } from "../cluster/mod.ts";
import { NoConnectionError, RedisError } from "../errors.ts";
import { createAsyncContext } from "../transport/mod.ts";
import { type ContextFrame, ContextScope } from "./_context_scope.ts";

const scope = new ContextScope<Redis | RedisCluster>(
  createAsyncContext<ContextFrame<Redis | RedisCluster>>(),
  () =>
    new RedisError(
      "withConnection() refused: another withConnection() run is still pending, and this runtime has no " +
        "AsyncLocalStorage to keep them apart (browsers, Vercel Edge, Cloudflare Workers without nodejs_compat). " +
        "Pass the client explicitly, or finish one run before starting the next",
    ),
);
const stack: (Redis | RedisCluster)[] = [];
let globalDefault: Redis | RedisCluster | undefined;

function checkClient(client: unknown, caller: string): void {
  if (client === undefined || client === null || typeof client !== "object") {
    throw new TypeError(`${caller} takes a Redis client, not ${String(client)}`);
  }
}

/**
 * Makes `client` the current connection for everything `fn` does, awaits
 * and callbacks included; the outer one is current again when `fn` settles,
 * also when it throws. Concurrent calls never see each other's client.
 *
 * This rests on the runtime's `AsyncLocalStorage`: Deno, Node 20.16+, Bun,
 * and Cloudflare Workers with `nodejs_compat` isolate concurrent runs.
 * Browsers, the Vercel Edge Runtime and Workers without `nodejs_compat`
 * have none: there a plain stack stands in, and a `withConnection` call
 * made while an asynchronous run is pending throws instead of sharing the
 * stack (two requests would see each other's client). Nest runs only
 * synchronously there, or pass clients explicitly.
 *
 * @param client The client to make current.
 * @param fn Runs with `client` current; receives it too.
 * @returns What `fn` returns.
 * @throws {TypeError} If `client` is not a client.
 * @throws {RedisError} Without AsyncLocalStorage, if another run is pending.
 * @throws What `fn` throws.
 *
 * @example Nested contexts
 * ```ts
 * import { currentConnection, Redis, withConnection } from "@redwire/redis";
 *
 * await using local = new Redis("redis://localhost:6379");
 * await using remote = new Redis("redis://localhost:6380");
 * await withConnection(local, async () => {
 *   await withConnection(remote, async () => {
 *     console.log(currentConnection() === remote); // true
 *   });
 *   console.log(currentConnection() === local); // true
 * });
 * ```
 */
export function withConnection<C extends Redis | RedisCluster, R>(
  client: C,
  fn: (client: C) => R,
): R {
  checkClient(client, "withConnection()");
  return scope.run(client, () => fn(client));
}

/**
 * Pushes a client on the explicit connection stack: the current connection
 * outside any `withConnection`, until `popConnection()`. Meant for test
 * set-up, where a callback cannot wrap the code.
 *
 * @param client The client to make current.
 * @throws {TypeError} If `client` is not a client.
 *
 * @example Test set-up
 * ```ts
 * import { popConnection, pushConnection, Redis } from "@redwire/redis";
 *
 * function setUp(): void {
 *   pushConnection(new Redis("redis://localhost:6379"));
 * }
 * async function tearDown(): Promise<void> {
 *   await popConnection().close();
 * }
 * ```
 */
export function pushConnection(client: Redis | RedisCluster): void {
  checkClient(client, "pushConnection()");
  stack.push(client);
}

/**
 * Pops the client pushed last by {@linkcode pushConnection}.
 *
 * @typeParam C The kind of client the stack holds (`Redis` unless you push clusters).
 * @returns The popped client.
 * @throws {RangeError} If the stack is empty (pushes and pops must pair).
 *
 * @example Popping what was pushed
 * ```ts
 * import { popConnection, pushConnection, Redis } from "@redwire/redis";
 *
 * pushConnection(new Redis());
 * await popConnection().close();
 * ```
 */
export function popConnection<C extends Redis | RedisCluster = Redis>(): C {
  const client = stack.pop();
  if (client === undefined) {
    throw new RangeError(
      "popConnection(): the connection stack is empty; each popConnection() needs an earlier pushConnection()",
    );
  }
  return client as C;
}

/**
 * Sets the global default connection, used when no client is given, no
 * `withConnection` is running and the stack is empty. Discouraged, as in
 * RQ: it is one client for the whole process, and any code can change it;
 * prefer passing clients or `withConnection`.
 *
 * @param client The new default, or `null` to clear it.
 * @returns The previous default, to restore later.
 * @throws {TypeError} If `client` is neither a client nor `null`.
 *
 * @example A global default
 * ```ts
 * import { Redis, resolveConnection, useConnection } from "@redwire/redis";
 *
 * useConnection(new Redis("redis://localhost:6379"));
 * await resolveConnection().ping();
 * ```
 */
export function useConnection(
  client: Redis | RedisCluster | null,
): Redis | RedisCluster | undefined {
  if (client !== null) checkClient(client, "useConnection()");
  const previous = globalDefault;
  globalDefault = client ?? undefined;
  return previous;
}

/**
 * The current connection: the innermost `withConnection`'s client, else
 * the top of the push stack, else the global default.
 *
 * @typeParam C The kind of client the context holds (`Redis` unless you put clusters there).
 * @returns The client, or `undefined` when there is none.
 *
 * @example Reading the current connection
 * ```ts
 * import { currentConnection } from "@redwire/redis";
 *
 * console.log(currentConnection() === undefined); // true, when none is set
 * ```
 */
export function currentConnection<C extends Redis | RedisCluster = Redis>(): C | undefined {
  // The context holds what the application put in; C names which kind (Redis by default).
  return (scope.get() ?? stack.at(-1) ?? globalDefault) as C | undefined;
}

/**
 * The client to use: `explicit` when given, else the current connection.
 * Classes that take an optional client (like RQ's `Queue`) call this.
 *
 * @param explicit A client passed by the caller.
 * @typeParam C The kind of client expected (`Redis` unless you put clusters in the context).
 * @returns `explicit ?? currentConnection()`.
 * @throws {NoConnectionError} If no client is given and none is current; the
 *   message says how to provide one.
 *
 * @example A queue that takes its connection from the context
 * ```ts
 * import { type Redis, resolveConnection } from "@redwire/redis";
 *
 * class Queue {
 *   readonly connection: Redis;
 *   constructor(readonly name: string, options: { connection?: Redis } = {}) {
 *     this.connection = resolveConnection(options.connection);
 *   }
 * }
 * ```
 */
export function resolveConnection<C extends Redis | RedisCluster = Redis>(
  explicit?: C | null,
): C {
  const client = explicit ?? currentConnection<C>();
  if (client !== undefined) return client;
  throw new NoConnectionError(
    "No Redis connection: pass a client explicitly, run the code inside " +
      "withConnection(client, fn), call pushConnection(client), or set a default with useConnection(client)",
  );
}
