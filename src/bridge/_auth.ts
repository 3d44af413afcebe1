/**
 * Who may open a bridge connection: the shared token compared in constant
 * time, or the user's `authenticate` callback.
 *
 * @module
 */

import { offeredTokenBytes } from "./_protocol.ts";

/**
 * Decides whether an upgrade request may go through.
 */
export type Check = (request: Request) => Promise<boolean>;

/**
 * A check that accepts exactly the upgrades carrying `token`. Both sides are
 * hashed with SHA-256 and the digests compared without an early exit, so
 * the time taken says nothing about how much of a guess was right, nor
 * about the token's length.
 *
 * @param token The shared secret.
 * @returns The check.
 */
export async function tokenCheck(token: string): Promise<Check> {
  const expected = await sha256(new TextEncoder().encode(token));
  return async (request) => {
    const offered = offeredTokenBytes(request);
    const digest = await sha256(offered ?? new Uint8Array(0));
    return equalInConstantTime(digest, expected) && offered !== undefined;
  };
}

/**
 * Wraps the user's callback: only `true` lets an upgrade through, and a
 * callback that throws refuses it.
 *
 * @param authenticate The user's callback.
 * @param onError Told the error's name (its message may quote a secret).
 * @returns The check.
 */
export function callbackCheck(
  authenticate: (request: Request) => boolean | Promise<boolean>,
  onError: (name: string) => void,
): Check {
  return async (request) => {
    try {
      return (await authenticate(request)) === true;
    } catch (error) {
      onError(error instanceof Error ? error.name : typeof error);
      return false;
    }
  };
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
