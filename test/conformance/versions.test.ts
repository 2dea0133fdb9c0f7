/**
 * Version-scheme conformance against upstream test vectors in
 * ../shared/testdata/versions: osv-scalibr's per-ecosystem ordering files,
 * apk-tools' version.data, dpkg's Perl and C test tables, rpm's rpmvercmp.at
 * and golang.org/x/mod's semver tests. Every vector must agree; totals are
 * printed per source.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { apk, compareApkVersions } from '../../src/version/apk.js';
import { deb, parseDebVersion } from '../../src/version/deb.js';
import { canonicalGoVersion, compareGoModVersions, go } from '../../src/version/go.js';
import { schemeForOsvEcosystem } from '../../src/version/osv-ecosystem-scheme.js';
import { rpmvercmp } from '../../src/version/rpm.js';
import type { Ordering } from '../../src/version/scheme.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/testdata/versions');
const present = existsSync(dir);
if (!present && process.env.CI === 'true') throw new Error(`conformance data missing at ${dir}; CI must have ../shared/testdata`);
if (!present) console.warn(`skipping version conformance: ${dir} not found`);

const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
const totals = new Map<string, { checked: number; agreed: number }>();
function tally(source: string, ok: boolean): void {
  const t = totals.get(source) ?? { checked: 0, agreed: 0 };
  t.checked++;
  if (ok) t.agreed++;
  totals.set(source, t);
}
afterAll(() => {
  if (totals.size === 0) return;
  const lines = [...totals].map(([s, t]) => `  ${s}: ${t.agreed}/${t.checked}`);
  const all = [...totals.values()].reduce((a, t) => ({ checked: a.checked + t.checked, agreed: a.agreed + t.agreed }), { checked: 0, agreed: 0 });
  console.log(`version conformance (agreed/checked):\n${lines.join('\n')}\n  total: ${all.agreed}/${all.checked}`);
});

const OPS: Readonly<Record<string, Ordering>> = { '<': -1, '=': 0, '>': 1 };

/** Collects mismatches so one test reports every disagreement at once. */
function check<T>(source: string, cases: readonly T[], evaluate: (c: T) => string | undefined): void {
  const failures: string[] = [];
  for (const c of cases) {
    const problem = evaluate(c);
    tally(source, problem === undefined);
    if (problem !== undefined) failures.push(problem);
  }
  expect(failures).toEqual([]);
  expect(cases.length).toBeGreaterThan(0);
}

describe.skipIf(!present)('osv-scalibr semantic/testdata', () => {
  const FILES: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['semver-versions.txt', ['npm', 'crates.io', 'Go']],
    ['alpine-versions.txt', ['Alpine']],
    ['debian-versions.txt', ['Debian']],
    ['redhat-versions.txt', ['Red Hat']],
    ['pypi-versions.txt', ['PyPI']],
    ['maven-versions.txt', ['Maven']],
    ['nuget-versions.txt', ['NuGet']],
    ['packagist-versions.txt', ['Packagist']],
    ['rubygems-versions.txt', ['RubyGems']],
  ];
  const parse = (file: string): Array<{ a: string; op: Ordering; b: string; line: number }> =>
    read(`osv-scalibr/${file}`)
      .split('\n')
      .map((text, i) => ({ text, line: i + 1 }))
      .filter(({ text }) => text !== '' && !text.startsWith('# ') && !text.startsWith('// '))
      .map(({ text, line }) => {
        const parts = text.split(' ');
        if (parts.length !== 3 || !(parts[1]! in OPS)) throw new Error(`${file}:${line}: malformed ${JSON.stringify(text)}`);
        return { a: parts[0]!, op: OPS[parts[1]!]!, b: parts[2]!, line };
      });

  /**
   * Vectors where the reference tool on the machine disagrees with osv-scalibr,
   * and Bulkhead follows the tool. Each must keep disagreeing in exactly the recorded way.
   */
  const DEVIATIONS: ReadonlyArray<{ file: string; a: string; b: string; bulkhead: Ordering; why: string }> = [
    {
      file: 'maven-versions.txt',
      a: '1-1',
      b: '1-ga-1',
      bulkhead: 1,
      why: 'Maven 3.8.7 ComparableVersion prints "1-1 > 1-ga-1" (tokens [1, [1]] vs [1, [[1]]]); osv-scalibr says equal',
    },
  ];

  for (const [file, ecosystems] of FILES) {
    for (const eco of ecosystems) {
      it(`${file} as ${eco}`, () => {
        const scheme = schemeForOsvEcosystem(eco);
        expect(scheme, eco).toBeDefined();
        const deviations = DEVIATIONS.filter((d) => d.file === file);
        for (const d of deviations) {
          expect(scheme!.compareLoose(d.a, d.b), d.why).toBe(d.bulkhead);
          console.log(`documented deviation in ${file}: ${d.a} vs ${d.b}: ${d.why}`);
        }
        const cases = parse(file).filter((c) => !deviations.some((d) => d.a === c.a && d.b === c.b));
        check(`osv-scalibr ${file} (${eco})`, cases, ({ a, op, b, line }) => {
          const ab = scheme!.compareLoose(a, b);
          const ba = scheme!.compareLoose(b, a);
          return ab === op && ba === -op ? undefined : `${file}:${line}: ${a} ${b} expected ${op}, got ${ab} (reverse ${ba})`;
        });
      });
    }
  }

  it('has no scheme for Pub, CRAN and Hackage, which Bulkhead does not catalog', () => {
    for (const eco of ['Pub', 'CRAN', 'Hackage']) expect(schemeForOsvEcosystem(eco)).toBeUndefined();
  });
});

