import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutateJson } from '../../../../test/support/json-mutation.js';
import { isOsvAffectedShape, isOsvRecordShape, isOsvSeverityShape, osvAffected, osvRecord, osvSeverity } from './osv-schema.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8'));
const seeds = ['GHSA-p6mc-m468-83gw.json', 'DSA-2896-1.json', 'PYSEC-2021-63.json'].map(fixture);

// The hand-written checks run on every record of an import; zod stays the reference they must agree with.
describe('OSV shape checks agree with the zod schemas', () => {
  it('accept the real records', () => {
    for (const s of seeds) {
      expect(isOsvRecordShape(s)).toBe(true);
      for (const a of s['affected'] as unknown[]) expect(isOsvAffectedShape(a)).toBe(true);
    }
  });

  it('reject what zod rejects: bad ids, missing modified, null where only optional, over-long fields, arrays for objects', () => {
    const base = seeds[0]!;
    const bad = [
      { ...base, id: 'x' },
      { ...base, id: 'GHSA bad id' },
      { ...base, modified: undefined },
      { ...base, published: null },
      { ...base, modified: 'x'.repeat(65) },
      { ...base, aliases: Array.from({ length: 1001 }, () => 'CVE-2020-1') },
      { ...base, database_specific: [] },
      { ...base, summary: 5 },
      [base],
    ];
    for (const v of bad) {
      expect(osvRecord.safeParse(v).success).toBe(false);
      expect(isOsvRecordShape(v)).toBe(false);
    }
    for (const a of [{ package: { ecosystem: '', name: 'x' } }, { package: { ecosystem: 'npm', name: 'a b' } }, { ranges: null }, { versions: {} }, { package: null }]) {
      expect(osvAffected.safeParse(a).success).toBe(false);
      expect(isOsvAffectedShape(a)).toBe(false);
    }
  });

  it('give zod’s verdict on mutated records (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue(), (i, path, replacement) => {
        const record = mutateJson(seeds[i], path, replacement);
        expect(isOsvRecordShape(record)).toBe(osvRecord.safeParse(record).success);
        const affected = (record as { affected?: unknown } | null)?.affected;
        for (const a of Array.isArray(affected) ? affected : [affected]) expect(isOsvAffectedShape(a)).toBe(osvAffected.safeParse(a).success);
        const severity = (record as { severity?: unknown } | null)?.severity;
        for (const s of Array.isArray(severity) ? severity : [severity]) expect(isOsvSeverityShape(s)).toBe(osvSeverity.safeParse(s).success);
      }),
      { numRuns: 2000 },
    );
    // The same with the mutation aimed inside an affected entry, where most of the rules are.
    const entries = seeds.flatMap((s) => s['affected'] as unknown[]);
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue(), (i, path, replacement) => {
        const a = mutateJson(entries[i % entries.length], path, replacement);
        expect(isOsvAffectedShape(a)).toBe(osvAffected.safeParse(a).success);
      }),
      { numRuns: 2000 },
    );
  });
});
