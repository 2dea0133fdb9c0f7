import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getScheme } from './registry.js';
import { SCHEME_NAMES, type Ordering, type SchemeName } from './scheme.js';

// Strings made of the characters versions are built from.
const versionish = fc.stringMatching(/^[0-9][0-9.\-+~^_:abcdeprvx]{0,11}$/);
const anyString = fc.string({ maxLength: 24 });

const n = fc.integer({ min: 0, max: 12 }).map(String);
const dotted = (min: number, max: number) => fc.array(n, { minLength: min, maxLength: max }).map((p) => p.join('.'));
const pick = <T,>(...xs: T[]) => fc.constantFrom(...xs);
const opt = (a: fc.Arbitrary<string>) => fc.option(a, { nil: '' });
const cat = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((p) => p.join(''));

/** Well-formed versions for each scheme, so that the strict comparison gets exercised. */
const VALID: Record<SchemeName, fc.Arbitrary<string>> = {
  deb: cat(opt(n.map((e) => `${e}:`)), dotted(1, 3), opt(pick('~rc1', '+b1', '~', 'a')), opt(cat(pick('-'), n, opt(pick('ubuntu1', '+deb12u1', '~bpo1'))))),
  rpm: cat(opt(n.map((e) => `${e}:`)), dotted(1, 3), opt(pick('~rc1', '^git1', 'a', '_1')), opt(cat(pick('-'), n, opt(pick('.el9', '.fc40_1'))))),
  apk: cat(dotted(1, 3), opt(pick('a', 'b')), opt(cat(pick('_alpha', '_rc', '_p', '_git'), opt(n))), opt(n.map((r) => `-r${r}`))),
  semver: cat(dotted(3, 3), opt(cat(pick('-'), pick('alpha', 'beta.1', '0', 'rc.2', '1.a'))), opt(pick('+b1', '+x.y'))),
  cargo: cat(dotted(3, 3), opt(cat(pick('-'), pick('alpha', 'beta.1', '0', 'rc.2', '1.a'))), opt(pick('+b1', '+x.y'))),
  pep440: cat(opt(n.map((e) => `${e}!`)), dotted(1, 4), opt(cat(pick('a', 'b', 'rc'), n)), opt(n.map((p) => `.post${p}`)), opt(n.map((d) => `.dev${d}`)), opt(pick('+local', '+1.a'))),
  maven: cat(dotted(1, 3), opt(pick('-alpha-1', '-SNAPSHOT', '.RELEASE', '-rc1', '-sp', 'a1', '-1'))),
  go: cat(pick('v'), dotted(1, 3).filter((d) => d.split('.').length === 3), opt(pick('-pre', '-0.20240101000000-abcdef012345', '-rc.1')), opt(pick('+incompatible'))),
  gem: cat(dotted(1, 3), opt(pick('.a', '.pre.1', '.rc2', '-1'))),
  nuget: cat(dotted(1, 4), opt(pick('-beta', '-RC.1', '-alpha.2')), opt(pick('+meta'))),
  composer: cat(opt(pick('v')), dotted(1, 4), opt(pick('-alpha1', 'RC2', '-beta.1', '-patch1', '-dev', 'pl3'))),
};

describe.each(SCHEME_NAMES)('%s scheme properties', (name) => {
  const scheme = getScheme(name);

  it('compareLoose never throws and is antisymmetric, also on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(versionish, anyString), fc.oneof(versionish, anyString), (a, b) => {
        const ab: Ordering = scheme.compareLoose(a, b);
        expect([-1, 0, 1]).toContain(ab);
        expect(scheme.compareLoose(b, a)).toBe(-ab || 0);
        expect(scheme.compareLoose(a, a)).toBe(0);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('compare agrees with compareLoose on valid versions and is transitive', () => {
    fc.assert(
      fc.property(VALID[name], VALID[name], VALID[name], (a, b, c) => {
        for (const v of [a, b, c]) expect(scheme.valid(v), v).toBe(true);
        expect(scheme.compare(a, b)).toBe(scheme.compareLoose(a, b));
        const sorted = [a, b, c].sort(scheme.compare);
        expect(scheme.compare(sorted[0]!, sorted[2]!)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 200, seed: 2 },
    );
  });

  it('stays fast on long hostile input', () => {
    const inputs = ['1'.repeat(5000), `1.0.0-${'1'.repeat(600)}x`, `1${'.0'.repeat(2000)}`, `${'1-'.repeat(2000)}a`, `1.0${'a1'.repeat(2000)}!`];
    const start = performance.now();
    for (const a of inputs) {
      scheme.valid(a);
      for (const b of inputs) scheme.compareLoose(a, b);
    }
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
