/**
 * Bounded waiting for tests: every wait ends, so a lost reply fails a test
 * instead of hanging it. Node APIs only, like the rest of tests/support.
 *
 * @module
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";

/**
 * Resolves after `ms`.
 *
 * @param ms How long to wait.
 * @returns A promise for the end of the wait.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Settles as `promise` does, or rejects after `ms`.
 *
 * @param promise What to wait for.
 * @param ms The bound. @default 5000
 * @returns What `promise` resolves to.
 */
export function bounded<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `condition` every `every` ms until it holds; fails the test after `ms`.
 *
 * @param condition Checked until it returns true.
 * @param ms The bound. @default 3000
 * @param what Named in the failure.
 * @param every The polling period. @default 10
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  ms = 3_000,
  what = "condition",
  every = 10,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * A small deterministic PRNG (mulberry32), so a failure can be replayed.
 *
 * @param seed Any integer.
 * @returns A function returning numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Awaits a promise that must reject and returns its error; when `expected`
 * is a class the error must be an instance, when an object it must be it.
 *
 * @param promise What must reject.
 * @param expected The error's class, or the error itself.
 * @param ms The bound. @default 5000
 * @returns The error.
 */
export async function rejection(
  promise: Promise<unknown>,
  expected?: (abstract new (...args: never[]) => Error) | Error,
  ms = 5_000,
): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await bounded(promise, ms);
  } catch (error) {
    if (typeof expected === "function") {
      assert.ok(error instanceof expected, `expected ${expected.name}, got ${String(error)}`);
    } else if (expected !== undefined) {
      assert.equal(error, expected);
    }
    return error as Error;
  }
  assert.fail(`expected a rejection, got ${inspect(outcome)}`);
}
