import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCopyrightLicenses } from './parse-copyright-licenses.js';
import { parseDeb822 } from './parse-deb822.js';

describe('parseDeb822', () => {
  it('joins continuation lines, lower-cases field names and splits paragraphs on blank lines', () => {
    const doc = parseDeb822('Package: a\nDescription: short\n more\n .\n end\n\n\n \nPACKAGE: b\r\nversion:1\n');
    expect(doc.problems).toEqual([]);
    expect(doc.paragraphs.map((p) => Object.fromEntries(p.fields))).toEqual([
      { package: 'a', description: 'short\n more\n .\n end' },
      { package: 'b', version: '1' },
    ]);
    expect(doc.paragraphs.map((p) => p.line)).toEqual([1, 9]);
  });

  it('drops a paragraph with a malformed line and says where', () => {
    const doc = parseDeb822('Package: a\n\n continuation first\nPackage: b\n\nPackage: c\nno colon here\n');
    expect(doc.paragraphs.map((p) => p.fields.get('package'))).toEqual(['a']);
    expect(doc.problems.map((p) => p.line)).toEqual([3, 7]);
  });

  it('keeps only first lines when asked, still breaking a paragraph on a continuation line without a field', () => {
    const doc = parseDeb822('Files: *\r\nLicense: MIT\r\n Permission is hereby granted\r\n .\r\n\r\n  orphan\r\nLicense: GPL-2\r\n\r\nLicense: BSD\n', { continuations: false });
    expect(doc.paragraphs.map((p) => Object.fromEntries(p.fields))).toEqual([{ files: '*', license: 'MIT' }, { license: 'BSD' }]);
    expect(doc.problems.map((p) => p.line)).toEqual([6]);
  });

  it('never throws on arbitrary text and keeps every paragraph non-empty', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (text) => {
        const doc = parseDeb822(text);
        for (const p of doc.paragraphs) expect(p.fields.size).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips generated paragraphs', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
    const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    fc.assert(
      fc.property(fc.array(fc.dictionary(name, value, { minKeys: 1, maxKeys: 6 }), { maxLength: 8 }), (records) => {
        const unique = records.map((r) => {
          const seen = new Map<string, string>();
          for (const [k, v] of Object.entries(r)) if (!seen.has(k.toLowerCase())) seen.set(k.toLowerCase(), v);
          return seen;
        });
        const text = unique.map((r) => [...r].map(([k, v]) => `${k}: ${v}`).join('\n')).join('\n\n');
        const doc = parseDeb822(text);
        expect(doc.problems).toEqual([]);
        expect(doc.paragraphs.map((p) => [...p.fields])).toEqual(unique.map((r) => [...r]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseCopyrightLicenses', () => {
  it('splits license expressions and ignores "none"', () => {
    const text = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+ or Artistic, and MIT\n\nFiles: x\nLicense: none\n';
    expect(parseCopyrightLicenses(text)).toEqual(['GPL-2+', 'Artistic', 'MIT']);
  });
  it('names the licenses a DEP-5 file points at under /usr/share/common-licenses/', () => {
    const text = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n On Debian systems, see /usr/share/common-licenses/ or /usr/share/common-licenses/GPL-2 and\n /usr/share/common-licenses/LGPL-2.1.\n';
    expect(parseCopyrightLicenses(text)).toEqual(['GPL-2+', 'GPL-2', 'LGPL-2.1']);
  });
  it('returns nothing for a free-form copyright file even when it has License lines', () => {
    expect(parseCopyrightLicenses('Files: *\nLicense: MIT\n\nSee /usr/share/common-licenses/GPL-2.\n')).toEqual([]);
  });
});
