import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import type { Store } from '../../store/open-store.js';
import { createAuditLog } from './audit-log.js';
import { listAuditEntries, streamAuditEntries, type AuditRecord } from './audit-query.js';

describe.each(STORE_DIALECTS)('audit queries on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  beforeAll(async () => {
    store = await openFreshStore(dialect);
    let clock = Date.parse('2026-03-01T00:00:00.000Z');
    const log = createAuditLog(store, { now: () => new Date((clock += 60_000)) });
    // 30 entries, one a minute from 00:01: actors alternate, every third is a policy action.
    for (let i = 1; i <= 30; i++) {
      await log.append({ actor: i % 2 ? 'user:alice' : 'token:ci', action: i % 3 === 0 ? 'policy.activate' : 'auth.login', target: `t:${i % 5}`, detail: { i } });
    }
    await log.append({ actor: 'user:alice', action: 'policyx.other', target: 't:0' });
    await log.append({ actor: 'user:alice', action: 'POLICY.shout', target: 't:0' });
  });
  afterAll(async () => store.cleanup());

  const seqs = (items: AuditRecord[]): number[] => items.map((e) => e.seq);

  it('pages newest first with a seq cursor until the end', async () => {
    const first = await listAuditEntries(store, {}, { limit: 10, order: 'desc' });
    expect(seqs(first.items)).toEqual([32, 31, 30, 29, 28, 27, 26, 25, 24, 23]);
    expect(first.nextCursor).toBe(23);
    const all: number[] = seqs(first.items);
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await listAuditEntries(store, {}, { limit: 10, order: 'desc', cursor });
      all.push(...seqs(page.items));
      cursor = page.nextCursor;
    }
    expect(all).toEqual(Array.from({ length: 32 }, (_, i) => 32 - i));
  });

  it('filters by actor, action prefix, target and time, combined', async () => {
    const byActionPrefix = await listAuditEntries(store, { actionPrefix: 'policy.' }, { limit: 100, order: 'asc' });
    expect(seqs(byActionPrefix.items)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    const combined = await listAuditEntries(store, { actor: 'user:alice', actionPrefix: 'policy.', target: 't:0' }, { limit: 100, order: 'asc' });
    expect(seqs(combined.items)).toEqual([15]);
    // Entry i was written at 00:i; since is inclusive, until exclusive.
    const window = await listAuditEntries(store, { since: '2026-03-01T00:05:00Z', until: '2026-03-01T00:08:00.000Z' }, { limit: 100, order: 'asc' });
    expect(seqs(window.items)).toEqual([5, 6, 7]);
    // A different offset for the same instants.
    const offset = await listAuditEntries(store, { since: '2026-03-01T01:05:00+01:00', until: '2026-03-01T01:07:00+01:00' }, { limit: 100, order: 'asc' });
    expect(seqs(offset.items)).toEqual([5, 6]);
    expect(byActionPrefix.items[0]).toMatchObject({ seq: 3, actor: 'user:alice', action: 'policy.activate', target: 't:3', detail: { i: 3 } });
  });

  it('streams every entry in seq order across pages', async () => {
    const streamed: number[] = [];
    for await (const e of streamAuditEntries(store, {}, 7)) streamed.push(e.seq);
    expect(streamed).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const sinced: number[] = [];
    for await (const e of streamAuditEntries(store, { since: '2026-03-01T00:29:00.000Z' }, 2)) sinced.push(e.seq);
    expect(sinced).toEqual([29, 30, 31, 32]);
  });

  it('rejects a time that is not ISO-8601', async () => {
    await expect(listAuditEntries(store, { since: 'yesterday' }, { limit: 1, order: 'asc' })).rejects.toThrow(/not an ISO-8601 time/);
  });
});
