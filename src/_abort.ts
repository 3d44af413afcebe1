/**
 * Private: one signal that aborts when either of two does, on runtimes with
 * and without `AbortSignal.any` (the Vercel Edge Runtime has none).
 *
 * @module
 */

/** A combined signal and the way to let go of its listeners. */
export interface CombinedSignal {
  /** Aborts with the reason of whichever input aborted first. */
  readonly signal: AbortSignal;
  /** Removes the listeners the fallback added; call it once the signal is no longer needed. */
  dispose(): void;
}

const NOTHING_TO_DISPOSE = (): void => {};

/**
 * Combines two signals. Where `AbortSignal.any` exists it is used (the
 * runtime lets go of it); elsewhere listeners on both inputs abort a new
 * controller, and `dispose()` removes them, so a long-lived input (a pool's
 * cancel signal) does not collect one listener per call.
 */
export function eitherSignal(a: AbortSignal, b: AbortSignal): CombinedSignal {
  if (typeof AbortSignal.any === "function") {
    return { signal: AbortSignal.any([a, b]), dispose: NOTHING_TO_DISPOSE };
  }
  const controller = new AbortController();
  if (a.aborted || b.aborted) {
    controller.abort(a.aborted ? a.reason : b.reason);
    return { signal: controller.signal, dispose: NOTHING_TO_DISPOSE };
  }
  const onA = () => controller.abort(a.reason);
  const onB = () => controller.abort(b.reason);
  a.addEventListener("abort", onA, { once: true });
  b.addEventListener("abort", onB, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener("abort", onA);
      b.removeEventListener("abort", onB);
    },
  };
}
