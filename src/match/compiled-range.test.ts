import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AffectedRange } from '../domain/advisory.js';
import { deb, go, rangeIncludes, semver } from '../version/index.js';
import { compiledIncludes, compileRange } from './compiled-range.js';

const semverVersion = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5), fc.option(fc.constantFrom('alpha', 'rc.1', '0'), { nil: undefined })).map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
const event = (v: fc.Arbitrary<string>) =>
  fc.oneof(
    v.map((x) => ({ introduced: x })),
    fc.constant({ introduced: '0' }),
    v.map((x) => ({ fixed: x })),
    v.map((x) => ({ last_affected: x })),
    v.map((x) => ({ limit: x })),
    fc.constant({ limit: '*' }),
  );

describe('compiled OSV ranges', () => {
  for (const [name, scheme, versions] of [
    ['semver', semver, semverVersion],
    ['go', go, semverVersion.map((v) => `v${v}`)],
    ['deb', deb, fc.tuple(fc.nat(3), fc.nat(3), fc.constantFrom('', '~rc1', '+deb7u1', '-1')).map(([a, b, s]) => `${a}.${b}${s}`)],
  ] as const) {
    it(`agree with rangeIncludes (${name}), cached or not`, () => {
      fc.assert(
        fc.property(fc.array(event(versions), { maxLength: 6 }), fc.array(versions, { minLength: 1, maxLength: 4 }), (events, probes) => {
          const range: AffectedRange = { type: 'ECOSYSTEM', events };
          for (const v of probes) {
            const expected = rangeIncludes(scheme.compareLoose, v, range);
            expect(compiledIncludes(compileRange(range, scheme.compareLoose), scheme.compareLoose, v)).toBe(expected);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
