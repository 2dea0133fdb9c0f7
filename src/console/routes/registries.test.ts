import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { openSecret } from '../secrets/seal.js';

const PASSWORD = 'registry-pa55word-that-must-never-leave';
const EVENTS = 'application/vnd.docker.distribution.events.v1+json';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe.each(STORE_DIALECTS)('registries API on %s', (dialect) => {
  let c: TestConsole;
  let id: string;
  let secret: string;

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    const res = await c.request('POST', '/api/v1/registries', {
      role: 'secops',
      body: { name: 'corp', url: 'https://registry.example.com:5000', username: 'robot', password: PASSWORD, repositories: ['team-a/*'], intervalMinutes: 30 },
    });
    expect(res.status).toBe(201);
    id = res.json.id;
    secret = res.json.notificationSecret;
  });
  afterAll(async () => {
    await c?.close();
  });

  it('issues the notification secret as a least-privilege API token of the registry\'s own', async () => {
    expect(secret).toMatch(/^bh_/);
    const tokens = await c.ctx.store.db.selectFrom('api_tokens').selectAll().where('name', '=', 'registry-notifications:corp').execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ role: 'developer', collections: '[]', revoked_at: null });
    // It sees no image and no registry.
    expect((await c.request('GET', '/api/v1/registries', { token: secret })).json.items).toEqual([]);
  });

  it('stores the password sealed under the console key and never answers it', async () => {
    const row = await c.ctx.store.db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(PASSWORD);
    expect(openSecret(c.config.secretKey, row.secret_sealed!)).toBe(PASSWORD);
    expect(row.notification_secret_hash).not.toBe(secret);
    for (const role of ['admin', 'secops', 'auditor'] as const) {
      const list = await c.request('GET', '/api/v1/registries', { role });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(PASSWORD);
      expect(list.text).not.toContain(secret);
      expect(list.json.items).toEqual([expect.objectContaining({ id, name: 'corp', url: 'https://registry.example.com:5000', domain: 'registry.example.com:5000', username: 'robot', hasPassword: true, repositories: ['team-a/*'], intervalMinutes: 30, notificationPath: `/api/v1/registries/${id}/notifications` })]);
    }
    const audit = await c.ctx.store.db.selectFrom('audit').select(['action', 'detail']).where('action', 'like', 'registry.%').execute();
    expect(audit.map((a) => a.action)).toContain('registry.create');
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it('changes and forgets credentials; rejects bad input with a problem', async () => {
    const patched = await c.request('PATCH', `/api/v1/registries/${id}`, { role: 'secops', body: { password: null, intervalMinutes: 0 } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ hasPassword: false, intervalMinutes: 0, nextSyncAt: null });
    const bad = [
      { name: 'x', url: 'ftp://registry.example.com' },
      { name: 'x', url: 'https://user:pw@registry.example.com' },
      { name: 'x', url: 'https://registry.example.com/v2/' },
      { name: 'x', url: 'https://r.example.com', repositories: ['team-[a'] },
      { name: 'x', url: 'https://r.example.com', intervalMinutes: -1 },
      { name: 'bad name!', url: 'https://r.example.com' },
      { name: 'x', url: 'https://r.example.com', extra: 1 },
    ];
    for (const body of bad) {
      const res = await c.request('POST', '/api/v1/registries', { role: 'admin', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const dup = await c.request('POST', '/api/v1/registries', { role: 'admin', body: { name: 'corp', url: 'https://other.example.com' } });
    expect(dup.status).toBe(409);
  });

  it('lets secops and admin change registries, others only read; unknown ids are 404', async () => {
    expect((await c.request('GET', '/api/v1/registries')).status).toBe(401);
    for (const role of ['auditor', 'developer', 'ci', 'defender'] as const) {
      expect((await c.request('POST', '/api/v1/registries', { role, body: { name: `r-${role}`, url: 'https://r.example.com' } })).status, role).toBe(403);
      expect((await c.request('DELETE', `/api/v1/registries/${id}`, { role })).status, role).toBe(403);
    }
    expect((await c.request('GET', '/api/v1/registries', { role: 'ci' })).status).toBe(403);
    expect((await c.request('GET', '/api/v1/registries/nope', { role: 'admin' })).status).toBe(404);
    // A developer whose collections do not name this registry does not see it.
    const dev = await c.request('GET', '/api/v1/registries', { role: 'developer' });
    expect(dev.status).toBe(200);
    expect(dev.json.items).toEqual([]);
    await c.collection('corp-registry', { registries: ['registry.example.com:*'] });
    const scoped = await c.request('GET', '/api/v1/registries', { role: 'developer', collections: ['corp-registry'] });
    expect(scoped.json.items.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it('accepts notifications only with the registry\'s secret, validates the envelope and queues tagged manifest pushes', async () => {
    const post = (body: unknown, authorization?: string, type = EVENTS) =>
      c.request('POST', `/api/v1/registries/${id}/notifications`, { body, headers: { 'content-type': type, ...(authorization ? { authorization } : {}) } });
    const push = { id: 'e1', action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: DIGEST, repository: 'team-a/app', tag: '1.0' } };
    expect((await post({ events: [push] })).status).toBe(401);
    expect((await post({ events: [push] }, 'Bearer wrong-secret')).status).toBe(401);
    expect((await post({ events: [push] }, `Basic ${secret}`)).status).toBe(401);
    // Another valid API token is not this registry's secret.
    expect((await post({ events: [push] }, `Bearer ${await c.tokenFor('ci')}`)).status).toBe(401);
    expect((await c.request('POST', '/api/v1/registries/unknown/notifications', { body: { events: [] }, headers: { 'content-type': EVENTS, authorization: `Bearer ${secret}` } })).status).toBe(401);
    expect((await post('{"events": [', `Bearer ${secret}`)).status).toBe(400);
    expect((await post({ events: 'no' }, `Bearer ${secret}`)).status).toBe(400);
    expect((await post({ events: Array.from({ length: 1001 }, () => push) }, `Bearer ${secret}`)).status).toBe(400);
    const huge = JSON.stringify({ events: [{ ...push, padding: 'x'.repeat(1024 * 1024) }] });
    expect((await post(huge, `Bearer ${secret}`)).status).toBe(413);

    const ok = await post({
      events: [
        push,
        { ...push, id: 'e2' },
        { id: 'e3', action: 'pull', target: push.target },
        { id: 'e4', action: 'push', target: { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: DIGEST, repository: 'team-a/app' } },
        { id: 'e5', action: 'push', target: { ...push.target, tag: undefined } },
        { id: 'e6', action: 'push', target: { ...push.target, repository: 'team-b/other' } },
        { id: 'e7', action: 'mount', target: push.target },
        { id: 'e8', action: 'push', target: { ...push.target, digest: 'sha256:not-hex' } },
      ],
    }, `Bearer ${secret}`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ events: 8, pushes: 2, ignored: 6 });
    expect(ok.json.enqueued).toHaveLength(1);
    const job = await c.request('GET', `/api/v1/jobs/${ok.json.enqueued[0]}`, { role: 'auditor' });
    expect(job.json).toMatchObject({ kind: 'scan.target', state: 'queued', payload: { target: `registry.example.com:5000/team-a/app:1.0@${DIGEST}`, registryId: id, requestedBy: 'registry:corp' } });
    // The same push again while the scan waits: nothing new.
    const again = await post({ events: [push] }, `Bearer ${secret}`);
    expect(again.json.enqueued).toEqual([]);

    const rotated = await c.request('POST', `/api/v1/registries/${id}/notification-secret`, { role: 'secops' });
    expect(rotated.status).toBe(200);
    expect((await post({ events: [] }, `Bearer ${secret}`)).status).toBe(401);
    expect((await post({ events: [] }, `Bearer ${rotated.json.notificationSecret}`)).status).toBe(200);
    secret = rotated.json.notificationSecret;
  });

  it('queues a sync on request and deletes', async () => {
    const sync = await c.request('POST', `/api/v1/registries/${id}/sync`, { role: 'secops' });
    expect(sync.status).toBe(202);
    const job = await c.request('GET', `/api/v1/jobs/${sync.json.jobId}`, { role: 'admin' });
    expect(job.json).toMatchObject({ kind: 'registry.sync', payload: { registryId: id } });
    expect((await c.request('DELETE', `/api/v1/registries/${id}`, { role: 'secops' })).status).toBe(204);
    expect((await c.request('GET', `/api/v1/registries/${id}`, { role: 'admin' })).status).toBe(404);
    // Its notification token went with it.
    const token = await c.ctx.store.db.selectFrom('api_tokens').select('revoked_at').where('name', '=', 'registry-notifications:corp').where('revoked_at', 'is', null).execute();
    expect(token).toEqual([]);
    expect((await c.request('POST', `/api/v1/registries/${id}/notifications`, { body: { events: [] }, headers: { 'content-type': EVENTS, authorization: `Bearer ${secret}` } })).status).toBe(401);
  });
});
