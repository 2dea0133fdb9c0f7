/**
 * API tokens over the real server on both stores: shown once and stored
 * hashed, expiry, revocation, last-used time, the creator's disabling, and
 * what non-admins may mint.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

describe.each(STORE_DIALECTS)('console API tokens on %s', (dialect) => {
  let c: TestConsole;
  let clock = new Date('2026-12-05T10:00:00Z');
  beforeAll(async () => {
    c = await startTestConsole({ dialect, now: () => clock });
    await c.collection('team-a', { images: ['registry.example/team-a/*'] });
    await c.collection('team-b', { images: ['registry.example/team-b/*'] });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates a token shown once, stored as its sha256, usable as a bearer token', async () => {
    const res = await c.request('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'ci-main', role: 'ci', collections: ['team-a'], expiresInDays: 30 } });
    expect(res.status).toBe(201);
    const secret = res.json.token as string;
    expect(secret).toMatch(/^bh_[A-Za-z0-9_-]{43}$/);
    expect(res.json).toMatchObject({ name: 'ci-main', role: 'ci', collections: ['team-a'], revokedAt: null, lastUsedAt: null });
    expect(Date.parse(res.json.expiresAt) - clock.getTime()).toBe(30 * 86_400_000);
    const row = await c.ctx.store.db.selectFrom('api_tokens').selectAll().where('id', '=', res.json.id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await c.request('GET', '/api/v1/tokens', { role: 'admin' });
    expect(listed.text).not.toContain(secret);
    expect(listed.json.items.some((t: { id: string }) => t.id === res.json.id)).toBe(true);

    const me = await c.request('GET', '/api/v1/auth/me', { token: secret });
    expect(me.json).toMatchObject({ kind: 'token', name: 'ci-main', role: 'ci', scope: { images: ['registry.example/team-a/*'] } });
    const after = await c.request('GET', `/api/v1/tokens/${res.json.id}`, { role: 'admin' });
    expect(after.json.lastUsedAt).toBe(clock.toISOString());
  });

  it('stops accepting a token after it expires', async () => {
    const res = await c.request('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'short', role: 'auditor', expiresAt: new Date(clock.getTime() + 60_000).toISOString() } });
    const secret = res.json.token as string;
    expect((await c.request('GET', '/api/v1/auth/me', { token: secret })).status).toBe(200);
    clock = new Date(clock.getTime() + 61_000);
    const expired = await c.request('GET', '/api/v1/auth/me', { token: secret });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(expired.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    const past = await c.request('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'past', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
  });

  it('stops accepting a token as soon as it is revoked', async () => {
    const res = await c.request('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'revoke-me', role: 'auditor' } });
    const secret = res.json.token as string;
    expect((await c.request('GET', '/api/v1/auth/me', { token: secret })).status).toBe(200);
    expect((await c.request('DELETE', `/api/v1/tokens/${res.json.id}`, { role: 'admin' })).status).toBe(204);
    expect((await c.request('GET', '/api/v1/auth/me', { token: secret })).status).toBe(401);
    const shown = await c.request('GET', `/api/v1/tokens/${res.json.id}`, { role: 'admin' });
    expect(shown.json.revokedAt).toBe(clock.toISOString());
    const actions = await c.ctx.store.db.selectFrom('audit').select(['action', 'target']).execute();
    expect(actions).toContainEqual({ action: 'token.revoke', target: 'token:revoke-me' });
    expect(actions).toContainEqual({ action: 'token.create', target: 'token:revoke-me' });
  });

  it('rejects malformed, unknown and non-bearer credentials with 401', async () => {
    for (const authorization of ['Bearer nope', `Bearer bh_${'A'.repeat(43)}`, 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      const res = await c.request('GET', '/api/v1/auth/me', { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    // A bad credential on a public route is still refused rather than ignored.
    expect((await c.request('GET', '/healthz', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('lets a user mint tokens for themselves only with their role or less and within their collections', async () => {
    await c.user('dev-a', 'dev-a-password-1', 'developer', ['team-a']);
    const session = await c.login('dev-a', 'dev-a-password-1');
    const own = await c.request('POST', '/api/v1/tokens', { session, body: { name: 'dev-a-cli' } });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ role: 'developer', collections: ['team-a'] });
    expect((await c.request('POST', '/api/v1/tokens', { session, body: { name: 'x', role: 'ci' } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/tokens', { session, body: { name: 'x', role: 'admin' } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/tokens', { session, body: { name: 'x', collections: ['team-b'] } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/tokens', { session, body: { name: 'x', collections: [] } })).status).toBe(403);

    // Their list holds only their tokens; another user's token is invisible and cannot be revoked.
    const mine = await c.request('GET', '/api/v1/tokens', { session });
    expect(mine.json.items.map((t: { name: string }) => t.name)).toEqual(['dev-a-cli']);
    const adminToken = (await c.request('GET', '/api/v1/tokens', { role: 'admin' })).json.items.find((t: { name: string }) => t.name === 'ci-main');
    expect((await c.request('DELETE', `/api/v1/tokens/${adminToken.id}`, { session })).status).toBe(404);
    expect((await c.request('GET', `/api/v1/tokens/${adminToken.id}`, { session })).status).toBe(404);

    // A non-admin token cannot mint tokens.
    expect((await c.request('POST', '/api/v1/tokens', { token: own.json.token, body: { name: 'chain' } })).status).toBe(403);

    // Secops without collections may create a narrower auditor token, not a ci one.
    await c.user('sec', 'sec-password-123', 'secops');
    const sec = await c.login('sec', 'sec-password-123');
    expect((await c.request('POST', '/api/v1/tokens', { session: sec, body: { name: 'sec-audit', role: 'auditor', collections: ['team-b'] } })).status).toBe(201);
    expect((await c.request('POST', '/api/v1/tokens', { session: sec, body: { name: 'sec-ci', role: 'ci' } })).status).toBe(403);
  });

  it('disables the tokens of a user who is disabled or deleted', async () => {
    const id = await c.user('leaver', 'leaver-password', 'auditor');
    const session = await c.login('leaver', 'leaver-password');
    const token = (await c.request('POST', '/api/v1/tokens', { session, body: { name: 'leaver-cli' } })).json.token as string;
    expect((await c.request('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    await c.request('PATCH', `/api/v1/users/${id}`, { role: 'admin', body: { disabled: true } });
    expect((await c.request('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    await c.request('PATCH', `/api/v1/users/${id}`, { role: 'admin', body: { disabled: false } });
    expect((await c.request('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    expect((await c.request('DELETE', `/api/v1/users/${id}`, { role: 'admin' })).status).toBe(204);
    expect((await c.request('GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });
});
