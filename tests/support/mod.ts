/**
 * Test support: real `redis-server` processes, certificates and a fake peer.
 * Runs on Deno and Node.
 *
 * @example
 * ```ts
 * import { startRedis } from "./mod.ts";
 *
 * const server = await startRedis();
 * await server.stop();
 * ```
 *
 * @module
 */

export { freePort, startRedis } from "./redis_server.ts";
export type { AclUser, RedisServer, StartRedisOptions } from "./redis_server.ts";
export { makeCertificates } from "./certs.ts";
export type { CertificateFile, Certificates } from "./certs.ts";
export { reply, replyOnData, reset, resetOnData, stall, startFakePeer } from "./fake_peer.ts";
export type { FakePeer } from "./fake_peer.ts";
export {
  type RespValue,
  type SentinelTopology,
  type SentinelTopologyOptions,
  startSentinelTopology,
  startWriteLoad,
  type WaitForMasterOptions,
  type WriteLoad,
  type WriteLoadReport,
} from "./sentinel_topology.ts";
export { bounded, eventually, rejection, seededRandom, sleep } from "./wait.ts";
