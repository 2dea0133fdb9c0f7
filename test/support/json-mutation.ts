/**
 * Mutations of parsed JSON for property tests that hold a hand-written shape
 * check to the zod schema it stands in for (OSV records, npm manifests and
 * lockfiles): the check must accept and refuse exactly what zod does.
 */

/**
 * Replaces or adds one value somewhere under `value` (path digits pick keys among its own and
 * `extraKeys`, so a mutation may add a field the document lacks), as JSON.parse would have built it.
 */
export function mutateJson(value: unknown, path: readonly number[], replacement: unknown, extraKeys: readonly string[] = []): unknown {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null) return value;
  const [head = 0, ...rest] = path;
  const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...value };
  const keys = Array.isArray(value) ? Object.keys(copy) : [...new Set([...Object.keys(copy), ...extraKeys])];
  const key = keys.length > 0 ? (keys[head % keys.length] as string) : '0';
  copy[key] = mutateJson(copy[key], rest, replacement, extraKeys);
  return JSON.parse(JSON.stringify(Array.isArray(value) ? Object.values(copy) : copy)) as unknown;
}

/** An own __proto__ or constructor key somewhere: zod reads those its own way, so the checks leave such input to it. */
export const hasPrototypeKeys = (value: unknown): boolean => /"(__proto__|constructor)"/.test(JSON.stringify(value) ?? '');
