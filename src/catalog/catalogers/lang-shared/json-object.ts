/**
 * An object literal as JSON.parse builds it, whose own keys zod's object and
 * record schemas read and copy unchanged. Hand-written shape checks use it
 * to pass ordinary input without zod's copy; anything else (an own
 * `__proto__` or `constructor` key, which zod treats specially, an array, a
 * class instance) is left to zod.
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, '__proto__') &&
    !Object.hasOwn(value, 'constructor')
  );
}
