/**
 * The error of a default transport that has no socket adapter for the
 * running runtime, shared by `select.ts` and the npm build's web twin of it
 * (scripts/twins/select_web.ts), so both say the same.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { OpenOptions } from "./transport.ts";
import type { RuntimeKind } from "./runtime.ts";

/**
 * Says that this runtime, or this build of redwire, cannot open a socket,
 * and how to reach Redis through the WebSocket bridge instead.
 *
 * @param runtime The running runtime.
 * @param hasSockets Whether the runtime has a socket API (that this build lacks).
 * @param options Where the connection was to go.
 * @returns The error the first command fails with.
 */
export function noSocketApi(
  runtime: RuntimeKind,
  hasSockets: boolean,
  options: OpenOptions,
): ConnectionError {
  const where = options.path ?? `${options.host}:${options.port}`;
  // A runtime with sockets whose bundle was built for the web (a bundler
  // that did not pass the `node` / `workerd` export condition).
  const why = hasSockets
    ? `this build of redwire (the browser / worker one, chosen by the bundler's export conditions) has no socket adapter for ${runtime}; bundle with the "${runtime}" condition, or`
    : `this runtime (${runtime}) offers redwire no TCP socket API;`;
  return new ConnectionError(
    `Cannot connect to ${where}: ${why} ` +
      'reach Redis through a redwire bridge: new Redis({ transport: webSocketTransport("wss://your-bridge/redis", { token }) }) ' +
      "with serveBridge() from @redwire/redis/bridge running next to Redis",
  );
}
