/**
 * Transports: the byte-stream seam between connections and runtimes, the
 * adapter chosen for the running runtime, and its async-local storage.
 *
 * @example Opening the default transport
 * ```ts
 * import { defaultTransport } from "./mod.ts";
 *
 * const transport = await defaultTransport({ host: "127.0.0.1", port: 6379 });
 * transport.close();
 * ```
 *
 * @module
 */

export type { OpenOptions, TlsOptions, Transport, TransportFactory } from "./transport.ts";
export { createAsyncContext, defaultTransport, largeTextDecoder } from "./select.ts";
export type { LargeTextDecoder } from "./large_text.ts";
export type { AsyncContext } from "./adapter.ts";
export { tracingChannel } from "./diagnostics.ts";
export type { DiagnosticsChannel, TracingChannel, TracingHandlers } from "./diagnostics.ts";
export { webSocketTransport } from "./websocket.ts";
export type { WebSocketTransportOptions } from "./websocket.ts";
export type {
  WebSocketClientOptions,
  WebSocketConstructor,
  WebSocketEvent,
  WebSocketLike,
} from "./websocket_types.ts";
