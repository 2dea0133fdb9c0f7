import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/console/audit/audit-log.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { freshDatabase, STORE_DIALECTS } from '../support/store-fixtures.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs the real `bulkhead` entry point in a child process. */
function bulkhead(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 60_000, env: { ...process.env, BULKHEAD_DATABASE: '', BULKHEAD_DATA_DIR: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 99) : 0, stdout, stderr });
    });
  });
}

describe.each(STORE_DIALECTS)('bulkhead audit on %s', (dialect) => {
  let where: { database: string; cleanup(): void };
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    where = freshDatabase(dialect);
    store = await openStore({ database: where.database });
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-audit-cli-'));
    let clock = Date.parse('2026-04-01T10:00:00.000Z');
    const log = createAuditLog(store, { now: () => new Date((clock += 1000)) });
    for (let i = 1; i <= 6; i++) await log.append({ actor: 'user:alice', action: 'test.step', target: `t:${i}`, detail: { i, note: 'line\nbreak "quoted"' } });
  });
  afterAll(async () => {
    await store.close();
    where.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports JSON lines, all or --since, to stdout or a file', async () => {
    const all = await bulkhead('audit', 'export', '--database', where.database);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines[1]).toMatchObject({ seq: 2, at: '2026-04-01T10:00:02.000Z', actor: 'user:alice', action: 'test.step', target: 't:2', detail: { i: 2, note: 'line\nbreak "quoted"' } });
    expect(lines[1]?.prev_hash).toBe(lines[0]?.hash);

    const file = path.join(dir, `export-${dialect}.jsonl`);
    const since = await bulkhead('audit', 'export', '--database', where.database, '--since', '2026-04-01T10:00:05Z', '--output', file);
    expect(since.code).toBe(0);
    expect(since.stderr).toContain('exported 2 audit entries');
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([5, 6]);
  });

  it('verify exits 0 on an intact chain and 1 with the place of a deleted entry', async () => {
    const ok = await bulkhead('audit', 'verify', '--database', where.database);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^audit log intact: 6 entries, head seq 6 sha256:[0-9a-f]{64}\n$/);

    await sql`DELETE FROM audit WHERE seq = 3`.execute(store.db);
    const broken = await bulkhead('audit', 'verify', '--database', where.database);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('audit log broken at seq 3 (deleted): entry 3 is missing: the table goes from seq 2 to seq 4; 2 entries before it are intact\n');
  });
});

describe('bulkhead audit on bad input', () => {
  it('says in one line that there is no store, exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-audit-cli-'));
    try {
      const missing = await bulkhead('audit', 'verify', '--data-dir', dir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`bulkhead: no console store at ${path.join(dir, 'console.db')} (give --database URL|FILE or --data-dir DIR)\n`);
      const since = await bulkhead('audit', 'export', '--database', path.join(dir, 'x.db'), '--since', 'last week');
      expect(since).toMatchObject({ code: 2, stderr: 'bulkhead: --since "last week" is not an ISO-8601 time\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
