import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import type { Store, StoreDialect } from '../../store/open-store.js';
import { createAuditLog } from '../audit/audit-log.js';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';
import { restoreBackup } from './restore-backup.js';
import { storeTables } from './store-tables.js';
import { writeBackup } from './write-backup.js';

type FreshStore = Store & { cleanup(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tables are walked by name
const anyDb = (store: Store): Kysely<any> => store.db as unknown as Kysely<any>;

/**
 * Rows in every table the store has (found by introspection, so a table a later
 * migration adds is covered without editing this test): text with quotes,
 * newlines, non-ASCII and a 100 kB document, integers up to 2^53-1 in bigint
 * columns, nulls where allowed; 2,500 rows in one table to cross the batch and
 * fetch sizes; and a real audit chain written by the audit log.
 */
async function fill(store: Store): Promise<void> {
  const db = anyDb(store);
  const tables = await db.introspection.getTables();
  for (const table of tables) {
    if (table.name === 'audit') continue;
    // SQLite lets a text primary key be NULL (introspection says nullable); PostgreSQL does not.
    const keys = store.dialect === 'sqlite'
      ? new Set((await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table.name})`.execute(db)).rows.filter((r) => r.pk > 0).map((r) => r.name))
      : new Set<string>();
    const count = table.name === 'inventory_packages' ? 2500 : 4;
    const rows = Array.from({ length: count }, (_, i) => Object.fromEntries(table.columns.map((c) => {
      if (c.isNullable && !keys.has(c.name) && i === 3) return [c.name, null];
      if (/int/i.test(c.dataType)) return [c.name, c.dataType === 'int8' || /big/i.test(c.dataType) ? Number.MAX_SAFE_INTEGER - i : i * 7 + 1];
      const text = `${table.name}.${c.name} #${i} "quoted" \\ back, ünïcödé ✓\nsecond line`;
      return [c.name, i === 1 && c.name === table.columns[table.columns.length - 1]?.name ? `${text}${'x'.repeat(100_000)}` : text];
    })));
    for (let i = 0; i < rows.length; i += 200) await db.insertInto(table.name).values(rows.slice(i, i + 200)).execute();
  }
  const log = createAuditLog(store);
  for (let i = 0; i < 25; i++) await log.append({ actor: `user:u${i % 3}`, action: 'test.fill', target: `t:${i}`, detail: { i, text: 'ü "x" ]' } });
}

/** Every table's rows, sorted, for comparing two stores whatever their dialects. */
async function contents(store: Store): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await storeTables(store, store.db)) {
    const rows = await anyDb(store).selectFrom(t.name).selectAll().execute();
    out[t.name] = rows.map((r) => JSON.stringify(t.columns.map((c) => (r as Record<string, unknown>)[c]))).sort();
  }
  return out;
}

const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAIRS: [StoreDialect, StoreDialect][] = STORE_DIALECTS.flatMap((a) => STORE_DIALECTS.map((b) => [a, b] as [StoreDialect, StoreDialect]));

describe.each(PAIRS)('backup from %s, restore into %s', (from, to) => {
  let source: FreshStore;
  let target: FreshStore;
  let file: string;
  beforeAll(async () => {
    source = await openFreshStore(from);
    target = await openFreshStore(to);
    await fill(source);
    file = path.join(dir, `${from}-to-${to}.jsonl.gz`);
  });
  afterAll(async () => {
    await source?.cleanup();
    await target?.cleanup();
  });

  it('restores every row of every table, and the audit chain verifies and continues', async () => {
    const written = await writeBackup(source, file);
    expect(written.rows.inventory_packages).toBe(2500);
    expect(written.rows.audit).toBe(25);
    const expected = await contents(source);
    for (const [table, rows] of Object.entries(expected)) expect(rows.length, table).toBeGreaterThan(0);

    const restored = await restoreBackup(target, file);
    expect(restored.rows).toEqual(written.rows);
    expect(restored.source.dialect).toBe(from);
    expect(restored.audit).toMatchObject({ ok: true, entries: 25 });
    expect(await contents(target)).toEqual(expected);

    const next = await createAuditLog(target).append({ actor: 'system', action: 'test.after-restore', target: 'x' });
    expect(next.seq).toBe(26);
    expect(await verifyAuditChain(target)).toMatchObject({ ok: true, entries: 26 });
  });

  it('refuses to restore over data without force, and replaces it with force', async () => {
    await expect(restoreBackup(target, file)).rejects.toThrow(/is not empty \(.*audit: 26.*\); a restore replaces everything in it: give --force/);
    const restored = await restoreBackup(target, file, { force: true });
    expect(restored.audit.entries).toBe(25);
    expect(await contents(target)).toEqual(await contents(source));
  });
});

