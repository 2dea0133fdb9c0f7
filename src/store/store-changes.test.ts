import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../test/support/store-fixtures.js';
import type { Store } from './open-store.js';

const row = (key: string) => ({ key, value: '{}', updated_at: new Date().toISOString() });

describe.each(STORE_DIALECTS)('store change version on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  beforeAll(async () => {
    store = await openFreshStore(dialect);
  });
  afterAll(async () => store.cleanup());

  it('stays put for reads, plain or raw', async () => {
    const before = store.changes.version();
    await store.db.selectFrom('state').selectAll().execute();
    await sql`SELECT 1 AS one`.execute(store.db);
    expect(store.changes.version()).toBe(before);
  });

  it('moves after a write statement, and after an upsert that changed nothing visible', async () => {
    const before = store.changes.version() as number;
    await store.db.insertInto('state').values(row('a')).execute();
    const afterInsert = store.changes.version() as number;
    expect(afterInsert).toBeGreaterThan(before);
    await store.db.updateTable('state').set({ value: '{}' }).where('key', '=', 'nothing-matches').execute();
    expect(store.changes.version()).toBeGreaterThan(afterInsert);
  });

  it('moves only once a transaction has committed, not while its statements run', async () => {
    const before = store.changes.version();
    let inside: number | undefined;
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('state').values(row('b')).execute();
      inside = store.changes.version();
    });
    expect(inside).toBe(before);
    expect(store.changes.version()).toBeGreaterThan(before as number);
  });

  it('moves for a raw write', async () => {
    const before = store.changes.version() as number;
    await sql`DELETE FROM state WHERE key = ${'b'}`.execute(store.db);
    expect(store.changes.version()).toBeGreaterThan(before);
  });

  it(dialect === 'sqlite' ? 'sees another connection\'s commit from the next event-loop turn on (PRAGMA data_version)' : 'does not claim to see other connections', async () => {
    const before = store.changes.version() as number;
    if (dialect === 'sqlite') {
      expect(store.changes.seesOtherWriters).toBe(true);
      const other = new Database(store.location);
      other.prepare('INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?)').run('from-other', '{}', new Date().toISOString());
      other.close();
      // Read once per event-loop turn: anything that starts after the commit returned is in a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(store.changes.version()).toBeGreaterThan(before);
    } else {
      expect(store.changes.seesOtherWriters).toBe(false);
    }
  });
});
