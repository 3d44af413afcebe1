/**
 * Clean-up that runs however the test process dies. `deno test` fires no
 * `exit` event and a SIGKILL fires none anywhere, so a small `sh` reads a
 * pipe from this process and acts when the pipe closes.
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { Socket } from "node:net";

/** A running watchdog started by {@linkcode startWatchdog}. */
export interface Watchdog {
  /** Sends one line; the script sees the last line sent as `$last`. */
  tell(line: string): void;
  /** Stops the watchdog without running its script. */
  cancel(): void;
}

/**
 * Starts `sh` that waits for this process to die, then runs `script`.
 *
 * @param script Shell commands run at this process's death; `$last` holds
 * the last line passed to `tell`, or is empty.
 * @returns The watchdog; cancel it once the clean-up is done another way.
 *
 * @example
 * ```ts
 * import { shellQuote, startWatchdog } from "./_watchdog.ts";
 *
 * const watchdog = startWatchdog(`rm -rf ${shellQuote("/tmp/scratch")}`);
 * watchdog.cancel();
 * ```
 */
export function startWatchdog(script: string): Watchdog {
  const loop = 'last=; while IFS= read -r line; do last="$line"; done';
  const child = spawn("sh", ["-c", `${loop}; ${script}`], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  // Neither the watchdog nor its pipe may keep the test process alive.
  child.unref();
  const stdin = child.stdin as Socket | null;
  stdin?.on("error", () => {});
  stdin?.unref?.();
  return {
    tell: (line) => void stdin?.write(`${line}\n`),
    cancel: () => void child.kill("SIGKILL"),
  };
}

/**
 * Quotes a value as one `sh` word.
 *
 * @param value Any string, such as a path.
 * @returns The value in single quotes, inner quotes escaped.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./_watchdog.ts";
 *
 * console.log(shellQuote("it's")); // 'it'\''s'
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
