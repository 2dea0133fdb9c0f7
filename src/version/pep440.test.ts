import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { formatPep440, parsePep440, pep440 } from './pep440.js';
import { satisfies } from './pep440-specifier.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('pep440 scheme, against vectors captured from packaging 26.2', () => {
  it('accepts and normalizes as packaging.version.Version', () => {
    const rows = tsv('pep440-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok, normalized] of rows) {
      expect(pep440.valid(v!), v).toBe(ok === '1');
      if (ok === '1') expect(formatPep440(parsePep440(v!)!), v).toBe(normalized);
    }
  });
  it('orders as Version comparison', () => {
    const rows = tsv('pep440-compare.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [a, b, r] of rows) {
      expect(pep440.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
      expect(pep440.compareLoose(a!, b!), `${a} vs ${b}`).toBe(Number(r));
    }
  });
  it('matches specifier sets as SpecifierSet.contains', () => {
    const rows = tsv('pep440-satisfies.tsv');
    expect(rows.length).toBeGreaterThan(1000);
    for (const [v, spec, want] of rows) {
      if (want === 'invalid-range') expect(() => satisfies(v!, spec!), spec).toThrow(BadInputError);
      else expect(satisfies(v!, spec!), `${v} in ${spec}`).toBe(want === '1');
    }
  });
  it('orders legacy versions below PEP 440 ones when comparing loosely', () => {
    expect(pep440.valid('0.1-bulbasaur')).toBe(false);
    expect(pep440.compareLoose('0.1-bulbasaur', '0.0.1')).toBe(-1);
    expect(() => pep440.compare('0.1-bulbasaur', '1.0')).toThrow(/not a PEP 440 version/);
  });
});
