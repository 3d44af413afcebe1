/**
 * The runtime's `node:diagnostics_channel` tracing channels, found on first
 * use and synchronously, or nothing where the runtime has none (browsers,
 * workerd without `nodejs_compat`): publishing then does nothing at all.
 *
 * @module
 */

import { ADAPTERS } from "./_adapters.ts";

/**
 * One named channel of a tracing channel, typed structurally so no
 * runtime's declarations are needed.
 */
export interface DiagnosticsChannel {
  /** Whether anyone listens; publishers check it before building a message. */
  readonly hasSubscribers: boolean;
  /** Sends `message` to every subscriber, synchronously. */
  publish(message: unknown): void;
}

/**
 * Handlers of a tracing channel's five events; each gets the context object.
 *
 * @example
 * ```ts
 * import type { TracingHandlers } from "./diagnostics.ts";
 *
 * const handlers: TracingHandlers<{ command: string }> = {
 *   start: (context) => console.log("start", context.command),
 * };
 * ```
 */
export interface TracingHandlers<C> {
  /** Before the work starts. */
  start?(context: C): void;
  /** When the synchronous part returned. */
  end?(context: C): void;
  /** When the asynchronous result is in (`context.result` or `context.error` set). */
  asyncStart?(context: C): void;
  /** After `asyncStart`'s continuation. */
  asyncEnd?(context: C): void;
  /** When the work failed (`context.error` set). */
  error?(context: C): void;
}

/**
 * A `node:diagnostics_channel` TracingChannel, typed structurally.
 *
 * @example
 * ```ts
 * import { tracingChannel } from "./diagnostics.ts";
 *
 * const channel = tracingChannel<{ command: string }>("redwire:command");
 * channel?.subscribe({ asyncEnd: (context) => console.log(context.command) });
 * ```
 */
export interface TracingChannel<C extends object> {
  /** Whether any of the five channels has a subscriber. */
  readonly hasSubscribers: boolean;
  /** Published before the work starts. */
  readonly start: DiagnosticsChannel;
  /** Published when the synchronous part returned. */
  readonly end: DiagnosticsChannel;
  /** Published when the asynchronous result is in. */
  readonly asyncStart: DiagnosticsChannel;
  /** Published after `asyncStart`. */
  readonly asyncEnd: DiagnosticsChannel;
  /** Published when the work failed. */
  readonly error: DiagnosticsChannel;
  /** Runs `fn`, publishing start / end / asyncStart / asyncEnd (and error) around its promise. */
  tracePromise<T>(fn: () => Promise<T>, context: C): Promise<T>;
  /** Subscribes handlers to the five channels. */
  subscribe(handlers: TracingHandlers<C>): void;
  /** Removes handlers given to `subscribe`. */
  unsubscribe(handlers: TracingHandlers<C>): void;
}

interface DiagnosticsModule {
  tracingChannel<C extends object>(name: string): TracingChannel<C>;
}

let module: DiagnosticsModule | null | undefined;

function load(): DiagnosticsModule | null {
  // The build's adapter table looks the module up synchronously (no static
  // node: import, no top-level await); the browser / worker build of the
  // npm package has no lookup at all, so its bundles name no node: module.
  // Runtimes without it simply publish nothing.
  try {
    const found = ADAPTERS.diagnosticsChannel?.() as DiagnosticsModule | undefined;
    return typeof found?.tracingChannel === "function" ? found : null;
  } catch {
    return null;
  }
}

/**
 * The tracing channel of this name, or `undefined` where the runtime has no
 * `node:diagnostics_channel`. Every call with one name returns channels that
 * share subscribers (they are global to the process).
 *
 * @param name The channel name, such as `"redwire:command"`.
 * @returns The channel, or `undefined`.
 *
 * @example
 * ```ts
 * import { tracingChannel } from "./diagnostics.ts";
 *
 * const channel = tracingChannel<{ command: string }>("redwire:command");
 * if (channel?.hasSubscribers) channel.start.publish({ command: "PING" });
 * ```
 */
export function tracingChannel<C extends object>(name: string): TracingChannel<C> | undefined {
  if (module === undefined) module = load();
  const channel = module?.tracingChannel<C>(name);
  // Bun's TracingChannel lacks hasSubscribers (Node 20 has it): derive it
  // from its five channels, or nothing would ever be published there.
  if (channel !== undefined && typeof channel.hasSubscribers !== "boolean") {
    const parts = [channel.start, channel.end, channel.asyncStart, channel.asyncEnd, channel.error];
    Object.defineProperty(channel, "hasSubscribers", {
      get: () => parts.some((part) => part.hasSubscribers),
    });
  }
  return channel;
}
