import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { cargo, satisfies } from './cargo.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('cargo scheme, against vectors captured from the semver crate 1.0.14', () => {
  it('accepts what Version::parse accepts', () => {
    const rows = tsv('cargo-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok] of rows) expect(cargo.valid(v!), v).toBe(ok === '1');
  });
  it('orders by SemVer precedence', () => {
    const rows = tsv('cargo-compare.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [a, b, r] of rows) expect(cargo.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
  });
  it('matches requirements as VersionReq::matches and rejects what VersionReq::parse rejects', () => {
    const rows = tsv('cargo-satisfies.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [v, req, want] of rows) {
      if (want === 'invalid-range') expect(() => satisfies(v!, req!), req).toThrow(BadInputError);
      else expect(satisfies(v!, req!), `${v} in ${req}`).toBe(want === '1');
    }
  });
});
