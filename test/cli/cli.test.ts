/**
 * The built `bulkhead` command end to end on the bundled demo image: formats,
 * files, exit codes and one-line errors. Expected packages come from
 * dpkg-query reading the same status file the demo image was built from.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const cli = path.join(root, 'dist/bin/main.js');
const demo = path.join(root, 'examples/demo/debian-heartbleed.tar');

function bulkhead(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock', BULKHEAD_DB: '/nonexistent/bulkhead-advisories.db' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dpkgQuery(): string[] {
  const admin = mkdtempSync(path.join(tmpdir(), 'bulkhead-cli-dpkg-'));
  copyFileSync(path.join(root, 'examples/demo/build/status'), path.join(admin, 'status'));
  mkdirSync(path.join(admin, 'info'));
  writeFileSync(path.join(admin, 'available'), '');
  const out = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f', '${Package}\t${Version}\t${Architecture}\t${source:Package}\n'], { encoding: 'utf8' });
  return out.trim().split('\n').sort();
}

describe('bulkhead CLI', { timeout: 120_000 }, () => {
  it('scan --format json lists exactly what dpkg-query lists', () => {
    const r = bulkhead('scan', demo, '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const inv = (JSON.parse(r.stdout) as { inventory: { packages: { ecosystem: string; name: string; version: string; arch?: string; source?: { name: string } }[]; distro?: { id: string; versionId?: string } } }).inventory;
    const ours = inv.packages.filter((p) => p.ecosystem === 'deb').map((p) => `${p.name}\t${p.version}\t${p.arch ?? ''}\t${p.source?.name ?? p.name}`).sort();
    expect(ours).toEqual(dpkgQuery());
    expect(inv.distro).toMatchObject({ id: 'debian', versionId: '7' });
    // The app's node_modules holds lodash 4.17.15 (examples/demo/build/app).
    expect(inv.packages.filter((p) => p.ecosystem === 'npm').map((p) => `${p.name}@${p.version}`)).toEqual(['lodash@4.17.15']);
  });

  it('scan prints a table with the image and its packages', () => {
    const r = bulkhead('scan', `docker-archive:${demo}`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Image:\s+bulkhead-demo\/heartbleed:1\.0/);
    expect(r.stdout).toMatch(/libssl1\.0\.0\s+1\.0\.1e-2\+deb7u4\s+deb\s+openssl/);
    expect(r.stderr).toBe('');
  });

  it('sbom writes CycloneDX, SPDX and JSON to -o files that read back as the same inventory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-cli-'));
    const purls = (file: string): string[] => {
      const r = bulkhead('scan', `sbom:${file}`, '--format', 'json');
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { inventory: { packages: { purl: string }[] } }).inventory.packages.map((p) => p.purl).sort();
    };
    for (const format of ['cyclonedx', 'spdx', 'json']) {
      const file = path.join(dir, `demo.${format}.json`);
      const r = bulkhead('sbom', demo, '--format', format, '-o', file);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    }
    const expected = purls(path.join(dir, 'demo.json.json'));
    expect(expected).toContain('pkg:deb/debian/libssl1.0.0@1.0.1e-2%2Bdeb7u4?arch=amd64&distro=debian-7&upstream=openssl');
    expect(purls(path.join(dir, 'demo.cyclonedx.json'))).toEqual(expected);
    expect(purls(path.join(dir, 'demo.spdx.json'))).toEqual(expected);
  });

  it('exits 2 with one line on stderr for bad input and usage errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-cli-bad-'));
    const truncated = path.join(dir, 'truncated.tar');
    writeFileSync(truncated, readFileSync(demo).subarray(0, 20_000));
    for (const args of [
      ['scan', 'docker-archive:/no/such.tar'],
      ['scan', truncated],
      ['scan', 'docker:demo'],
      ['sbom', demo, '--format', 'xml'],
      ['scan'],
      ['scan', demo, '--catalogers', 'os/nope'],
    ]) {
      const r = bulkhead(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--debug adds stage timings and the stack', () => {
    const ok = bulkhead('scan', demo, '--debug');
    expect(ok.stderr).toMatch(/timings: .*layers \d+ ms.*catalog \d+ ms/);
    const bad = bulkhead('scan', 'docker-archive:/no/such.tar', '--debug');
    expect(bad.stderr).toMatch(/\n\s+at /);
  });

  it('version compare answers like dpkg --compare-versions', () => {
    expect(bulkhead('version', 'compare', 'deb', '1.0.1e-2+deb7u4', '1.0.1e-2+deb7u5').stdout).toBe('<\n');
    const r = spawnSync(process.execPath, [cli, 'version', 'compare', 'deb', '--batch'], { input: '1:1.0 2.0\n1.0~rc1 1.0\nbad!! 1\n', encoding: 'utf8' });
    expect(r.stdout).toBe('>\n<\n!\n');
  });
});
