/**
 * A redacting holder for passwords, so a credential never reaches a printable form.
 *
 * @module
 */

const REDACTED = "***";

/**
 * Holds a password (or any credential) and prints as `Secret(***)` everywhere:
 * `String()`, template strings, `JSON.stringify`, `console.log`,
 * `Deno.inspect` and `util.inspect` (with `showHidden` too). The value lives
 * in a private field that no inspection reaches; only
 * {@linkcode Secret.reveal} returns it. `parseRedisUrl()` and the resolved
 * connection options hold passwords in one; every `password` option accepts a
 * plain string or a `Secret`.
 *
 * @example
 * ```ts
 * import { Redis, Secret } from "@redwire/redis";
 *
 * const password = new Secret("s3cret");
 * console.log(JSON.stringify({ password })); // {"password":"***"}
 * await using redis = new Redis({ password });
 * ```
 */
export class Secret {
  readonly #value: string;

  /**
   * Wraps a credential.
   *
   * @param value The credential.
   * @throws {TypeError} If `value` is not a string.
   */
  constructor(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`A Secret holds a string, got ${typeof value}`);
    }
    this.#value = value;
  }

  /**
   * Wraps a string, or returns a `Secret` as it is.
   *
   * @param value A credential, already wrapped or not.
   * @returns The holder.
   *
   * @example
   * ```ts
   * import { Secret } from "@redwire/redis";
   *
   * console.log(String(Secret.from("pw"))); // "Secret(***)"
   * ```
   */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /**
   * The credential itself, for the handshake; never print it.
   *
   * @returns The wrapped string.
   */
  reveal(): string {
    return this.#value;
  }

  /** `Secret(***)`. */
  toString(): string {
    return `Secret(${REDACTED})`;
  }

  /** `"***"` in JSON. */
  toJSON(): string {
    return REDACTED;
  }

  /** What `Deno.inspect` and `console.log` print on Deno. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** What `util.inspect` and `console.log` print on Node and Bun. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
