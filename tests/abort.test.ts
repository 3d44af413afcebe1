import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { eitherSignal } from "../src/_abort.ts";

/** Runs `fn` as on a runtime without AbortSignal.any (the Vercel Edge Runtime). */
function withoutAny(fn: () => void): void {
  const any = Object.getOwnPropertyDescriptor(AbortSignal, "any");
  Object.defineProperty(AbortSignal, "any", { value: undefined, configurable: true });
  try {
    fn();
  } finally {
    if (any === undefined) delete (AbortSignal as { any?: unknown }).any;
    else Object.defineProperty(AbortSignal, "any", any);
  }
}

describe("eitherSignal", () => {
  it("aborts with the reason of the input that aborted first, with and without AbortSignal.any", () => {
    for (const run of [(fn: () => void) => fn(), withoutAny]) {
      run(() => {
        const a = new AbortController();
        const b = new AbortController();
        const { signal, dispose } = eitherSignal(a.signal, b.signal);
        b.abort("second input");
        a.abort("first input");
        assert.equal(signal.aborted, true);
        assert.equal(signal.reason, "second input");
        dispose();
      });
    }
  });

  it("is aborted at once when an input already is", () => {
    withoutAny(() => {
      const a = new AbortController();
      a.abort("early");
      const { signal } = eitherSignal(a.signal, new AbortController().signal);
      assert.equal(signal.reason, "early");
    });
  });

  it("lets go of its inputs on dispose() (the fallback)", () => {
    withoutAny(() => {
      const a = new AbortController();
      const b = new AbortController();
      const { signal, dispose } = eitherSignal(a.signal, b.signal);
      dispose();
      a.abort("after dispose");
      assert.equal(signal.aborted, false);
    });
  });
});
