import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLockfileShape, isV2EntryShape, lockfile, v2Entry } from './parse-package-lock.js';

const seed = JSON.parse(readFileSync(new URL('testdata/npm11-v3/srv/app/package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, unknown> };
const entries = Object.values(seed.packages);

/** Keys the schemas read: a mutation may add one where the document has none. */
const FIELDS = ['name', 'version', 'resolved', 'link', 'dev', 'optional', 'devOptional', 'peer', 'license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'lockfileVersion', 'packages'];

/** Replaces or adds one value somewhere under `value` (path digits pick keys), as JSON.parse would have built it. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null) return value;
  const [head = 0, ...rest] = path;
  const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...value };
  const keys = Array.isArray(value) ? Object.keys(copy) : [...new Set([...Object.keys(copy), ...FIELDS])];
  const key = keys.length > 0 ? (keys[head % keys.length] as string) : '0';
  copy[key] = mutate(copy[key], rest, replacement);
  return JSON.parse(JSON.stringify(Array.isArray(value) ? Object.values(copy) : copy)) as unknown;
}

/** zod reads an own __proto__ or constructor key its own way: the hand-written checks leave such input to it. */
const special = (value: unknown): boolean => /"(__proto__|constructor)"/.test(JSON.stringify(value) ?? '');

// The checks stand in for zod on every entry of a lockfile; zod stays the judge they must agree with.
describe('package-lock.json shape checks agree with the zod schemas', () => {
  it('accept the npm 11 lockfile and every entry, and return what zod returns', () => {
    expect(isLockfileShape(seed)).toBe(true);
    expect(lockfile.parse(seed)).toEqual(seed);
    for (const e of entries) {
      expect(isV2EntryShape(e)).toBe(true);
      expect(v2Entry.parse(e)).toEqual(e);
    }
  });

  it('refuse what zod refuses', () => {
    for (const e of [{ version: 1 }, { dev: 'true' }, { link: null }, { dependencies: [] }, { peerDependencies: 'a' }, [], null]) {
      expect(v2Entry.safeParse(e).success).toBe(false);
      expect(isV2EntryShape(e)).toBe(false);
    }
    for (const l of [{ lockfileVersion: '3' }, { packages: [] }, { dependencies: null }, [], 'x']) {
      expect(lockfile.safeParse(l).success).toBe(false);
      expect(isLockfileShape(l)).toBe(false);
    }
    // JSON.parse reads 1e999 as Infinity, which z.number() refuses.
    expect(isLockfileShape({ lockfileVersion: Infinity })).toBe(lockfile.safeParse({ lockfileVersion: Infinity }).success);
  });

  it('give zod’s verdict and value on mutated lockfiles and entries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 3 }), fc.jsonValue(), (path, replacement) => {
        const doc = mutate(seed, path, replacement);
        const zod = lockfile.safeParse(doc);
        if (!special(doc)) expect(isLockfileShape(doc)).toBe(zod.success);
        if (isLockfileShape(doc)) expect(zod.data).toEqual(doc);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), fc.jsonValue(), (i, path, replacement) => {
        const e = mutate(entries[i % entries.length], path, replacement);
        const zod = v2Entry.safeParse(e);
        if (!special(e)) expect(isV2EntryShape(e)).toBe(zod.success);
        if (isV2EntryShape(e)) expect(zod.data).toEqual(e);
      }),
      { numRuns: 3000 },
    );
  });
});
