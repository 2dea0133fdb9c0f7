import { execFile, execFileSync } from 'node:child_process';
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

/** The verifier docs/console.md shows, verbatim. */
const PYTHON_VERIFIER = `import hashlib, json, sys
prev, expected_seq = "0" * 64, 1
for line in sys.stdin:
    e = json.loads(line)
    body = {k: e[k] for k in ("seq", "at", "actor", "action", "target", "detail", "prev_hash")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ok = e["seq"] == expected_seq and e["prev_hash"] == prev and hashlib.sha256(text.encode()).hexdigest() == e["hash"]
    if not ok:
        sys.exit("broken at seq %d" % e["seq"])
    prev, expected_seq = e["hash"], e["seq"] + 1
print(f"ok: {expected_seq - 1} entries, head {prev}")
`;

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

  it("hashes as an independent implementation does (Python's json and hashlib, the script in docs/console.md)", async () => {
    const exported = await bulkhead('audit', 'export', '--database', where.database);
    const verdict = execFileSync('python3', ['-c', PYTHON_VERIFIER], { input: exported.stdout, encoding: 'utf8' });
    const head = JSON.parse(exported.stdout.trimEnd().split('\n').pop()!) as { hash: string };
    expect(verdict).toBe(`ok: 6 entries, head ${head.hash}\n`);
    const edited = exported.stdout.replace('"t:4"', '"t:5"');
    expect(() => execFileSync('python3', ['-c', PYTHON_VERIFIER], { input: edited, encoding: 'utf8', stdio: 'pipe' })).toThrow(/broken at seq 4/);
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
  it('says in one line that PostgreSQL refuses, or that a database is not a console store, exit 2', async () => {
    const refused = await bulkhead('audit', 'verify', '--database', 'postgres://bulkhead:pw@127.0.0.1:1/console');
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe('bulkhead: cannot connect to the console store postgres://bulkhead:***@127.0.0.1:1/console: connection refused by 127.0.0.1:1 (is PostgreSQL running and accepting TCP connections there?)\n');
    const empty = freshDatabase('postgres');
    const notConsole = await bulkhead('audit', 'verify', '--database', empty.database);
    expect(notConsole.code).toBe(2);
    expect(notConsole.stderr).toMatch(/^bulkhead: postgres:\/\/bulkhead:\*\*\*@127\.0\.0\.1:\d+\/t_[0-9a-f]+ is not a console store \(no audit table\)\n$/);
  });

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
