import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../lang-shared/index.js';
import { hiddenLockfile, isHiddenLockfileShape } from './hidden-lockfile.js';
import { licenseValue, licenseValueText, manifest } from './parse-package-json.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8'));
const lockSeed = fixture('npm11-dev/srv/app/node_modules/.package-lock.json');
const manifestSeeds = ['npm11-tree/srv/app/node_modules/debug/package.json', 'npm11-tree/srv/app/node_modules/@types/ms/package.json'].map(fixture);

/** Keys the schemas read: a mutation may add one where the document has none. */
const FIELDS = ['packages', 'dev', 'optional', 'devOptional', 'peer', 'name', 'version', 'license', 'licenses', 'type'];

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
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 4 }), fc.jsonValue(), (path, replacement) => {
        const lock = mutate(lockSeed, path, replacement);
        const zod = hiddenLockfile.safeParse(lock);
        if (!special(lock)) expect(isHiddenLockfileShape(lock)).toBe(zod.success);
        if (isHiddenLockfileShape(lock)) expect(zod.data).toEqual(lock);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), fc.jsonValue(), (i, path, replacement) => {
        const doc = mutate(manifestSeeds[i % manifestSeeds.length], path, replacement);
        const zod = manifest.safeParse(doc);
        if (!special(doc)) expect(isJsonObject(doc)).toBe(zod.success);
        if (isJsonObject(doc)) expect(zod.data).toEqual(doc);
      }),
      { numRuns: 1000 },
    );
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
