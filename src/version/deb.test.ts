import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deb, parseDebVersion } from './deb.js';
import { InvalidVersionError } from './invalid-version-error.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

describe('deb scheme, against vectors captured from dpkg', () => {
  it('accepts, warns about and rejects what dpkg does', () => {
    const rows = tsv('deb-parse.tsv');
    expect(rows.length).toBeGreaterThan(150);
    for (const [v, kind] of rows) {
      const p = parseDebVersion(v!);
      const got = !p.ok ? 'error' : p.warning ? 'warning' : 'ok';
      expect(got, v).toBe(kind);
      expect(deb.valid(v!), v).toBe(kind === 'ok');
    }
  });

  it('orders every captured pair as dpkg --compare-versions does', () => {
    const rows = tsv('deb-compare.tsv');
    expect(rows.length).toBeGreaterThan(500);
    for (const [a, b, r] of rows) {
      expect(deb.compareLoose(a!, b!), `${a} vs ${b}`).toBe(Number(r));
      if (deb.valid(a!) && deb.valid(b!)) expect(deb.compare(a!, b!), `${a} vs ${b}`).toBe(Number(r));
    }
  });

  it('throws InvalidVersionError naming the problem', () => {
    expect(() => deb.compare('1.0', 'a1')).toThrow(InvalidVersionError);
    expect(() => deb.compare('1:', '1')).toThrow(/nothing after colon/);
  });
});

const hasDpkg = spawnSync('dpkg', ['--version']).status === 0;
// Dpkg::Version (libdpkg-perl) is dpkg's own Perl implementation and runs thousands of pairs in
// one process; it is optional, the dpkg binary is not.
const hasDpkgPerl = spawnSync('perl', ['-MDpkg::Version', '-e', '1']).status === 0;
if (!hasDpkg && process.env.CI === 'true') throw new Error('dpkg is required in CI for the differential test');

const part = (chars: string, max: number) => fc.stringMatching(new RegExp(`^[${chars}]{0,${max}}$`));
const debVersion = fc
  .tuple(fc.option(fc.nat(3)), fc.nat(20), part('0-9a-zA-Z.+~', 6), fc.option(part('0-9a-zA-Z.+~', 5).filter((r) => r !== '')))
  .map(([e, n, rest, rev]) => `${e === null ? '' : `${e}:`}${n}${rest}${rev === null ? '' : `-${rev}`}`);

describe.skipIf(!hasDpkg)('deb scheme, differential against dpkg live', () => {
  it('agrees with dpkg --compare-versions on 300 generated pairs', () => {
    const pairs = fc.sample(fc.tuple(debVersion, debVersion), { numRuns: 300, seed: 7 });
    // dpkg has no batch mode: one bash process loops over the pairs.
    const out = execFileSync(
      'bash',
      ['-c', 'while IFS=$\'\\t\' read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done'],
      { input: pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), stdio: ['pipe', 'pipe', 'ignore'] },
    )
      .toString()
      .trim()
      .split('\n');
    expect(out).toHaveLength(pairs.length);
    pairs.forEach(([a, b], i) => expect(deb.compareLoose(a, b), `${a} vs ${b}`).toBe(Number(out[i])));
  }, 60_000);

  it.skipIf(!hasDpkgPerl)("agrees with dpkg's Dpkg::Version on 3000 generated pairs in one perl process", () => {
    const pairs = fc.sample(fc.tuple(debVersion, debVersion), { numRuns: 3000, seed: 4242 });
    const out = execFileSync(
      'perl',
      ['-MDpkg::Version', '-ne', 'chomp; my ($a, $b) = split /\t/; my $r = version_compare($a, $b); print(($r <=> 0), "\n")'],
      { input: pairs.map(([a, b]) => `${a}\t${b}\n`).join('') },
    )
      .toString()
      .trim()
      .split('\n');
    expect(out).toHaveLength(pairs.length);
    pairs.forEach(([a, b], i) => expect(deb.compareLoose(a, b), `${a} vs ${b}`).toBe(Number(out[i])));
  });
});
