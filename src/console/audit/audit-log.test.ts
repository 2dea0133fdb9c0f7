import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshDatabase, openFreshStore, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { openStore, type Store } from '../../store/open-store.js';
import { createAuditLog } from './audit-log.js';
import { AUDIT_HEAD_KEY } from './audit-head.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

async function expectUnbrokenChain(store: Store, count: number): Promise<void> {
  const rows = await store.db.selectFrom('audit').selectAll().orderBy('seq').execute();
  expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  let prev = '0'.repeat(64);
  for (const row of rows) {
    expect(row.prev_hash).toBe(prev);
    const canonical = `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},"detail":${row.detail},`
      + `"prev_hash":"${row.prev_hash}","seq":${row.seq},"target":${JSON.stringify(row.target)}}`;
    expect(row.hash).toBe(sha256(canonical));
    prev = row.hash;
  }
  expect(new Set(rows.map((r) => r.target)).size).toBe(count);
  const head = await store.db.selectFrom('state').select('value').where('key', '=', AUDIT_HEAD_KEY).executeTakeFirstOrThrow();
  expect(JSON.parse(head.value)).toEqual({ seq: count, hash: prev });
}

describe.each(STORE_DIALECTS)('audit log on %s', (dialect) => {
  it('stores the first entry with the genesis prev_hash and a hash over its canonical JSON', async () => {
    const store = await openFreshStore(dialect);
    try {
      const log = createAuditLog(store, { now: () => new Date('2026-01-02T03:04:05.678Z') });
      const first = await log.append({ actor: 'user:alice', action: 'auth.login', target: 'user:alice', detail: { z: 1, a: { y: 'é', b: [true, null] } } });
      // Written out by hand per RFC 8785: keys sorted, no whitespace.
      const canonical = '{"action":"auth.login","actor":"user:alice","at":"2026-01-02T03:04:05.678Z","detail":{"a":{"b":[true,null],"y":"é"},"z":1},'
        + `"prev_hash":"${'0'.repeat(64)}","seq":1,"target":"user:alice"}`;
      expect(first.hash).toBe(sha256(canonical));
      const rows = await store.db.selectFrom('audit').selectAll().execute();
      expect(rows).toEqual([{
        seq: 1, at: '2026-01-02T03:04:05.678Z', actor: 'user:alice', action: 'auth.login', target: 'user:alice',
        detail: '{"a":{"b":[true,null],"y":"é"},"z":1}', prev_hash: '0'.repeat(64), hash: sha256(canonical),
      }]);
      const second = await log.append({ actor: 'system', action: 'policy.activate', target: 'policy:default' });
      expect(second).toMatchObject({ seq: 2, prev_hash: first.hash, detail: {} });
      const head = await store.db.selectFrom('state').select('value').where('key', '=', AUDIT_HEAD_KEY).executeTakeFirstOrThrow();
      expect(JSON.parse(head.value)).toEqual({ seq: 2, hash: second.hash });
    } finally {
      await store.cleanup();
    }
  });

  it('replaces an oversized detail by its size and digest', async () => {
    const store = await openFreshStore(dialect);
    try {
      const big = 'x'.repeat(70_000);
      const entry = await createAuditLog(store).append({ actor: 'system', action: 'test.big', target: 't', detail: { big } });
      const text = `{"big":"${big}"}`;
      expect(entry.detail).toEqual({ truncated: true, bytes: Buffer.byteLength(text), sha256: sha256(text) });
    } finally {
      await store.cleanup();
    }
  });

  it('keeps an unbroken gap-free chain under concurrent appends from two separate processes', async () => {
    const where = freshDatabase(dialect);
    const store = await openStore({ database: where.database });
    try {
      const child = (label: string): Promise<void> => new Promise((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('testdata/append-entries.ts', import.meta.url)), where.database, label, '60'],
          { timeout: 60_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`${label}: ${stderr || error.message}`)) : resolve()));
      });
      await Promise.all([child('a'), child('b'), createAuditLog(store).append({ actor: 'replica:main', action: 'test.append', target: 'main:0' })]);
      await expectUnbrokenChain(store, 121);
    } finally {
      await store.close();
      where.cleanup();
    }
  });

});

// Separate processes cannot share one SQLite connection's lock in a single thread, so two
// store instances in one process is a PostgreSQL-only case (console replicas).
describe('audit log on postgres with two store instances', () => {
  it('keeps an unbroken gap-free chain under concurrent appends from two store instances in one process', async () => {
    const where = freshDatabase('postgres');
    const a = await openStore({ database: where.database });
    const b = await openStore({ database: where.database });
    try {
      const logA = createAuditLog(a);
      const logB = createAuditLog(b);
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? logA : logB).append({ actor: i % 2 === 0 ? 'replica:a' : 'replica:b', action: 'test.append', target: `n:${i}`, detail: { i } })));
      expect(new Set(results.map((r) => r.seq)).size).toBe(200);
      await expectUnbrokenChain(a, 200);
    } finally {
      await a.close();
      await b.close();
      where.cleanup();
    }
  });
});
