import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/console/audit/audit-log.js';
import { openStore } from '../../src/store/open-store.js';
import { freshDatabase } from '../support/store-fixtures.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function bulkhead(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 60_000, env: { ...process.env, BULKHEAD_DATABASE: '', BULKHEAD_DATA_DIR: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

describe('bulkhead console backup and restore, SQLite to PostgreSQL and back', () => {
  let dir: string;
  let sqliteFile: string;
  let pg: { database: string; cleanup(): void };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-console-cli-'));
    sqliteFile = path.join(dir, 'console.db');
    const store = await openStore({ database: sqliteFile });
    const log = createAuditLog(store);
    for (let i = 0; i < 5; i++) await log.append({ actor: 'user:alice', action: 'test.cli', target: `t:${i}` });
    await store.db.insertInto('users').values({ id: 'u1', name: 'alice', password_hash: '$argon2id$x', role: 'admin', collections: '[]', disabled: 0, created_at: 'c', updated_at: 'u' }).execute();
    await store.close();
    pg = freshDatabase('postgres');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    pg.cleanup();
  });

  it('backs up a SQLite store, restores it into PostgreSQL, where the audit chain verifies; and back into a new SQLite file', async () => {
    const file = path.join(dir, 'backup.jsonl.gz');
    const backup = await bulkhead('console', 'backup', '--data-dir', dir, '--output', file);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^backed up 7 rows from \\d+ tables of ${sqliteFile} to ${file} \\(\\d+ bytes, sha256 [0-9a-f]{64}\\)\\n$`));

    const restore = await bulkhead('console', 'restore', '--database', pg.database, '--input', file);
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toMatch(/^restored 7 rows into postgres:\/\/.* from a sqlite backup of .*; audit chain intact: 5 entries, head seq 5\n$/);
    expect(restore.stdout).not.toContain('bulkhead-test');

    const verify = await bulkhead('audit', 'verify', '--database', pg.database);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toContain('audit log intact: 5 entries');

    const again = await bulkhead('console', 'restore', '--database', pg.database, '--input', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^bulkhead: the store at postgres:\/\/.* is not empty \(.*users: 1.*\); a restore replaces everything in it: give --force\n$/);

    const back = path.join(dir, 'back.jsonl.gz');
    expect((await bulkhead('console', 'backup', '--database', pg.database, '-o', back)).code).toBe(0);
    const copy = path.join(dir, 'copy', 'console.db');
    const restoredBack = await bulkhead('console', 'restore', '--database', copy, '-i', back);
    expect(restoredBack.stdout).toMatch(/from a postgres backup of .*; audit chain intact: 5 entries/);
    const store = await openStore({ database: copy });
    try {
      expect(await store.db.selectFrom('users').select(['id', 'name', 'role']).execute()).toEqual([{ id: 'u1', name: 'alice', role: 'admin' }]);
    } finally {
      await store.close();
    }
  });
});
