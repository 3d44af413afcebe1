/**
 * What one build offers the transport selection: its socket adapters and
 * its async-local storage (see `_adapters.ts`, which the npm build swaps
 * per runtime family).
 *
 * @module
 */

import type { OpenOptions, Transport } from "./transport.ts";
import type { LargeTextDecoder } from "./large_text.ts";

/** One runtime's way to open sockets. */
export interface SocketAdapter {
  /** Whether `open` can do what the options ask (absent: always). */
  canOpen?(options: OpenOptions): boolean;
  /** Opens a transport. */
  open(options: OpenOptions): Promise<Transport>;
}

/** The socket adapters a build may carry. */
export type AdapterName = "deno" | "node" | "cloudflare";

/**
 * Async-local storage: a value that follows a call through every `await`
 * and callback started inside {@linkcode AsyncContext.run}.
 *
 * @example
 * ```ts
 * import { type AsyncContext, createAsyncContext } from "./mod.ts";
 *
 * const context: AsyncContext<string> | undefined = createAsyncContext<string>();
 * context?.run("job-1", async () => {
 *   await Promise.resolve();
 *   console.log(context.getStore()); // "job-1"
 * });
 * ```
 */
export interface AsyncContext<T> {
  /** Runs `fn` with `value` as the store of every async step it starts. */
  run<R>(value: T, fn: () => R): R;
  /** The store of the running `run` call, or `undefined` outside one. */
  getStore(): T | undefined;
}

/** The runtime's `AsyncLocalStorage` class, as far as redwire uses it. */
export interface AsyncLocalStorageClass {
  new <T>(): AsyncContext<T>;
  snapshot?(): <R>(fn: () => R) => R;
}

/** The adapters by name, each loaded on first use (a missing one is not part of this build), and the async-local storage lookup. */
export type AdapterTable = Partial<Record<AdapterName, () => Promise<SocketAdapter>>> & {
  /** Finds the runtime's `AsyncLocalStorage`; absent or `undefined` where there is none. */
  asyncLocalStorage?: () => AsyncLocalStorageClass | undefined;
  /** Finds `node:diagnostics_channel`; absent or `undefined` where there is none. */
  diagnosticsChannel?: () => unknown;
  /** Builds a decoder for big text payloads that beats `TextDecoder` on this runtime; absent where none does. */
  largeTextDecoder?: () => LargeTextDecoder | undefined;
};
