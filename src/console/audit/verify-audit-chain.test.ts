import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import type { Store } from '../../store/open-store.js';
import { hashAuditEntry } from './audit-entry.js';
import { AUDIT_HEAD_KEY } from './audit-head.js';
import { createAuditLog, type ChainedAuditLog } from './audit-log.js';
import { verifyAuditChain } from './verify-audit-chain.js';

describe.each(STORE_DIALECTS)('verifyAuditChain on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  let log: ChainedAuditLog;
  beforeEach(async () => {
    store = await openFreshStore(dialect);
    log = createAuditLog(store);
    for (let i = 1; i <= 10; i++) await log.append({ actor: `user:u${i}`, action: 'test.step', target: `thing:${i}`, detail: { i } });
  });
  afterEach(async () => store.cleanup());

  const run = (statement: string): Promise<unknown> => sql.raw(statement).execute(store.db);
  const row = (seq: number) => store.db.selectFrom('audit').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();

  it('accepts an intact chain and reports its head', async () => {
    const last = await row(10);
    expect(await verifyAuditChain(store)).toEqual({ ok: true, entries: 10, head: { seq: 10, hash: last.hash } });
  });

  it('accepts an empty log', async () => {
    const empty = await openFreshStore(dialect);
    try {
      expect(await verifyAuditChain(empty)).toEqual({ ok: true, entries: 0 });
    } finally {
      await empty.cleanup();
    }
  });

  it('finds an edited detail', async () => {
    await run(`UPDATE audit SET detail = '{"i":99}' WHERE seq = 4`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 3, firstBad: { seq: 4, problem: 'edited' } });
  });

  it('finds an edited actor even when the detail is only re-spaced elsewhere', async () => {
    await run(`UPDATE audit SET actor = 'user:mallory' WHERE seq = 7`);
    expect((await verifyAuditChain(store)).firstBad).toMatchObject({ seq: 7, problem: 'edited' });
    await run(`UPDATE audit SET actor = 'user:u7' WHERE seq = 7`);
    await run(`UPDATE audit SET detail = '{ "i": 2 }' WHERE seq = 2`);
    expect((await verifyAuditChain(store)).firstBad).toMatchObject({ seq: 2, problem: 'edited' });
  });

  it('finds a deleted middle entry', async () => {
    await run('DELETE FROM audit WHERE seq = 5');
    const verdict = await verifyAuditChain(store);
    expect(verdict).toMatchObject({ ok: false, entries: 4, firstBad: { seq: 5, problem: 'deleted' } });
    expect(verdict.firstBad?.detail).toContain('entry 5 is missing');
  });

  it('finds a deleted middle entry when the later ones were renumbered to close the gap', async () => {
    await run('DELETE FROM audit WHERE seq = 5');
    await run('UPDATE audit SET seq = -seq WHERE seq > 5');
    await run('UPDATE audit SET seq = -seq - 1 WHERE seq < 0');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 4, firstBad: { seq: 5, problem: 'deleted' } });
  });

  it("finds two entries whose contents were swapped", async () => {
    const [three, seven] = [await row(3), await row(7)];
    for (const [seq, from] of [[3, seven], [7, three]] as const) {
      await store.db.updateTable('audit')
        .set({ at: from.at, actor: from.actor, action: from.action, target: from.target, detail: from.detail, prev_hash: from.prev_hash, hash: from.hash })
        .where('seq', '=', seq).execute();
    }
    const verdict = await verifyAuditChain(store);
    expect(verdict).toMatchObject({ ok: false, entries: 2, firstBad: { seq: 3, problem: 'reordered' } });
    expect(verdict.firstBad?.detail).toContain('holds entry 7');
  });

  it('finds a dropped tail through the anchored head', async () => {
    await run('DELETE FROM audit WHERE seq > 7');
    const verdict = await verifyAuditChain(store);
    expect(verdict).toMatchObject({ ok: false, entries: 7, firstBad: { seq: 8, problem: 'deleted' } });
    expect(verdict.firstBad?.detail).toContain('entries 8..10 were removed from the end');
  });

  it('still finds a dropped tail after later appends', async () => {
    await run('DELETE FROM audit WHERE seq > 7');
    await log.append({ actor: 'system', action: 'test.after', target: 'x' });
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 7, firstBad: { seq: 8, problem: 'deleted' } });
  });

  it('finds a dropped tail when the anchor was deleted too', async () => {
    await run('DELETE FROM audit WHERE seq > 7');
    await run(`DELETE FROM state WHERE key = '${AUDIT_HEAD_KEY}'`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 7, firstBad: { seq: 8, problem: 'deleted' } });
  });

  /** What an attacker who knows the hash recipe writes: a self-consistent forged entry. */
  function forged(seq: number, prevHash: string) {
    const body = { seq, at: '2026-01-01T00:00:00.000Z', actor: 'user:mallory', action: 'policy.activate', target: 'policy:lax', detail: {}, prev_hash: prevHash };
    return { ...body, detail: '{}', hash: hashAuditEntry(body) };
  }

  it('finds an entry inserted in the middle with the later ones moved up', async () => {
    await run('UPDATE audit SET seq = -seq WHERE seq >= 5');
    await run('UPDATE audit SET seq = -seq + 1 WHERE seq < 0');
    await store.db.insertInto('audit').values(forged(5, (await row(4)).hash)).execute();
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 4, firstBad: { seq: 5, problem: 'inserted' } });
  });

  it('finds an entry rewritten with a recomputed hash', async () => {
    const five = await row(5);
    const replacement = forged(6, five.hash);
    await store.db.updateTable('audit').set(replacement).where('seq', '=', 6).execute();
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 5, firstBad: { seq: 6, problem: 'edited' } });
  });

  it('finds the last entry rewritten with a recomputed hash', async () => {
    await store.db.updateTable('audit').set(forged(10, (await row(9)).hash)).where('seq', '=', 10).execute();
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 9, firstBad: { seq: 10, problem: 'edited' } });
  });

  it('finds an entry appended past the anchored head', async () => {
    await store.db.insertInto('audit').values(forged(11, (await row(10)).hash)).execute();
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 10, firstBad: { seq: 11, problem: 'inserted' } });
  });

  it('pages through a long chain and finds an edit past the first page', async () => {
    for (let i = 11; i <= 2100; i++) await log.append({ actor: 'system', action: 'test.bulk', target: `n:${i}`, detail: { i } });
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 2100 });
    await run(`UPDATE audit SET target = 'n:tampered' WHERE seq = 2050`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, entries: 2049, firstBad: { seq: 2050, problem: 'edited' } });
  });

  it('reports no break while appends run during verification', async () => {
    const appends = Array.from({ length: 40 }, (_, i) => log.append({ actor: 'system', action: 'test.live', target: `n:${i}` }));
    const verdicts = await Promise.all([verifyAuditChain(store), verifyAuditChain(store), ...appends]);
    expect(verdicts[0]).toMatchObject({ ok: true });
    expect(verdicts[1]).toMatchObject({ ok: true });
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: 50 });
  });
});
