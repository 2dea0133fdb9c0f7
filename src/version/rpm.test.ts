import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidVersionError } from './invalid-version-error.js';
import { compareRpmEvr, parseRpmEvr, rpm, rpmvercmp } from './rpm.js';

const tsv = (name: string): string[][] =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

describe('rpm scheme, against vectors captured from rpm 4.18', () => {
  it("agrees with Lua's rpm.vercmp (which parses both sides as EVR) on every captured pair", () => {
    const rows = tsv('rpm-vercmp.tsv');
    expect(rows.length).toBeGreaterThan(500);
    for (const [a, b, r] of rows) expect(rpm.compareLoose(a!, b!), `${a} vs ${b}`).toBe(Number(r));
  });

  it('rpmvercmp orders single version strings segment by segment', () => {
    // rpmvercmp itself is checked against every line of rpm's tests/rpmvercmp.at in the conformance suite.
    expect(rpmvercmp('1.0~rc1', '1.0')).toBe(-1);
    expect(rpmvercmp('1.0^git1', '1.0')).toBe(1);
    expect(rpmvercmp('1.0^git1', '1.0.1')).toBe(-1);
    expect(rpmvercmp('1.0a', '1.0.1')).toBe(-1);
  });

  it('EVR ordering agrees with rpm.ver on every captured pair', () => {
    const rows = tsv('rpm-evr-compare.tsv');
    expect(rows.length).toBeGreaterThan(500);
    for (const [a, b, r] of rows) expect(compareRpmEvr(parseRpmEvr(a!), parseRpmEvr(b!)), `${a} vs ${b}`).toBe(Number(r));
  });

  it('rejects strings rpmbuild would not accept as version or release', () => {
    expect(rpm.valid('1:2.3.4-5.el9_1')).toBe(true);
    expect(rpm.valid('1.0~rc1^git2')).toBe(true);
    for (const bad of ['', '1.0-', 'a:1.0', '1.0 1', '1.0-1/2', '-1']) expect(rpm.valid(bad), bad).toBe(false);
    expect(() => rpm.compare('1.0', '1 0')).toThrow(InvalidVersionError);
  });
});

const hasRpm = spawnSync('rpm', ['--eval', '%{lua: print(1)}']).stdout?.toString().trim() === '1';
if (!hasRpm && process.env.CI === 'true') throw new Error('rpm (with Lua) is required in CI for the differential test');

describe.skipIf(!hasRpm)('rpm scheme, differential against rpm live', () => {
  it('agrees with rpm.vercmp and rpm.ver (EVR) on 3000 generated pairs in one rpm process', () => {
    const seg = fc.stringMatching(/^[0-9a-zA-Z.~^_+]{1,8}$/);
    const evr = fc
      .tuple(fc.option(fc.nat(3)), seg, fc.option(seg))
      .map(([e, v, r]) => `${e === null ? '' : `${e}:`}${v}${r === null ? '' : `-${r}`}`);
    const pairs = fc.sample(fc.tuple(evr, evr), { numRuns: 3000, seed: 99 });
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-rpm-'));
    try {
      const input = path.join(dir, 'pairs.tsv');
      writeFileSync(input, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
      const lua = `for l in io.lines("${input}") do local a, b = l:match("^(.-)\\t(.*)$"); local x, y = rpm.ver(a), rpm.ver(b); local e = 0; if x < y then e = -1 elseif x > y then e = 1 end; print(rpm.vercmp(a, b) .. " " .. e .. "\\n") end`;
      const out = execFileSync('rpm', ['--eval', `%{lua: ${lua}}`]).toString().trim().split('\n');
      expect(out).toHaveLength(pairs.length);
      pairs.forEach(([a, b], i) => {
        const [raw, full] = out[i]!.split(' ');
        expect(rpm.compareLoose(a, b), `vercmp ${a} vs ${b}`).toBe(Number(raw));
        expect(compareRpmEvr(parseRpmEvr(a), parseRpmEvr(b)), `evr ${a} vs ${b}`).toBe(Number(full));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
