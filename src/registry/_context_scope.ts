/**
 * A value that is "current" for everything a function does: async-local
 * storage where the runtime has it, a plain stack where it has not.
 *
 * @module
 */
import type { AsyncContext } from "../transport/mod.ts";

/** One `run` call's value; a unique object, so the fallback removes exactly its own. */
export interface ContextFrame<T> {
  readonly value: T;
}

/**
 * Makes a value current for `fn` and everything it starts. With an
 * {@linkcode AsyncContext} the value follows awaits and callbacks, and
 * concurrent runs never see each other's. Without one (a runtime lacking
 * `AsyncLocalStorage`), a stack holds the value from the call until `fn`
 * (or the promise it returns) settles, and a run that starts while an
 * asynchronous one is pending is refused: it could be another request's,
 * and sharing the stack would hand it this run's value. Runs nested
 * synchronously (started before the outer `fn` returned) are fine.
 */
export class ContextScope<T> {
  #async: AsyncContext<ContextFrame<T>> | undefined;
  #stack: ContextFrame<T>[] = [];
  #pendingAsync = 0;
  #refusal: () => Error;

  /**
   * @param async The runtime's async-local storage, or `undefined` for the stack fallback.
   * @param refusal Makes the error thrown for an overlapping run of the fallback.
   */
  constructor(
    async: AsyncContext<ContextFrame<T>> | undefined,
    refusal: () => Error,
  ) {
    this.#async = async;
    this.#refusal = refusal;
  }

  /** The value of the innermost running `run`, or `undefined`. */
  get(): T | undefined {
    const frame = this.#async === undefined ? this.#stack.at(-1) : this.#async.getStore();
    return frame?.value;
  }

  /** Runs `fn` with `value` current; the outer value is current again when it settles, also on a throw. */
  run<R>(value: T, fn: () => R): R {
    const frame: ContextFrame<T> = { value };
    if (this.#async !== undefined) return this.#async.run(frame, fn);
    if (this.#pendingAsync > 0) throw this.#refusal();
    this.#stack.push(frame);
    let result: R;
    try {
      result = fn();
    } catch (error) {
      this.#remove(frame);
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.#remove(frame);
      return result;
    }
    this.#pendingAsync++;
    return result.finally(() => {
      this.#pendingAsync--;
      this.#remove(frame);
    }) as R;
  }

  #remove(frame: ContextFrame<T>): void {
    // Async runs may end out of order: remove this run's frame, not the top.
    const at = this.#stack.lastIndexOf(frame);
    if (at !== -1) this.#stack.splice(at, 1);
  }
}
