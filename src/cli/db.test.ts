import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { registerDbCommand } from './db.js';

const fixture = (rel: string): string => new URL(`../advisories/feeds/${rel}`, import.meta.url).pathname;

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-cli-db-'));
  db = path.join(dir, 'advisories.db');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const program = new Command('bulkhead').exitOverride();
    registerDbCommand(program);
    await program.parseAsync(['node', 'bulkhead', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr };
}

describe('bulkhead db', () => {
  it('imports feed files, reports per-feed counts and skips, then status and search show the data', async () => {
    const imported = await run('db', 'import', '--db', db, fixture('debian/testdata/tracker-excerpt.json'), fixture('kev/testdata/kev-excerpt.json'), fixture('osv/testdata'));
    expect(imported.stdout).toContain('debian-tracker: 4 advisories, 0 enrichments, 1 skipped');
    expect(imported.stdout).toContain('kev: 0 advisories, 2 enrichments, 1 skipped');
    expect(imported.stdout).toMatch(/snapshot sha256:[0-9a-f]{64}/);
    expect(imported.stderr).toContain('unknown release');

    const status = JSON.parse((await run('db', 'status', '--db', db, '--json')).stdout) as { advisories: number; sources: { name: string }[] };
    expect(status.advisories).toBe(8);
    expect(status.sources.map((s) => s.name)).toContain('debian-tracker');

    const found = await run('db', 'search', '--db', db, 'CVE-2014-0160');
    expect(found.stdout).toContain('deb/debian-7 openssl: affected, fixed in 1.0.1e-2+deb7u5');
    expect(found.stdout).toContain('KEV: added 2022-05-04');
  });

  it('refuses unknown sources, missing databases and unrecognised files with BadInputError', async () => {
    await expect(run('db', 'update', '--db', db, '--source', 'nope')).rejects.toThrow(BadInputError);
    await expect(run('db', 'status', '--db', db)).rejects.toThrow(/no advisory database/);
    await expect(run('db', 'import', '--db', db, fixture('osv/testdata/README.md'))).rejects.toThrow(BadInputError);
  });

  it('warns when the data is older than --max-age', async () => {
    await run('db', 'import', '--db', db, fixture('kev/testdata/kev-excerpt.json'));
    expect((await run('db', 'status', '--db', db, '--max-age', '-1')).stderr).toContain('stale');
    expect((await run('db', 'status', '--db', db)).stderr).toBe('');
  });
});
