/**
 * A fixed ring of the most recent acquire wait times, for `stats()`.
 *
 * @module
 */

import type { WaitSummary } from "./pool_options.ts";

const SIZE = 1024; // a power of two: the index wraps with a mask

/** Keeps the last 1024 wait times; recording costs one store. */
export class WaitTimes {
  #ring = new Float64Array(SIZE);
  #count = 0;

  /** Records one wait, in ms. */
  record(waited: number): void {
    this.#ring[this.#count++ & (SIZE - 1)] = waited;
  }

  /** Percentiles over the recorded window; zeros before any acquire. */
  summary(): WaitSummary {
    const sorted = this.#ring.slice(0, Math.min(this.#count, SIZE)).sort();
    return { p50: rank(sorted, 0.5), p99: rank(sorted, 0.99), max: rank(sorted, 1) };
  }
}

/** Nearest-rank percentile (`q` up to 1) of a sorted array; 0 when it is empty. */
function rank(sorted: Float64Array, q: number): number {
  return sorted[Math.ceil(q * sorted.length) - 1] ?? 0;
}
