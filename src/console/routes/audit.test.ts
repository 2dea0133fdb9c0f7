import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

describe.each(STORE_DIALECTS)('audit API on %s', (dialect) => {
  let c: TestConsole;
  let firstSeq: number;

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    // Entries written by the real routes: a successful and a failed login.
    await c.login('admin', c.admin.password);
    const failed = await c.request('POST', '/api/v1/auth/login', { body: { name: 'admin', password: 'not-the-password' } });
    expect(failed.status).toBe(401);
    // And a run of entries written straight through the log, to page and filter on.
    for (let i = 0; i < 12; i++) {
      await c.ctx.audit.append({ actor: i % 2 ? 'token:ci-main' : 'user:carol', action: i % 3 ? 'policy.version.create' : 'exception.create', target: `thing:${i % 4}`, detail: { i } });
    }
    const all = await c.request('GET', '/api/v1/audit?order=asc&limit=500', { role: 'auditor' });
    firstSeq = (all.json.items as { seq: number; action: string }[]).find((e) => e.action === 'auth.login')!.seq;
  });
  afterAll(async () => c?.close());

  it('lists entries newest first and pages with the cursor', async () => {
    const all = await c.request('GET', '/api/v1/audit?limit=500', { role: 'auditor' });
    expect(all.status).toBe(200);
    const seqs = (all.json.items as { seq: number }[]).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    const paged: number[] = [];
    let url = '/api/v1/audit?limit=5';
    for (let pages = 0; pages < 100; pages++) {
      const page = await c.request('GET', url, { role: 'auditor' });
      paged.push(...(page.json.items as { seq: number }[]).map((e) => e.seq));
      if (page.json.nextCursor === undefined) break;
      url = `/api/v1/audit?limit=5&cursor=${page.json.nextCursor}`;
    }
    expect(paged).toEqual(seqs);
  });

  it('shows what the login route recorded', async () => {
    const logins = await c.request('GET', '/api/v1/audit?action=auth.login&order=asc', { role: 'auditor' });
    expect(logins.json.items).toEqual([
      expect.objectContaining({ seq: firstSeq, actor: 'user:admin', action: 'auth.login', target: 'user:admin', detail: { ip: '127.0.0.1' } }),
      expect.objectContaining({ seq: firstSeq + 1, actor: 'anonymous', action: 'auth.login.failed', target: 'user:admin', detail: { ip: '127.0.0.1', reason: 'bad-credentials' } }),
    ]);
    expect(logins.json.items[1].prev_hash).toBe(logins.json.items[0].hash);
  });

  it('filters by actor, action prefix and target together', async () => {
    const r = await c.request('GET', `/api/v1/audit?actor=${encodeURIComponent('token:ci-main')}&action=policy.&target=thing:1&order=asc`, { role: 'auditor' });
    expect(r.status).toBe(200);
    // i odd (ci-main), i % 3 != 0 (policy), i % 4 == 1: i = 1, 5.
    expect((r.json.items as { detail: { i: number } }[]).map((e) => e.detail.i)).toEqual([1, 5]);
    const future = await c.request('GET', '/api/v1/audit?since=2999-01-01T00:00:00Z', { role: 'auditor' });
    expect(future.json).toEqual({ items: [] });
    const past = await c.request('GET', '/api/v1/audit?until=2000-01-01T00:00:00Z', { role: 'admin' });
    expect(past.json).toEqual({ items: [] });
  });

  it('is for admins and auditors only', async () => {
    for (const role of ['secops', 'developer', 'ci', 'defender'] as const) {
      for (const path of ['/api/v1/audit', '/api/v1/audit/export', '/api/v1/audit/verify']) {
        expect((await c.request('GET', path, { role })).status, `${role} ${path}`).toBe(403);
      }
    }
    expect((await c.request('GET', '/api/v1/audit')).status).toBe(401);
    expect((await c.request('GET', '/api/v1/audit/verify', { role: 'admin' })).status).toBe(200);
  });

  it('rejects bad queries with problem+json', async () => {
    for (const q of ['limit=0', 'limit=501', 'since=yesterday', 'cursor=-1', 'order=sideways', 'nope=1', `actor=${'a'.repeat(513)}`]) {
      const r = await c.request('GET', `/api/v1/audit?${q}`, { role: 'auditor' });
      expect(r.status, q).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.text).not.toContain('    at ');
    }
  });

  it('exports JSON lines in pages and records who exported', async () => {
    const first = await c.request('GET', '/api/v1/audit/export?limit=4', { role: 'auditor' });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = first.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string; prev_hash: string });
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(lines[1]!.prev_hash).toBe(lines[0]!.hash);
    expect(first.headers['x-next-cursor']).toBe('4');
    const rest = await c.request('GET', '/api/v1/audit/export?cursor=4', { role: 'auditor' });
    expect(rest.headers['x-next-cursor']).toBeUndefined();
    const restSeqs = rest.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(restSeqs[0]).toBe(5);
    const latest = await c.request('GET', '/api/v1/audit?limit=1', { role: 'auditor' });
    // The second export's own record is the newest entry.
    expect(latest.json.items[0]).toMatchObject({ action: 'audit.export', actor: 'token:test-auditor-0', target: 'audit', detail: { entries: restSeqs.length, firstSeq: 5 } });
  });

  it('verifies the chain and names a tampered entry', async () => {
    const ok = await c.request('GET', '/api/v1/audit/verify', { role: 'auditor' });
    expect(ok.json).toMatchObject({ ok: true, head: { seq: expect.any(Number) } });
    expect(ok.json.entries).toBe(ok.json.head.seq);
    await sql`UPDATE audit SET detail = ${'{"ip":"10.9.9.9"}'} WHERE seq = ${firstSeq}`.execute(c.ctx.store.db);
    const broken = await c.request('GET', '/api/v1/audit/verify', { role: 'auditor' });
    expect(broken.json).toMatchObject({ ok: false, entries: firstSeq - 1, firstBad: { seq: firstSeq, problem: 'edited' } });
  });
});
