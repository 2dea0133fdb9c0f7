import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_DIALECTS)('GET /api/v1/jobs on %s', (dialect) => {
  let c: TestConsole;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    const { jobs } = c.ctx;
    jobs.handle('test.ok', async (payload) => ({ got: payload }));
    jobs.handle('test.fail', async () => {
      throw new Error('registry said no');
    });
    await jobs.start();
    const ciToken = await c.tokenFor('ci');
    expect(ciToken).toBeTruthy();
    ids.ok = await jobs.enqueue('test.ok', { target: '127.0.0.1:5000/team-a/app:1', requestedBy: 'token:test-ci-0' });
    // created_at has millisecond resolution: keep the three apart so "newest first" is one order.
    await new Promise((r) => setTimeout(r, 5));
    ids.fail = await jobs.enqueue('test.fail', { target: '127.0.0.1:5000/team-b/api:2', requestedBy: 'token:someone-else' }, { maxAttempts: 1 });
    await new Promise((r) => setTimeout(r, 5));
    ids.later = await jobs.enqueue('test.ok', { target: 'docker.io/library/debian:12' }, { runAfter: new Date(Date.now() + 3_600_000) });
    for (const id of [ids.ok!, ids.fail!]) {
      await waitFor(`job ${id}`, async () => {
        const r = await c.ctx.store.db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirst();
        return r && (r.state === 'done' || r.state === 'failed') ? r : undefined;
      });
    }
  });
  afterAll(async () => {
    await c?.close();
  });

  it('shows one job with its state, attempts, result and last error', async () => {
    const ok = await c.request('GET', `/api/v1/jobs/${ids.ok}`, { role: 'auditor' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ id: ids.ok, kind: 'test.ok', state: 'done', attempts: 1, lastError: null, result: { got: { target: '127.0.0.1:5000/team-a/app:1' } } });
    const failed = await c.request('GET', `/api/v1/jobs/${ids.fail}`, { role: 'secops' });
    expect(failed.json).toMatchObject({ state: 'failed', attempts: 1, maxAttempts: 1, lastError: 'registry said no', result: null });
    const missing = await c.request('GET', '/api/v1/jobs/no-such-job', { role: 'admin' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('lists newest first with state and kind filters and pages with a cursor', async () => {
    const all = await c.request('GET', '/api/v1/jobs', { role: 'admin' });
    expect(all.status).toBe(200);
    expect(all.json.items.map((j: { id: string }) => j.id)).toEqual([ids.later, ids.fail, ids.ok]);
    const queued = await c.request('GET', '/api/v1/jobs?state=queued', { role: 'auditor' });
    expect(queued.json.items.map((j: { id: string }) => j.id)).toEqual([ids.later]);
    const kind = await c.request('GET', '/api/v1/jobs?kind=test.fail', { role: 'auditor' });
    expect(kind.json.items.map((j: { id: string }) => j.id)).toEqual([ids.fail]);
    const page1 = await c.request('GET', '/api/v1/jobs?limit=2', { role: 'auditor' });
    expect(page1.json.items).toHaveLength(2);
    expect(page1.json.next).toEqual(expect.any(String));
    const page2 = await c.request('GET', `/api/v1/jobs?limit=2&cursor=${page1.json.next}`, { role: 'auditor' });
    expect(page2.json.items.map((j: { id: string }) => j.id)).toEqual([ids.ok]);
    expect(page2.json.next).toBeNull();
  });

  it('rejects bad filters with a problem', async () => {
    for (const q of ['state=sleeping', 'limit=0', 'limit=100000', 'cursor=bm90LWEtY3Vyc29y', 'colour=red']) {
      const res = await c.request('GET', `/api/v1/jobs?${q}`, { role: 'admin' });
      expect(res.status, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('keeps jobs from developers and anonymous callers; ci sees only the scans it asked for', async () => {
    expect((await c.request('GET', '/api/v1/jobs')).status).toBe(401);
    expect((await c.request('GET', '/api/v1/jobs', { role: 'developer' })).status).toBe(403);
    expect((await c.request('GET', `/api/v1/jobs/${ids.ok}`, { role: 'defender' })).status).toBe(403);
    const ci = await c.request('GET', '/api/v1/jobs', { role: 'ci' });
    expect(ci.status).toBe(200);
    expect(ci.json.items.map((j: { id: string }) => j.id)).toEqual([ids.ok]);
    expect((await c.request('GET', `/api/v1/jobs/${ids.fail}`, { role: 'ci' })).status).toBe(404);
  });

  it('limits a scoped auditor to the jobs its collections admit', async () => {
    await c.collection('team-a', { images: ['127.0.0.1:5000/team-a/*'] });
    const res = await c.request('GET', '/api/v1/jobs', { role: 'auditor', collections: ['team-a'] });
    expect(res.status).toBe(200);
    expect(res.json.items.map((j: { id: string }) => j.id)).toEqual([ids.ok]);
    expect((await c.request('GET', `/api/v1/jobs/${ids.fail}`, { role: 'auditor', collections: ['team-a'] })).status).toBe(404);
  });
});
