import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from './line-diff.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gnuDiff(a: string, b: string): string {
  writeFileSync(path.join(dir, 'a'), a);
  writeFileSync(path.join(dir, 'b'), b);
  const r = spawnSync('diff', ['-u', '--label', 'v1', '--label', 'v2', path.join(dir, 'a'), path.join(dir, 'b')], { encoding: 'utf8' });
  return r.stdout;
}

/** Applies our diff to `a` with GNU patch and returns the result. */
function patched(a: string, diff: string): string {
  writeFileSync(path.join(dir, 'target'), a);
  writeFileSync(path.join(dir, 'p.diff'), diff);
  execFileSync('patch', ['--quiet', '--force', path.join(dir, 'target'), path.join(dir, 'p.diff')]);
  return readFileSync(path.join(dir, 'target'), 'utf8');
}

const policy = ['version: 1', 'name: acme', 'rules:', '  - id: vuln-kev', '    effect: block', '    vulnerabilities:', '      kev: true', '  - id: secrets', '    effect: block', '    config:', '      secrets: true', ''].join('\n');

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff(policy, policy, { from: 'v1', to: 'v2' })).toBe('');
  });

  it('matches GNU diff -u on a one-line change, an insertion and a deletion', () => {
    const cases = [
      policy.replace('effect: block\n    vulnerabilities', 'effect: alert\n    vulnerabilities'),
      policy.replace('rules:\n', 'rules:\n  - id: new-rule\n    effect: alert\n    config: {notRoot: true}\n'),
      policy.replace('  - id: secrets\n    effect: block\n    config:\n      secrets: true\n', ''),
      `${policy}exceptions: []\n`,
    ];
    for (const b of cases) expect(unifiedDiff(policy, b, { from: 'v1', to: 'v2' })).toBe(gnuDiff(policy, b));
  });

  it('produces diffs GNU patch applies to reproduce the new text, on random edits', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 30; round++) {
      const a = Array.from({ length: 40 + rand(60) }, () => `line ${rand(15)}`);
      const b = [...a];
      for (let e = 0; e < 1 + rand(12); e++) {
        const at = rand(b.length + 1);
        if (rand(2) === 0) b.splice(at, 1);
        else b.splice(at, 0, `new ${rand(1000)}`);
      }
      const before = `${a.join('\n')}\n`;
      const after = `${b.join('\n')}\n`;
      const diff = unifiedDiff(before, after, { from: 'v1', to: 'v2' });
      if (before === after) expect(diff).toBe('');
      else expect(patched(before, diff)).toBe(after);
    }
  });

  it('diffs a large policy with scattered edits quickly and correctly', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `  - rule ${i}`);
    const b = a.map((l, i) => (i % 400 === 7 ? `${l} changed` : l));
    const before = `${a.join('\n')}\n`;
    const after = `${b.join('\n')}\n`;
    const started = Date.now();
    const diff = unifiedDiff(before, after, { from: 'v1', to: 'v2' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(patched(before, diff)).toBe(after);
  });
});
