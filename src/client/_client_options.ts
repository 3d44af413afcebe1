/** The client's option names, so a misspelt option is a TypeError, not a silent default. */
import { describeValue, unknownOption } from "./commands/mod.ts";
import { CONNECTION_OPTION_NAMES } from "../connection/mod.ts";
import { POOL_OWN_OPTION_NAMES } from "../pool/mod.ts";

/** The name of every pool and connection option (what every node of a cluster takes). */
export const POOL_OPTION_NAMES: readonly string[] = [
  ...new Set([...CONNECTION_OPTION_NAMES, ...POOL_OWN_OPTION_NAMES]),
];

/** Every option `new Redis()` takes. */
const NAMES = [
  ...POOL_OPTION_NAMES,
  ...["pool", "autoCloseConnectionPool", "url", "maxQueuedCommands", "maxQueuedBytes"],
];

/**
 * Throws a TypeError unless `options` is an object whose keys are all client
 * options; the message names the closest known option.
 */
export function checkClientOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `new Redis() takes a URL, a port, or an options object, not ${describeValue(options)}`,
    );
  }
  checkOptionNames(options, NAMES, "new Redis()");
}

/**
 * Throws a TypeError naming the first key of `options` not in `names`, and
 * the closest known option.
 *
 * @param options The options given.
 * @param names Every option the caller takes.
 * @param caller What the error names, as `"new Redis()"`.
 */
export function checkOptionNames(
  options: object,
  names: readonly string[],
  caller: string,
): void {
  for (const key in options) {
    if (!names.includes(key)) throw unknownOption(caller, key, names, false);
  }
}