describe.each(STORE_DIALECTS)('restore refuses damaged backups into %s and changes nothing', (dialect) => {
  let source: FreshStore;
  let target: FreshStore;
  let good: Buffer;
  let before: Record<string, string[]>;
  beforeAll(async () => {
    source = await openFreshStore('sqlite');
    target = await openFreshStore(dialect);
    await fill(source);
    const file = path.join(dir, `good-${dialect}.jsonl.gz`);
    await writeBackup(source, file);
    good = readFileSync(file);
    // The target holds other data, which every failed restore must leave as it was.
    await createAuditLog(target).append({ actor: 'system', action: 'test.keep', target: 'me' });
    before = await contents(target);
  });
  afterAll(async () => {
    await source?.cleanup();
    await target?.cleanup();
  });

  async function expectRefused(name: string, bytes: Buffer, message: RegExp): Promise<void> {
    const file = path.join(dir, `${name}-${dialect}.gz`);
    writeFileSync(file, bytes);
    await expect(restoreBackup(target, file, { force: true })).rejects.toThrow(message);
    expect(await contents(target)).toEqual(before);
  }
  const lines = (): string[] => gunzipSync(good).toString('utf8').split('\n');

  it('a file cut short', async () => {
    await expectRefused('cut', good.subarray(0, Math.floor(good.length * 0.6)), /is not a gzip'd console backup or is damaged|truncated/);
  });

  it('a complete gzip without its trailer', async () => {
    const l = lines();
    await expectRefused('no-trailer', gzipSync(l.slice(0, -2).join('\n') + '\n'), /has no trailer: the backup is truncated/);
  });

  it('a value changed after the backup was written', async () => {
    const text = gunzipSync(good).toString('utf8').replace('users.name #2', 'users.name #9');
    await expectRefused('edited', gzipSync(text), /does not match its sha256: the backup is damaged/);
  });

  it('a backup whose audit chain was tampered with', async () => {
    const tampered = await openFreshStore('sqlite');
    try {
      await fill(tampered);
      await sql`DELETE FROM audit WHERE seq = 12`.execute(tampered.db);
      const file = path.join(dir, `tampered-${dialect}.gz`);
      await writeBackup(tampered, file);
      await expectRefused('tampered', readFileSync(file), /the audit log in the backup is broken at seq 12 \(deleted/);
    } finally {
      await tampered.cleanup();
    }
  });

  it('garbage, a foreign JSON file and a backup from a newer schema', async () => {
    await expectRefused('garbage', Buffer.from('this is not gzip'), /is not a gzip'd console backup or is damaged/);
    await expectRefused('foreign', gzipSync('{"hello":"world"}\n'), /is not a bulkhead console backup \(format: /);
    const l = lines();
    const header = JSON.parse(l[0]!) as { migrations: string[] };
    header.migrations.push('999-from-the-future');
    await expectRefused('newer', gzipSync([JSON.stringify(header), ...l.slice(1)].join('\n')), /made by a newer bulkhead \(schema migrations 999-from-the-future are unknown here\)/);
  });

  it('a missing file', async () => {
    await expect(restoreBackup(target, path.join(dir, 'nope.gz'), { force: true })).rejects.toThrow(/no backup file .*nope\.gz/);
  });
});