describe.skipIf(!present)('apk-tools test/unit/version.data', () => {
  it('agrees on every comparison and validity line', () => {
    const lines = read('apk-version.data')
      .split('\n')
      .map((l, i) => ({ text: l.replace(/#.*$/, '').trim(), line: i + 1 }))
      .filter(({ text }) => text !== '');
    check('apk version.data', lines, ({ text, line }) => {
      const fields = text.split(/\s+/);
      if (fields.length === 1) {
        const invalid = fields[0]!.startsWith('!');
        const v = invalid ? fields[0]!.slice(1) : fields[0]!;
        const valid = apk.valid(v);
        return valid === !invalid ? undefined : `line ${line}: ${JSON.stringify(v)} valid=${valid}`;
      }
      const [a, rawOp, b] = fields as [string, string, string];
      const negate = rawOp.startsWith('!');
      const op = negate ? rawOp.slice(1) : rawOp;
      const fuzzy = op.includes('~');
      const r = compareApkVersions(a, b, fuzzy);
      const bit = r < 0 ? '<' : r > 0 ? '>' : '=';
      const mask = new Set(op.replace('~', '='));
      const matched = mask.has(bit);
      return matched !== negate ? undefined : `line ${line}: ${a} ${rawOp} ${b} gave ${bit}`;
    });
  });
});

describe.skipIf(!present)('dpkg', () => {
  const cases = (file: string): Array<[string, string, Ordering]> =>
    read(file)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [a, b, r] = l.trim().split(/\s+/);
        return [a!, b!, Number(r) as Ordering];
      });
  for (const file of ['dpkg-version-cases.txt', 'dpkg-t-version-c-cases.txt']) {
    it(`orders ${file}`, () => {
      check(file, cases(file), ([a, b, r]) => {
        const loose = deb.compareLoose(a, b);
        const strict = deb.valid(a) && deb.valid(b) ? deb.compare(a, b) : r;
        return loose === r && strict === r ? undefined : `${a} ${b}: expected ${r}, got ${loose}/${strict}`;
      });
    });
  }
  it('parses like parseversion() in t-version.c', () => {
    const data = JSON.parse(read('dpkg-t-version-c-parse.json')) as {
      cases: Array<{ input: string; valid: boolean; epoch?: number; upstream?: string; revision?: string; severity?: 'error' | 'warning' }>;
    };
    check('dpkg t-version.c parse', data.cases, (c) => {
      const p = parseDebVersion(c.input);
      const got = p.ok ? (p.warning ? `warning:${p.warning}` : JSON.stringify(p.version)) : `error:${p.error}`;
      const ok = c.valid
        ? p.ok && !p.warning && p.version.epoch === c.epoch && p.version.upstream === c.upstream && p.version.revision === c.revision && deb.valid(c.input)
        : !deb.valid(c.input) && (c.severity === 'error' ? !p.ok : p.ok && p.warning !== undefined);
      return ok ? undefined : `${JSON.stringify(c.input)}: expected ${JSON.stringify(c)}, got ${got}`;
    });
  });
});

describe.skipIf(!present)('rpm tests/rpmvercmp.at', () => {
  it('agrees with every RPMVERCMP line', () => {
    const cases = read('rpmvercmp-cases.txt')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.split(' '));
    check('rpmvercmp.at', cases, ([a, b, r]) => {
      const got = rpmvercmp(a!, b!);
      return got === Number(r) ? undefined : `${a} ${b}: expected ${r}, got ${got}`;
    });
  });
});

describe.skipIf(!present)('golang.org/x/mod semver', () => {
  const rows = (): Array<{ input: string; canonical: string; index: number }> =>
    read('go-semver-cases.txt')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('# '))
      .map((l, index) => {
        const [input, canonical] = l.split(' ');
        return { input: input!, canonical: canonical === '-' ? '' : canonical!, index };
      });

  it('canonicalises and validates like semver.Canonical / IsValid', () => {
    check('go semver canonical', rows(), ({ input, canonical }) => {
      const got = canonicalGoVersion(input);
      return got === canonical && go.valid(input) === (canonical !== '') ? undefined : `${input}: expected ${canonical || '(invalid)'}, got ${got}`;
    });
  });

  it('compares every pair like semver.Compare', () => {
    const all = rows();
    const pairs = all.flatMap((x) => all.map((y) => [x, y] as const));
    check('go semver compare (pairs)', pairs, ([x, y]) => {
      let want: Ordering;
      if (x.canonical === y.canonical) want = 0;
      else if (x.canonical === '' || y.canonical === '') want = x.canonical === '' ? -1 : 1;
      else want = x.index < y.index ? -1 : 1;
      const got = compareGoModVersions(x.input, y.input);
      return got === want ? undefined : `${x.input} ${y.input}: expected ${want}, got ${got}`;
    });
  });

  it('sorts like semver.Sort', () => {
    const golden = read('go-semver-sort-golden.txt')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('# '));
    const sorted = [...golden].reverse().sort((a, b) => compareGoModVersions(a, b) || (a < b ? -1 : a > b ? 1 : 0));
    check('go semver sort golden', [0], () => (JSON.stringify(sorted) === JSON.stringify(golden) ? undefined : `sorted: ${sorted.join(' ')}`));
  });
});
