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
    const n = Math.min(this.#count, SIZE);
    if (n === 0) return { p50: 0, p99: 0, max: 0 };
    const sorted = this.#ring.slice(0, n).sort();
    return { p50: rank(sorted, 0.5), p99: rank(sorted, 0.99), max: sorted[n - 1]! };
  }
}

/** Nearest-rank percentile of a sorted array. */
function rank(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
