/**
 * An object literal as JSON.parse builds it, whose own keys zod's object and
 * record schemas read and copy unchanged. The hand-written shape checks on
 * hot paths (OSV records, npm manifests and lockfiles) use it to pass
 * ordinary input without zod's copy; anything else (an own `__proto__` or
 * `constructor` key, which zod treats specially, an array, a class instance)
 * is left to zod.
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
