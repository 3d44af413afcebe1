/**
 * The values a RESP2 / RESP3 reply decodes to.
 *
 * | RESP type                          | TypeScript                         |
 * | ---------------------------------- | ---------------------------------- |
 * | simple / bulk / verbatim string    | `string` (`Uint8Array` when `decodeResponses: false`) |
 * | integer                            | `number` (`bigint` outside the safe range) |
 * | double (`inf`, `-inf`, `nan`)      | `number`                           |
 * | big number                         | `bigint`                           |
 * | boolean                            | `boolean`                          |
 * | null, null bulk, null array        | `null`                             |
 * | array, push                        | `Reply[]`                          |
 * | map                                | `Map<Reply, Reply>`                |
 * | set                                | `Set<Reply>`                       |
 * | error, bulk error (nested)         | `ReplyError`                       |
 *
 * @module
 */
import type { ReplyError } from "../errors.ts";

/**
 * One decoded reply.
 *
 * @example
 * ```ts
 * import type { Reply } from "@redwire/redis";
 *
 * const reply: Reply = new Map<Reply, Reply>([["server", "redis"]]);
 * ```
 */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | ReplyError
  | Reply[]
  | Map<Reply, Reply>
  | Set<Reply>;

/**
 * One command argument: strings are sent as UTF-8, numbers and bigints as
 * their decimal text, bytes as they are.
 *
 * @example
 * ```ts
 * import type { RedisArgument } from "@redwire/redis";
 *
 * const args: RedisArgument[] = ["SET", "k", new Uint8Array([0, 255]), 10n];
 * ```
 */
export type RedisArgument = string | number | bigint | Uint8Array;
