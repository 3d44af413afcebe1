/**
 * Private: the checks every count, size and duration option goes through,
 * so every layer says the same about a bad one.
 *
 * @module
 */

/**
 * Throws unless `value` is a safe integer of at least `min`.
 *
 * @param name The option, for the message.
 * @param value What was given.
 * @param min The least allowed.
 * @throws {RangeError} Naming the option, what it takes and what it got.
 */
export function checkInteger(name: string, value: unknown, min: number): void {
  if (!isIntegerFrom(value, min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * An integer option, or its default when not given.
 *
 * @param name The option, for the message.
 * @param value What was given, if anything.
 * @param min The least allowed.
 * @param fallback The default.
 * @returns `value`, or `fallback` when it is `undefined`.
 * @throws {RangeError} If `value` is given and not an integer of at least `min`.
 */
export function integerOr(
  name: string,
  value: number | undefined,
  min: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  checkInteger(name, value, min);
  return value;
}

/**
 * Throws unless `value` is a number of milliseconds, a safe integer of at
 * least `min`, or `null` where `orNull` allows it (no limit).
 *
 * @param name The option, for the message.
 * @param value What was given.
 * @param min The least allowed.
 * @param orNull Whether `null` is allowed.
 * @throws {RangeError} Naming the option, what it takes and what it got.
 */
export function checkDuration(name: string, value: unknown, min: number, orNull = false): void {
  if ((orNull && value === null) || isIntegerFrom(value, min)) return;
  const expected = `an integer >= ${min} (ms)${orNull ? " or null" : ""}`;
  throw new RangeError(`${name} must be ${expected}, got ${String(value)}`);
}

function isIntegerFrom(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}
