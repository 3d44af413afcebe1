/**
 * INCR loops for cluster fault tests and benchmarks: each loop increments its
 * own key back to back and records what was acknowledged, what failed and
 * whether a failure says the command was `written`. Runs on Deno and Node.
 *
 * @module
 */

/** What one loop saw. */
export interface LoopReport {
  /** The loop's key. */
  key: string;
  /** Acknowledged INCRs. */
  acked: number;
  /** The last value the server returned. */
  lastValue: number;
  /** Failures flagged `written` (the INCR may have run). */
  writtenErrors: number;
  /** Every failure, in order. */
  errors: Error[];
  /** Whether the loop's last INCR had not settled when `stop()` gave up waiting. */
  stuck: boolean;
  /** When each ack arrived (`performance.now()`). */
  ackTimes: number[];
}

/** A running load started by {@linkcode startIncrLoad}. */
export interface IncrLoad {
  /** Stops the loops, waits (up to `timeout` ms, default 30 s) for their last INCR, and reports. */
  stop(timeout?: number): Promise<LoopReport[]>;
}

/**
 * Runs one INCR loop per key until `stop()`; after a failure a loop pauses
 * `pauseOnError` ms.
 *
 * @param incr Sends one INCR, such as `(key) => cluster.incr(key)`.
 * @param keys One key per loop.
 * @param pauseOnError Pause after a failure, in ms. @default 5
 * @returns The load.
 *
 * @example
 * ```ts
 * import { startIncrLoad } from "./cluster_load.ts";
 *
 * const counts = new Map<string, number>();
 * const load = startIncrLoad(async (key) => {
 *   counts.set(key, (counts.get(key) ?? 0) + 1);
 *   return counts.get(key)!;
 * }, ["a", "b"]);
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * console.log((await load.stop()).map((r) => r.acked));
 * ```
 */
export function startIncrLoad(
  incr: (key: string) => Promise<number>,
  keys: readonly string[],
  pauseOnError = 5,
): IncrLoad {
  let stopped = false;
  const reports = keys.map((key): LoopReport => ({
    key,
    acked: 0,
    lastValue: 0,
    writtenErrors: 0,
    errors: [],
    ackTimes: [],
    stuck: false,
  }));
  const loop = async (report: LoopReport) => {
    while (!stopped) {
      try {
        report.lastValue = await incr(report.key);
        report.acked++;
        report.ackTimes.push(performance.now());
      } catch (error) {
        report.errors.push(error as Error);
        if ((error as { written?: boolean }).written === true) report.writtenErrors++;
        await new Promise((resolve) => setTimeout(resolve, pauseOnError));
      }
    }
  };
  const done = new Set<LoopReport>();
  const running = reports.map((report) => loop(report).then(() => void done.add(report)));
  return {
    stop: async (timeout = 30_000) => {
      stopped = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise((resolve) => timer = setTimeout(resolve, timeout));
      await Promise.race([Promise.all(running), bound]);
      clearTimeout(timer);
      for (const report of reports) report.stuck = !done.has(report);
      return reports;
    },
  };
}

/**
 * The longest time between two acknowledgements across every loop, from the
 * first ack after `from` (default: the first ack) to the last.
 *
 * @param reports What the loops saw.
 * @returns The gap, in ms.
 */
export function longestGap(reports: readonly LoopReport[]): number {
  const times = reports.flatMap((r) => r.ackTimes).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}
