/** Geospatial commands. */
import type { RedisArgument, Reply } from "../../protocol/mod.ts";
import type { Bulk, RedisKey, Result, ResultKind } from "./_base.ts";
import { withOptional, withOptions } from "./_options.ts";
import { asIs, textOrNull, toNumber, toNumberOrNull } from "./_transforms.ts";
import { StreamCommands } from "./streams.ts";

/** A distance unit. */
export type GeoUnit = "m" | "km" | "mi" | "ft";

/**
 * A position.
 *
 * @example
 * ```ts
 * import type { GeoPosition } from "@redwire/redis";
 *
 * const paris: GeoPosition = { longitude: 2.3522, latitude: 48.8566 };
 * ```
 */
export interface GeoPosition {
  /** Degrees east. */
  longitude: number;
  /** Degrees north. */
  latitude: number;
}

/**
 * A member to GEOADD.
 *
 * @example
 * ```ts
 * import type { GeoMember } from "@redwire/redis";
 *
 * const m: GeoMember = { longitude: 2.3522, latitude: 48.8566, member: "paris" };
 * ```
 */
export interface GeoMember extends GeoPosition {
  /** The member's name. */
  member: RedisArgument;
}

/**
 * Where GEOSEARCH starts: a member or a position.
 *
 * @example
 * ```ts
 * import type { GeoFrom } from "@redwire/redis";
 *
 * const from: GeoFrom = { member: "paris" };
 * ```
 */
export type GeoFrom = { member: RedisArgument } | GeoPosition;

/**
 * The GEOSEARCH area: a circle or a box.
 *
 * @example
 * ```ts
 * import type { GeoShape } from "@redwire/redis";
 *
 * const by: GeoShape = { radius: 100, unit: "km" };
 * ```
 */
export type GeoShape = { radius: number; unit: GeoUnit } | {
  width: number;
  height: number;
  unit: GeoUnit;
};

/**
 * Options of GEOSEARCH.
 *
 * @example
 * ```ts
 * import type { GeoSearchOptions } from "@redwire/redis";
 *
 * const options: GeoSearchOptions = { order: "ASC", count: 5, withDist: true };
 * ```
 */
export interface GeoSearchOptions {
  /** Nearest first ("ASC") or farthest first. */
  order?: "ASC" | "DESC";
  /** At most this many results. */
  count?: number;
  /** With `count`: stop at the first `count` matches found. */
  any?: boolean;
  /** Include each result's distance. */
  withDist?: boolean;
  /** Include each result's geohash integer. */
  withHash?: boolean;
  /** Include each result's position. */
  withCoord?: boolean;
}

/**
 * A GEOSEARCH result with the fields asked for.
 *
 * @example
 * ```ts
 * import type { GeoSearchResult } from "@redwire/redis";
 *
 * const r: GeoSearchResult<string> = { member: "paris", distance: 1.2 };
 * ```
 */
export interface GeoSearchResult<V = string> {
  /** The member. */
  member: V;
  /** Its distance, with `withDist`. */
  distance?: number;
  /** Its geohash, with `withHash`. */
  hash?: number;
  /** Its position, with `withCoord`. */
  coordinates?: GeoPosition;
}

function searchArgs(args: RedisArgument[], from: GeoFrom, by: GeoShape): RedisArgument[] {
  if ("member" in from) args.push("FROMMEMBER", from.member);
  else args.push("FROMLONLAT", from.longitude, from.latitude);
  if ("radius" in by) args.push("BYRADIUS", by.radius, by.unit);
  else args.push("BYBOX", by.width, by.height, by.unit);
  return args;
}

function pushSearchOptions(
  args: RedisArgument[],
  command: string,
  options: object | undefined,
  extra: Record<string, string>,
): void {
  if (options === undefined) return;
  const o = options as GeoSearchOptions;
  withOptions([], options, { order: "", count: "", any: "", ...extra }, "{ count: 5 }", command);
  if (o.order !== undefined) args.push(o.order);
  if (o.count !== undefined) args.push("COUNT", o.count, ...(o.any ? ["ANY"] : []));
}

function toPosition(reply: Reply): GeoPosition | null {
  if (reply === null) return null;
  const [lon, lat] = reply as Reply[];
  return { longitude: toNumber(lon!), latitude: toNumber(lat!) };
}

