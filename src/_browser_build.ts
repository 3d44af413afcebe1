/**
 * Private: the error of what the npm package's browser build (the
 * `browser`, `worker` and `edge-light` export conditions) leaves out. Only
 * that build's twins of the cluster and Sentinel modules use it
 * (scripts/twins/cluster_web.ts, scripts/twins/sentinel_web.ts): these
 * runtimes reach Redis through a WebSocket bridge, which reaches one server.
 *
 * @module
 */

/**
 * The TypeError a browser-build stand-in throws when used.
 *
 * @param what What was used, such as `"RedisCluster"`.
 * @param reaches What a bridge cannot reach, such as `"a cluster"`.
 * @param advice What to do instead.
 * @returns The error.
 */
export function notInBrowserBuild(what: string, reaches: string, advice: string): TypeError {
  return new TypeError(
    `${what} is not in the browser build of @redwire/redis (the browser, worker and edge-light ` +
      "export conditions): these runtimes reach Redis through a WebSocket bridge " +
      `(webSocketTransport + serveBridge), and a bridge reaches one server, not ${reaches}. ${advice}`,
  );
}
