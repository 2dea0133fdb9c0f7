import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../test/support/store-fixtures.js';
import type { Store } from './open-store.js';

describe.each(STORE_DIALECTS)('console store on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  beforeAll(async () => {
    store = await openFreshStore(dialect);
  });
  afterAll(async () => store.cleanup());

  it('creates every table and round-trips a row', async () => {
    const now = new Date().toISOString();
    await store.db.insertInto('state').values({ key: 'k', value: '{"a":1}', updated_at: now }).execute();
    const row = await store.db.selectFrom('state').selectAll().where('key', '=', 'k').executeTakeFirstOrThrow();
    expect(row).toEqual({ key: 'k', value: '{"a":1}', updated_at: now });
    const count = await store.db.selectFrom('audit').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(0);
    expect(store.dialect).toBe(dialect);
  });
});
