import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectCheckAgreesWithZod } from '../../../../test/support/json-mutation.js';
import { isLockfileShape, isV2EntryShape, lockfile, v2Entry } from './parse-package-lock.js';

const seed = JSON.parse(readFileSync(new URL('testdata/npm11-v3/srv/app/package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, unknown> };
const entries = Object.values(seed.packages);

/** Keys the schemas read: a mutation may add one where the document has none. */
const FIELDS = ['name', 'version', 'resolved', 'link', 'dev', 'optional', 'devOptional', 'peer', 'license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'lockfileVersion', 'packages'];

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
    expectCheckAgreesWithZod({ seeds: [seed], schema: lockfile, check: isLockfileShape, extraKeys: FIELDS, maxDepth: 3, numRuns: 1000 });
    expectCheckAgreesWithZod({ seeds: entries, schema: v2Entry, check: isV2EntryShape, extraKeys: FIELDS, maxDepth: 3, numRuns: 3000 });
  });
});
