/**
 * Users and collections administration over the real server on both
 * stores: CRUD, the last-admin rule, passwords never shown, collections
 * validated as globs and protected while assigned, audit entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

describe.each(STORE_DIALECTS)('users and collections on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates, reads, changes and deletes users; never shows a password hash', async () => {
    const created = await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'frank', password: 'frank-password-1', role: 'auditor' } });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/users/${created.json.id}`);
    expect(created.json).toMatchObject({ name: 'frank', role: 'auditor', collections: [], disabled: false });
    const stored = await c.ctx.store.db.selectFrom('users').select('password_hash').where('name', '=', 'frank').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(stored.password_hash.split('$')[3]!.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);

    const list = await c.request('GET', '/api/v1/users', { role: 'admin' });
    expect(list.json.items.map((u: { name: string }) => u.name)).toEqual(['admin', 'frank']);
    expect(list.text).not.toMatch(/argon2|password/);

    expect((await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'frank', password: 'another-password', role: 'auditor' } })).status).toBe(409);
    expect((await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'bad name', password: 'another-password', role: 'auditor' } })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'x', password: 'short', role: 'auditor' } })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'x', password: 'long-enough-pass', role: 'root' } })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'x', password: 'long-enough-pass', role: 'developer', collections: ['nope'] } })).status).toBe(400);

    const changed = await c.request('PATCH', `/api/v1/users/${created.json.id}`, { role: 'admin', body: { role: 'secops', password: 'frank-password-2' } });
    expect(changed.status).toBe(200);
    expect(changed.json.role).toBe('secops');
    await c.login('frank', 'frank-password-2');
    expect((await c.request('PATCH', `/api/v1/users/${created.json.id}`, { role: 'admin', body: {} })).status).toBe(400);
    expect((await c.request('GET', '/api/v1/users/no-such-id', { role: 'admin' })).status).toBe(404);
    expect((await c.request('DELETE', `/api/v1/users/${created.json.id}`, { role: 'admin' })).status).toBe(204);
    expect((await c.request('GET', `/api/v1/users/${created.json.id}`, { role: 'admin' })).status).toBe(404);

    const audit = await c.ctx.store.db.selectFrom('audit').select(['action', 'target', 'detail']).where('target', '=', 'user:frank').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.update', 'auth.login', 'user.delete']);
    expect(audit[1]!.detail).not.toContain('frank-password-2');
    expect(JSON.parse(audit[1]!.detail)).toEqual({ role: 'secops', password: 'changed' });
  });

  it('keeps at least one enabled admin', async () => {
    const only = await c.request('PATCH', `/api/v1/users/${c.admin.id}`, { role: 'admin', body: { role: 'auditor' } });
    expect(only.status).toBe(409);
    expect((await c.request('PATCH', `/api/v1/users/${c.admin.id}`, { role: 'admin', body: { disabled: true } })).status).toBe(409);
    expect((await c.request('DELETE', `/api/v1/users/${c.admin.id}`, { role: 'admin' })).status).toBe(409);
    await c.request('POST', '/api/v1/users', { role: 'admin', body: { name: 'second-admin', password: 'second-admin-pw', role: 'admin' } });
    const second = await c.login('second-admin', 'second-admin-pw');
    const disabled = await c.request('PATCH', `/api/v1/users/${c.admin.id}`, { session: second, body: { disabled: true } });
    expect(disabled.status).toBe(200);
    // The fixture's tokens were created by the disabled admin: they stop working with it.
    expect((await c.request('GET', '/api/v1/users', { role: 'admin' })).status).toBe(401);
    expect((await c.request('PATCH', `/api/v1/users/${c.admin.id}`, { session: second, body: { disabled: false } })).status).toBe(200);
    expect((await c.request('GET', '/api/v1/users', { role: 'admin' })).status).toBe(200);
  });

  it('manages collections: glob validation, updates, deletion refused while assigned', async () => {
    const created = await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'payments', description: 'Payments team', patterns: { images: ['registry.example.com/payments/**'], namespaces: ['payments-*'] } } });
    expect(created.status).toBe(201);
    expect((await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'payments', patterns: {} } })).status).toBe(409);
    const badGlob = await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'broken', patterns: { hosts: ['web-[0-9'] } } });
    expect(badGlob.status).toBe(400);
    expect(badGlob.json.errors[0].path).toBe('patterns.hosts.0');

    const patched = await c.request('PATCH', '/api/v1/collections/payments', { role: 'admin', body: { patterns: { images: ['registry.example.com/pay/*'] } } });
    expect(patched.json.patterns).toEqual({ images: ['registry.example.com/pay/*'] });
    expect((await c.request('GET', '/api/v1/collections/payments', { role: 'auditor' })).json.description).toBe('Payments team');

    const token = await c.request('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'pay-dev', role: 'developer', collections: ['payments'] } });
    const me = await c.request('GET', '/api/v1/auth/me', { token: token.json.token });
    expect(me.json.scope).toEqual({ images: ['registry.example.com/pay/*'] });
    const busy = await c.request('DELETE', '/api/v1/collections/payments', { role: 'admin' });
    expect(busy.status).toBe(409);
    expect(busy.json.detail).toContain('token:pay-dev');
    await c.request('DELETE', `/api/v1/tokens/${token.json.id}`, { role: 'admin' });
    expect((await c.request('DELETE', '/api/v1/collections/payments', { role: 'admin' })).status).toBe(204);
    expect((await c.request('GET', '/api/v1/collections/payments', { role: 'admin' })).status).toBe(404);
  });
});
