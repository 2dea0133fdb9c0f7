import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composer, normalizeComposerVersion } from './composer.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

describe('composer scheme, against vectors captured from composer/semver', () => {
  it('normalizes as VersionParser::normalize', () => {
    const rows = tsv('composer-valid.tsv');
    expect(rows.length).toBeGreaterThan(100);
    for (const [v, ok, normalized] of rows) {
      expect(composer.valid(v!), v).toBe(ok === '1');
      expect(normalizeComposerVersion(v!) ?? '-', v).toBe(normalized);
    }
  });
  it('orders numbered versions as Composer sorts them', () => {
    const rows = tsv('composer-compare.tsv');
    expect(rows.length).toBeGreaterThan(300);
    for (const [a, b, r] of rows) expect(composer.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
  });
  it('puts named branches below numbered versions and orders them by name', () => {
    expect(composer.compare('dev-feature', '0.0.1')).toBe(-1);
    expect(composer.compare('dev-a', 'dev-b')).toBe(-1);
    expect(composer.compare('dev-master', '99999.0.0')).toBe(1);
  });
});
