import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { semver } from './semver.js';
import { satisfies } from './semver-range.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('semver scheme, against vectors captured from node-semver 7.8.5', () => {
  it('accepts what semver.valid accepts', () => {
    const rows = tsv('semver-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok] of rows) expect(semver.valid(v!), v).toBe(ok === '1');
  });
  it('orders as semver.compare', () => {
    const rows = tsv('semver-compare.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [a, b, r] of rows) {
      expect(semver.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
      expect(semver.compareLoose(a!, b!), `${a} vs ${b}`).toBe(Number(r));
    }
  });
  it('matches ranges as semver.satisfies and rejects the ranges new Range() rejects', () => {
    const rows = tsv('semver-satisfies.tsv');
    expect(rows.length).toBeGreaterThan(1000);
    for (const [v, range, want] of rows) {
      if (want === 'invalid-range') expect(() => satisfies(v!, range!), range).toThrow(BadInputError);
      else expect(satisfies(v!, range!), `${v} in ${range}`).toBe(want === '1');
    }
  });
});
