/**
 * The npm build's twin of `src/client/_sanitize.ts` for the `browser`,
 * `worker` and `edge-light` conditions: without the command table (17 KiB
 * minified). These runtimes have no diagnostics channel, so no trace is ever
 * published and this never runs; if it did, it would keep the command name
 * and hide every argument, as the original does for arguments that are not
 * keys.
 *
 * @module
 */

import type { RedisArgument } from "../protocol/mod.ts";

/** The command name and a `"?"` for every argument. */
export function sanitizeCommand(
  args: readonly RedisArgument[],
): { command: string; args: string[] } {
  const first = args[0];
  const command = (first instanceof Uint8Array ? new TextDecoder().decode(first) : String(first))
    .toUpperCase();
  return { command, args: [command, ...args.slice(1).map(() => "?")] };
}
