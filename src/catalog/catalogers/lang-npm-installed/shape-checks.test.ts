import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCheckAgreesWithZod } from '../../../../test/support/json-mutation.js';
import { isJsonObject } from '../../../domain/json-object.js';
import { hiddenLockfile, isHiddenLockfileShape } from './hidden-lockfile.js';
import { licenseValue, licenseValueText, manifest } from './parse-package-json.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8'));
const lockSeed = fixture('npm11-dev/srv/app/node_modules/.package-lock.json');
const manifestSeeds = ['npm11-tree/srv/app/node_modules/debug/package.json', 'npm11-tree/srv/app/node_modules/@types/ms/package.json'].map(fixture);

/** Keys the schemas read: a mutation may add one where the document has none. */
const FIELDS = ['packages', 'dev', 'optional', 'devOptional', 'peer', 'name', 'version', 'license', 'licenses', 'type'];

// The checks stand in for zod on every installed package.json; zod stays the judge they must agree with.
describe('installed package.json and hidden lockfile shape checks agree with the zod schemas', () => {
  it('accept the fixtures and return what zod returns', () => {
    expect(isHiddenLockfileShape(lockSeed)).toBe(true);
    expect(hiddenLockfile.parse(lockSeed)).toEqual(lockSeed);
    for (const seed of manifestSeeds) {
      expect(isJsonObject(seed)).toBe(true);
      expect(manifest.parse(seed)).toEqual(seed);
    }
  });

  it('refuse what zod refuses: a flag that is not a boolean, an entry or map that is not an object, a manifest that is an array', () => {
    const bad = [
      { packages: { 'node_modules/a': { dev: 'yes' } } },
      { packages: { 'node_modules/a': null } },
      { packages: { 'node_modules/a': [] } },
      { packages: [] },
      {},
      null,
    ];
    for (const v of bad) {
      expect(hiddenLockfile.safeParse(v).success).toBe(false);
      expect(isHiddenLockfileShape(v)).toBe(false);
    }
    for (const v of [[], null, 'x', 5]) {
      expect(manifest.safeParse(v).success).toBe(false);
      expect(isJsonObject(v)).toBe(false);
    }
  });

  it('give zod’s verdict and value on mutated documents (property)', () => {
    expectCheckAgreesWithZod({ seeds: [lockSeed], schema: hiddenLockfile, check: isHiddenLockfileShape, extraKeys: FIELDS, maxDepth: 4, numRuns: 2000 });
    expectCheckAgreesWithZod({ seeds: manifestSeeds, schema: manifest, check: isJsonObject, extraKeys: FIELDS, maxDepth: 3, numRuns: 1000 });
  });

  it('read a license value as zod does (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.jsonValue() }), fc.record({ type: fc.string(), url: fc.string() })), (value) => {
        const zod = licenseValue.safeParse(value);
        const expected = zod.success ? (typeof zod.data === 'string' ? zod.data : zod.data.type) : undefined;
        expect(licenseValueText(value)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
