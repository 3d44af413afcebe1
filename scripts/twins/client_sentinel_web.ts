/**
 * The npm build's twin of `src/client/sentinel.ts` for the `browser`,
 * `worker` and `edge-light` conditions, where Sentinel cannot work (see
 * scripts/twins/sentinel_web.ts): `Sentinel` keeps its name and type (from
 * the original), and its constructor and statics, inherited from that
 * build's `SentinelDiscovery`, throw a TypeError saying so. No instance can
 * exist, so the methods that make clients are left out.
 *
 * @module
 */
import { SentinelDiscovery } from "../sentinel/mod.ts";

/** Redis Sentinel: not in this build (see the module doc). */
export class Sentinel extends SentinelDiscovery {}
