/**
 * The CI gate end to end: `bulkhead scan --policy` on the demo image with the
 * bundled advisory snapshot. Heartbleed (CVE-2014-0160) is in CISA KEV and
 * fixed in wheezy's 1.0.1e-2+deb7u5, so the default policy blocks the
 * image's 1.0.1e-2+deb7u4; a policy with an exception for it does not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const cli = path.join(root, 'dist/bin/main.js');
const demo = path.join(root, 'examples/demo/debian-heartbleed.tar');
const work = mkdtempSync(path.join(tmpdir(), 'bulkhead-gate-'));
const db = path.join(work, 'advisories.db');

function bulkhead(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scan --policy (the CI gate)', { timeout: 120_000 }, () => {
  beforeAll(() => {
    const r = bulkhead('db', 'import', '--db', db, path.join(root, 'examples/demo/advisories'));
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);

  it('blocks the demo image on the default policy, exits 1 and says why', () => {
    const r = bulkhead('scan', demo, '--db', db, '--policy', path.join(root, 'policies/default.yaml'), '--format', 'json');
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { decision: { verdict: string; violations: { ruleId: string; evidence: { advisory?: { id: string }; package?: { name: string } } }[] } };
    expect(doc.decision.verdict).toBe('block');
    const heartbleed = doc.decision.violations.filter((v) => v.evidence.advisory?.id === 'CVE-2014-0160').map((v) => v.evidence.package?.name);
    expect(new Set(heartbleed)).toEqual(new Set(['libssl1.0.0', 'openssl']));
  });

  it('carries the violations in SARIF and JUnit', () => {
    const policy = path.join(root, 'policies/default.yaml');
    const sarif = bulkhead('scan', demo, '--db', db, '--policy', policy, '--format', 'sarif');
    expect(sarif.status).toBe(1);
    const runs = (JSON.parse(sarif.stdout) as { runs: { tool: { driver: { name: string } }; results: { level: string }[] }[] }).runs;
    expect(runs.map((r) => r.tool.driver.name)).toEqual(['bulkhead', 'bulkhead-policy']);
    expect(runs[1]?.results.some((r) => r.level === 'error')).toBe(true);
    const junit = bulkhead('scan', demo, '--db', db, '--policy', policy, '--format', 'junit');
    expect(junit.stdout).toMatch(/<testsuite name="policy bulkhead-default: block"/);
  });

  it('allows with an exception that names the advisory, and shows the exception', () => {
    const policy = path.join(work, 'policy.yaml');
    writeFileSync(
      policy,
      `version: 1
name: kev-only
rules:
  - id: no-kev
    description: nothing in CISA KEV
    effect: block
    vulnerabilities:
      kev: true
exceptions:
  - id: accept-heartbleed
    rules: [no-kev]
    advisories: [CVE-2014-0160]
    images: ['**']
    owner: secops@example.com
    reason: demo image, never deployed
    expires: '2099-12-31'
`,
    );
    const r = bulkhead('scan', demo, '--db', db, '--policy', policy);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Decision: ALLOWED/);
    expect(r.stdout).toMatch(/EXCEPTION accept-heartbleed/);
  });

  it('refuses a broken policy before scanning: exit 2 with file:line', () => {
    const policy = path.join(work, 'broken.yaml');
    writeFileSync(policy, 'version: 1\nname: broken\nrules:\n  - id: x\n    effect: block\n    nosuchkind: {}\n');
    const r = bulkhead('scan', demo, '--db', db, '--policy', policy);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+/);
  });

  it('lints a Dockerfile with line numbers', () => {
    const file = path.join(work, 'Dockerfile');
    writeFileSync(file, 'FROM debian\nRUN curl -fsSL https://example.invalid/install.sh | sh\n');
    const r = bulkhead('scan', `dockerfile:${file}`, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; location?: { line?: number } }[] };
    expect(doc.findings.find((f) => f.id === 'dockerfile-pipe-to-shell')?.location?.line).toBe(2);
  });
});
