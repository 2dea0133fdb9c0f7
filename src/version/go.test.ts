import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalGoVersion, compareGoModVersions, go } from './go.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('go scheme, against vectors captured from golang.org/x/mod/semver', () => {
  it('validates and canonicalises as IsValid / Canonical', () => {
    const rows = tsv('go-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok, canonical] of rows) {
      expect(go.valid(v!), v).toBe(ok === '1');
      expect(canonicalGoVersion(v!) || '-', v).toBe(canonical);
    }
  });
  it('orders as semver.Compare', () => {
    const rows = tsv('go-compare.tsv');
    expect(rows.length).toBeGreaterThan(500);
    for (const [a, b, r] of rows) {
      expect(compareGoModVersions(a!, b!), `${a} vs ${b}`).toBe(Number(r));
      if (go.valid(a!) && go.valid(b!)) expect(go.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
    }
  });
  it('compares OSV-style versions without the v', () => {
    expect(go.compareLoose('1.2.3', 'v1.2.4')).toBe(-1);
    expect(go.compareLoose('0.0.0-20191109021931-daa7c04131f5', '0.0.1')).toBe(-1);
    expect(() => go.compare('1.2.3', 'v1.2.3')).toThrow(/not a Go module version/);
  });
});
