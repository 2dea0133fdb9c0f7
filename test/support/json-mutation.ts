/**
 * Mutations of parsed JSON for property tests that hold a hand-written shape
 * check to the zod schema it stands in for (OSV records, npm manifests and
 * lockfiles): the check must accept and refuse exactly what zod does.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

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
const hasPrototypeKeys = (value: unknown): boolean => /"(__proto__|constructor)"/.test(JSON.stringify(value) ?? '');

/** What a zod schema's safeParse answers, as far as these checks read it. */
interface ZodLike {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

/**
 * Property: on mutations of the seeds (`maxDepth` keys deep), `check` accepts exactly what `schema`
 * accepts (input with prototype keys is left to zod) and what it accepts zod returns unchanged.
 */
export function expectCheckAgreesWithZod(options: {
  readonly seeds: readonly unknown[];
  readonly schema: ZodLike;
  readonly check: (value: unknown) => boolean;
  readonly extraKeys: readonly string[];
  readonly maxDepth: number;
  readonly numRuns: number;
}): void {
  const { seeds, schema, check, extraKeys, maxDepth, numRuns } = options;
  fc.assert(
    fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: maxDepth }), fc.jsonValue(), (i, path, replacement) => {
      const doc = mutateJson(seeds[i % seeds.length], path, replacement, extraKeys);
      const zod = schema.safeParse(doc);
      if (!hasPrototypeKeys(doc)) expect(check(doc)).toBe(zod.success);
      if (check(doc)) expect(zod.data).toEqual(doc);
    }),
    { numRuns },
  );
}
