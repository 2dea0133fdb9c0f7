import { describe, expect, it } from 'vitest';
import { licenseOffenders, parseLicenseExpression } from './spdx-expression.js';

const allowed = new Set(['MIT', 'Apache-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0']);
const ok = (id: string) => allowed.has(id);

describe('SPDX expressions against an allow-list', () => {
  it('passes when some OR choice is all allowed', () => {
    expect(licenseOffenders(parseLicenseExpression('MIT OR GPL-3.0-only'), ok)).toEqual([]);
    expect(licenseOffenders(parseLicenseExpression('(GPL-3.0-only OR MIT) AND Apache-2.0'), ok)).toEqual([]);
    expect(licenseOffenders(parseLicenseExpression('MIT AND GPL-3.0-only'), ok)).toEqual(['GPL-3.0-only']);
    expect(licenseOffenders(parseLicenseExpression('GPL-3.0-only OR (BSD-2-Clause AND ISC)'), ok)).toEqual(['GPL-3.0-only']);
  });

  it('keeps WITH exceptions and precedence (AND binds tighter than OR)', () => {
    expect(parseLicenseExpression('GPL-2.0-only WITH Classpath-exception-2.0')).toEqual({ op: 'license', id: 'GPL-2.0-only WITH Classpath-exception-2.0' });
    expect(parseLicenseExpression('MIT OR Apache-2.0 AND GPL-3.0-only')).toMatchObject({ op: 'or', left: { id: 'MIT' }, right: { op: 'and' } });
  });

  it('takes non-expressions whole and survives hostile nesting', () => {
    expect(parseLicenseExpression('GPL-2+ and later, see copyright')).toEqual({ op: 'license', id: 'GPL-2+ and later, see copyright' });
    expect(parseLicenseExpression('MIT AND')).toEqual({ op: 'license', id: 'MIT AND' });
    const deep = `${'('.repeat(5000)}MIT${')'.repeat(5000)}`;
    expect(parseLicenseExpression(deep)).toEqual({ op: 'license', id: deep });
  });
});
