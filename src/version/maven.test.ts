import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { maven } from './maven.js';
import { satisfies } from './maven-range.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('maven scheme, against vectors captured from Maven 3.8.7', () => {
  it('orders as ComparableVersion', () => {
    const rows = tsv('maven-compare.tsv');
    expect(rows.length).toBeGreaterThan(500);
    for (const [a, b, r] of rows) expect(maven.compareLoose(a!, b!), `${a} vs ${b}`).toBe(Number(r));
  });
  it('matches ranges as VersionRange.containsVersion and rejects what createFromVersionSpec rejects', () => {
    const rows = tsv('maven-satisfies.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [v, range, want] of rows) {
      if (want === 'invalid-range') expect(() => satisfies(v!, range!), range).toThrow(BadInputError);
      else expect(satisfies(v!, range!), `${v} in ${range}`).toBe(want === '1');
    }
  });
  it('refuses empty versions and range punctuation', () => {
    for (const bad of ['', '[1.0]', '1.0 ', '1,0']) expect(maven.valid(bad), bad).toBe(false);
    expect(() => maven.compare('', '1')).toThrow(/invalid maven version/);
  });
});
