import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deb, pep440 } from '../../../version/index.js';
import { parseVersionConstraint, satisfiesConstraint, VersionConstraintError } from './version-constraint.js';

describe('version constraints', () => {
  it('reads comparators, commas, spaces and || alternatives', () => {
    expect(parseVersionConstraint('>=1.0, <1.1.1w || >= 3.0.0 <3.0.13').alternatives).toEqual([
      [{ op: '>=', version: '1.0' }, { op: '<', version: '1.1.1w' }],
      [{ op: '>=', version: '3.0.0' }, { op: '<', version: '3.0.13' }],
    ]);
    expect(parseVersionConstraint('==2.0').alternatives).toEqual([[{ op: '=', version: '2.0' }]]);
    expect(parseVersionConstraint('1.2.3').alternatives).toEqual([[{ op: '=', version: '1.2.3' }]]);
    for (const bad of ['', '<', '>>3', '1.0 ||', '<1 ! 2']) expect(() => parseVersionConstraint(bad), bad).toThrow(VersionConstraintError);
  });

  it('compares in the scheme: dpkg order (from dpkg --compare-versions) and PEP 440', () => {
    const lt = parseVersionConstraint('<3.0.13');
    expect(satisfiesConstraint(lt, deb, '3.0.11-1~deb12u2')).toBe(true);
    expect(satisfiesConstraint(lt, deb, '3.0.15-1~deb12u1')).toBe(false);
    expect(satisfiesConstraint(lt, deb, '1:2.0')).toBe(false);
    expect(satisfiesConstraint(lt, deb, '3.0.13~rc1')).toBe(true); // dpkg: ~ sorts before the empty string
    expect(satisfiesConstraint(parseVersionConstraint('<2.0.0'), pep440, '2.0.0rc1')).toBe(true);
    expect(satisfiesConstraint(parseVersionConstraint('!=2.0'), pep440, '2.0.0')).toBe(false); // PEP 440: 2.0 == 2.0.0
  });

  it('treats || as union and , as intersection', () => {
    const version = fc.tuple(fc.nat(20), fc.nat(20)).map(([a, b]) => `${a}.${b}`);
    fc.assert(
      fc.property(version, version, version, (v, a, b) => {
        const both = satisfiesConstraint(parseVersionConstraint(`>=${a}, <${b}`), pep440, v);
        const either = satisfiesConstraint(parseVersionConstraint(`>=${a} || <${b}`), pep440, v);
        const ge = satisfiesConstraint(parseVersionConstraint(`>=${a}`), pep440, v);
        const less = satisfiesConstraint(parseVersionConstraint(`<${b}`), pep440, v);
        expect(both).toBe(ge && less);
        expect(either).toBe(ge || less);
      }),
    );
  });
});
