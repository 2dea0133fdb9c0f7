import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gem } from './gem.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('gem scheme, against vectors captured from RubyGems 3.3.15', () => {
  it('accepts what Gem::Version.correct? accepts', () => {
    const rows = tsv('gem-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok] of rows) expect(gem.valid(v!), v).toBe(ok === '1');
  });
  it('orders as Gem::Version#<=>', () => {
    const rows = tsv('gem-compare.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [a, b, r] of rows) expect(gem.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
  });
});
