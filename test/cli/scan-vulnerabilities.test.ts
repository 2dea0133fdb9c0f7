/**
 * `bulkhead scan` as a vulnerability scanner, end to end on the built CLI: the
 * demo image against the bundled advisory snapshot (real facts: Heartbleed
 * and CCS injection for wheezy openssl, lodash CVE-2020-8203), imported into
 * a fresh database through the advisory store.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPaths, openAdvisoryStore } from '../../src/advisories/index.js';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const cli = path.join(root, 'dist/bin/main.js');
const demo = path.join(root, 'examples/demo/debian-heartbleed.tar');
const work = mkdtempSync(path.join(tmpdir(), 'bulkhead-cli-vuln-'));
const db = path.join(work, 'advisories.db');

function bulkhead(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, BULKHEAD_DB: path.join(work, 'missing.db') } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const store = openAdvisoryStore(db);
  store.import(importPaths([path.join(root, 'examples/demo/advisories')]));
  store.close();
});

describe('bulkhead scan with an advisory database', { timeout: 120_000 }, () => {
  it('reports the demo findings as JSON and exits with --exit-code when they remain', () => {
    const r = bulkhead('scan', demo, '--db', db, '--format', 'json', '--exit-code', '3');
    expect(r.status, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as { findings: { id: string; package: { name: string }; fixedVersions: string[]; kev?: { dateAdded: string } }[] };
    const seen = doc.findings.map((f) => `${f.id} ${f.package.name} ${f.fixedVersions.join(',')}`).sort();
    expect(seen).toEqual([
      'CVE-2014-0160 libssl1.0.0 1.0.1e-2+deb7u5',
      'CVE-2014-0160 openssl 1.0.1e-2+deb7u5',
      'CVE-2014-0224 libssl1.0.0 1.0.1e-2+deb7u10',
      'CVE-2014-0224 openssl 1.0.1e-2+deb7u10',
      'GHSA-p6mc-m468-83gw lodash 4.17.19',
    ]);
    expect(doc.findings.find((f) => f.id === 'CVE-2014-0160')!.kev).toMatchObject({ dateAdded: '2022-05-04' });
  });

  it('--severity filters before --exit-code counts; --vex suppresses and keeps the finding visible', () => {
    expect(bulkhead('scan', demo, '--db', db, '--severity', 'critical', '--exit-code', '3').status).toBe(0);
    const vex = path.join(work, 'lodash.openvex.json');
    writeFileSync(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [{ vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
      }),
    );
    const r = bulkhead('scan', demo, '--db', db, '--vex', vex, '--severity', 'high');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUPPRESSED \(1\)\n.*\nGHSA-p6mc-m468-83gw\s+lodash\s+4\.17\.15\s+not_affected\s+vulnerable_code_not_in_execute_path/);
    expect(r.stdout).toMatch(/^Total: 2 vulnerabilities .*; 1 suppressed by VEX$/m);
  });

  it('matches an SBOM produced elsewhere (sbom:FILE)', () => {
    const sbom = path.join(work, 'demo.cdx.json');
    expect(bulkhead('sbom', demo, '--format', 'cyclonedx', '-o', sbom).status).toBe(0);
    const r = bulkhead('scan', `sbom:${sbom}`, '--db', db, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id).sort();
    expect(ids).toEqual(['CVE-2014-0160', 'CVE-2014-0160', 'CVE-2014-0224', 'CVE-2014-0224', 'GHSA-p6mc-m468-83gw']);
  });

  it('without a database: a warning, the inventory, exit 0 even with --exit-code; a bad --severity is exit 2', () => {
    const r = bulkhead('scan', demo, '--exit-code', '3');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Warning: no advisory database at .*missing\.db.*bulkhead db update/);
    expect(r.stdout).toMatch(/lodash\s+4\.17\.15\s+npm/);
    const bad = bulkhead('scan', demo, '--severity', 'severe');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--severity: unknown level "severe"/);
  });
});
