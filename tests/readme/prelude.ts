/**
 * Loaded before each README block by run_blocks.ts: points every TCP
 * connection the block makes at the throwaway servers of the run, so the
 * README can name realistic hosts (`10.0.0.5`, `users-host`) while CI runs
 * it for real. Ports 26379 go to the sentinel, 7000 to a cluster node, every
 * other README port to the Redis server; any other port (a master the
 * sentinel or a node the cluster announces) is left as it is.
 *
 * @module
 */

const redisPort = Number(Deno.env.get("README_REDIS_PORT"));
const sentinelPort = Number(Deno.env.get("README_SENTINEL_PORT"));
const clusterPort = Number(Deno.env.get("README_CLUSTER_PORT"));
const README_PORTS = new Set([6379, 6380]);

const connect = Deno.connect;
const redirect = ((options: Deno.ConnectOptions | Deno.UnixConnectOptions) => {
  if ("path" in options) {
    return connect({ hostname: "127.0.0.1", port: redisPort });
  }
  const port = options.port === 26379 && sentinelPort
    ? sentinelPort
    : options.port === 7000 && clusterPort
    ? clusterPort
    : README_PORTS.has(options.port)
    ? redisPort
    : options.port;
  return connect({ ...options, hostname: "127.0.0.1", port });
}) as typeof Deno.connect;
Object.defineProperty(Deno, "connect", { value: redirect });