function toSearchResults<V>(options: GeoSearchOptions): (reply: Reply) => GeoSearchResult<V>[] {
  return (reply) =>
    (reply as Reply[]).map((item) => {
      const [member, ...rest] = item as Reply[];
      const result: GeoSearchResult<V> = { member: member as V };
      if (options.withDist) result.distance = toNumber(rest.shift()!);
      if (options.withHash) result.hash = toNumber(rest.shift()!);
      if (options.withCoord) result.coordinates = toPosition(rest.shift()!)!;
      return result;
    });
}

/**
 * Geospatial commands (and everything before them).
 * @internal
 */
export abstract class GeoCommands<K extends ResultKind, S, V extends Bulk = string>
  extends StreamCommands<K, S, V> {
  /** GEOADD: how many members were added (changed, with `ch`). */
  geoadd(
    key: RedisKey,
    members: GeoMember | GeoMember[],
    options?: { nx?: boolean; xx?: boolean; ch?: boolean },
  ): Result<number, K, S> {
    const args = withOptions(
      ["GEOADD", key],
      options,
      { nx: true, xx: true, ch: true },
      "{ nx: true }",
    );
    for (const m of [members].flat()) args.push(m.longitude, m.latitude, m.member);
    return this.call(args, toNumber);
  }
  /** GEODIST between two members (in `unit`, default m), or null when one is missing. */
  geodist(
    key: RedisKey,
    member1: RedisArgument,
    member2: RedisArgument,
    unit?: GeoUnit,
  ): Result<number | null, K, S> {
    const args = ["GEODIST", key, member1, member2];
    return this.call(withOptional(args, unit), toNumberOrNull);
  }
  /** GEOHASH: an 11-character geohash per member, null where missing. */
  geohash(key: RedisKey, members: RedisArgument[]): Result<(string | null)[], K, S> {
    return this.call(
      ["GEOHASH", key, ...members],
      (r) => (r as Reply[]).map(textOrNull),
    );
  }
  /** GEOPOS: a position per member, null where missing. */
  geopos(key: RedisKey, members: RedisArgument[]): Result<(GeoPosition | null)[], K, S> {
    return this.call(["GEOPOS", key, ...members], (r) => (r as Reply[]).map(toPosition));
  }
  /** GEOSEARCH: the members in the area. */
  geosearch(
    key: RedisKey,
    from: GeoFrom,
    by: GeoShape,
    options?: Omit<GeoSearchOptions, "withDist" | "withHash" | "withCoord">,
  ): Result<V[], K, S>;
  /** GEOSEARCH WITHDIST / WITHHASH / WITHCOORD: `{ member, distance?, hash?, coordinates? }` per result. */
  geosearch(
    key: RedisKey,
    from: GeoFrom,
    by: GeoShape,
    options: GeoSearchOptions & ({ withDist: true } | { withHash: true } | { withCoord: true }),
  ): Result<GeoSearchResult<V>[], K, S>;
  geosearch(
    key: RedisKey,
    from: GeoFrom,
    by: GeoShape,
    options?: GeoSearchOptions,
  ): Result<V[] | GeoSearchResult<V>[], K, S> {
    const args = searchArgs(["GEOSEARCH", key], from, by);
    pushSearchOptions(args, "GEOSEARCH", options, { withDist: "", withHash: "", withCoord: "" });
    const o = options ?? {};
    if (!o.withDist && !o.withHash && !o.withCoord) return this.call(args, asIs<V[]>);
    if (o.withCoord) args.push("WITHCOORD");
    if (o.withDist) args.push("WITHDIST");
    if (o.withHash) args.push("WITHHASH");
    return this.call(args, toSearchResults<V>(o));
  }
  /** GEOSEARCHSTORE: how many members were stored at `destination`. */
  geosearchstore(
    destination: RedisKey,
    source: RedisKey,
    from: GeoFrom,
    by: GeoShape,
    options?: Omit<GeoSearchOptions, "withDist" | "withHash" | "withCoord"> & {
      storeDist?: boolean;
    },
  ): Result<number, K, S> {
    const args = searchArgs(["GEOSEARCHSTORE", destination, source], from, by);
    pushSearchOptions(args, "GEOSEARCHSTORE", options, { storeDist: "" });
    if (options?.storeDist) args.push("STOREDIST");
    return this.call(args, toNumber);
  }
}
