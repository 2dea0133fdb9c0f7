import { describe, expect, it } from 'vitest';
import { parseSpdxExpression, spdxConjuncts } from './spdx-license-expression.js';

// Cases follow SPDX 2.3 Annex D (license expression syntax) and its examples.
describe('parseSpdxExpression', () => {
  it.each([
    ['MIT', 'MIT'],
    ['Apache-2.0', 'Apache-2.0'],
    ['GPL-2.0+', 'GPL-2.0+'], // a (deprecated) list identifier of its own
    ['mit', 'MIT'], // identifiers match case-insensitively (D.2)
    ['gpl-2.0-or-later', 'GPL-2.0-or-later'],
  ])('reads the list identifier %s as id %s', (text, id) => {
    expect(parseSpdxExpression(text)).toEqual({ kind: 'id', id });
  });

  it.each([
    ['LGPL-2.1-only OR MIT', 'LGPL-2.1-only OR MIT'],
    ['LGPL-2.1-only OR BSD-3-Clause AND MIT', 'LGPL-2.1-only OR BSD-3-Clause AND MIT'],
    ['(LGPL-2.1-only OR BSD-3-Clause) AND MIT', '(LGPL-2.1-only OR BSD-3-Clause) AND MIT'],
    ['GPL-2.0-or-later WITH Bison-exception-2.2', 'GPL-2.0-or-later WITH Bison-exception-2.2'],
    ['Apache-2.0+', 'Apache-2.0+'],
    ['LicenseRef-23', 'LicenseRef-23'],
    ['DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2'],
    ['(MIT)', 'MIT'],
    ['((MIT OR Apache-2.0))', 'MIT OR Apache-2.0'],
    ['  MIT   AND\tISC ', 'MIT AND ISC'],
    ['mit OR apache-2.0', 'MIT OR Apache-2.0'],
    ['MIT AND (ISC AND Zlib)', 'MIT AND ISC AND Zlib'],
  ])('reads the expression %s as %s', (text, expression) => {
    const parsed = parseSpdxExpression(text);
    // A lone id in parentheses is just that id.
    expect(parsed?.kind === 'id' ? parsed.id : parsed?.expression).toBe(expression);
  });

  it.each([
    '',
    ' ',
    'GPL-2+', // Debian's spelling, not an SPDX identifier
    'BSD',
    'Apache License, Version 2.0',
    'MIT and ISC', // operators are upper case
    'MIT OR',
    'OR MIT',
    '(MIT',
    'MIT)',
    'MIT ISC',
    'MIT WITH',
    'MIT WITH NotAnException',
    'LicenseRef-',
    'LicenseRef-has_underscore',
    'NOASSERTION',
    'SEE LICENSE IN LICENSE',
    'MIT'.padEnd(3000, ' '),
  ])('refuses %j', (text) => {
    expect(parseSpdxExpression(text)).toBeUndefined();
  });

  it('refuses nesting deeper than any real expression without recursing away', () => {
    expect(parseSpdxExpression(`${'('.repeat(500)}MIT${')'.repeat(500)}`)).toBeUndefined();
    expect(parseSpdxExpression(`${'('.repeat(10)}MIT${')'.repeat(10)}`)).toEqual({ kind: 'id', id: 'MIT' });
  });
});

describe('spdxConjuncts', () => {
  it('splits a top-level AND and nothing else', () => {
    expect(spdxConjuncts('GPL-3.0-or-later AND BSD-4-Clause-UC AND LicenseRef-GPL-2')).toEqual([
      'GPL-3.0-or-later',
      'BSD-4-Clause-UC',
      'LicenseRef-GPL-2',
    ]);
    expect(spdxConjuncts('(MIT OR Apache-2.0) AND (GPL-2.0-only WITH Classpath-exception-2.0)')).toEqual([
      'MIT OR Apache-2.0',
      'GPL-2.0-only WITH Classpath-exception-2.0',
    ]);
    expect(spdxConjuncts('MIT OR ISC AND Zlib')).toEqual(['MIT OR ISC AND Zlib']);
    expect(spdxConjuncts('Zlib')).toEqual(['Zlib']);
    expect(spdxConjuncts('not an expression')).toBeUndefined();
  });
});

describe('parseSpdxExpression and object property names', () => {
  // fast-check found these: a lookup in a plain object would answer for them.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'MIT WITH constructor'])('refuses %s', (text) => {
    expect(parseSpdxExpression(text)).toBeUndefined();
  });
});
