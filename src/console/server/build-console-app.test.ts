/**
 * The HTTP layer over a real server on both stores: problem+json for every
 * kind of error, validation, body limits, request ids, health and readiness.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleConfigSchema, type ConsoleConfig } from '../config.js';
import { route } from '../route.js';
import { authRoutes } from '../routes/auth.js';
import { healthRoutes } from '../routes/health.js';
import { createApiToken } from '../auth/api-tokens.js';
import { createFirstAdmin } from '../auth/first-admin.js';
import { buildConsoleApp } from './build-console-app.js';
import { buildContext } from './build-context.js';
import { registerReadinessCheck } from './health-checks.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

describe.each(STORE_DIALECTS)('console HTTP layer on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect, config: { bodyLimit: 4096 } });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('answers liveness and readiness', async () => {
    const live = await c.request('GET', '/healthz');
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });
    const ready = await c.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('ready');
    expect(ready.json.checks.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['store', 'migrations']));
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await c.request('GET', '/api/v1/nope', { role: 'admin' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/api/v1/nope' });
    expect(res.json.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await c.request('PUT', '/api/v1/users', { role: 'admin', body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toContain('GET');
    expect(res.headers.allow).toContain('POST');
    expect(res.json.status).toBe(405);
  });

  it('rejects malformed JSON, wrong media types, schema violations and oversized bodies as problems', async () => {
    const bad = await c.request('POST', '/api/v1/collections', { role: 'admin', body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.text).not.toMatch(/at .*\.(js|ts):\d+/);

    const media = await c.request('POST', '/api/v1/collections', { role: 'admin', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(media.status).toBe(415);
    expect(media.json.status).toBe(415);

    const invalid = await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'ok', patterns: { images: ['a/{b'] } } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.title).toBe('Invalid request');
    expect(invalid.json.errors[0]).toMatchObject({ in: 'body', path: 'patterns.images.0' });

    const extra = await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'ok', patterns: {}, surprise: 1 } });
    expect(extra.status).toBe(400);

    const big = await c.request('POST', '/api/v1/collections', { role: 'admin', body: { name: 'big', description: 'x'.repeat(5000), patterns: {} } });
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  it('rejects invalid path parameters', async () => {
    const res = await c.request('GET', `/api/v1/collections/${'%2F'.repeat(3)}`, { role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].in).toBe('path');
  });

  it('keeps a sane client request id and replaces anything else', async () => {
    const kept = await c.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(kept.headers['x-request-id']).toBe('trace-123');
    const replaced = await c.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('unexpected errors and readiness failures', () => {
  it('answers a handler bug with a 500 problem carrying an id the log has, and nothing of the error', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-app-'));
    const config = {
      ...consoleConfigSchema.parse({ dataDir, logLevel: 'info', workers: false }),
      database: path.join(dataDir, 'console.db'),
      advisoryDatabase: path.join(dataDir, 'advisories.db'),
      secretKey: randomBytes(32),
    } as ConsoleConfig;
    const services = await buildContext(config, { log });
    const broken = route({
      method: 'GET',
      url: '/api/v1/broken',
      summary: 'throws',
      tag: 'test',
      access: 'public',
      handler: async () => {
        throw new Error('password=hunter2 at /internal/path');
      },
    });
    const app = await buildConsoleApp(services.ctx, { routes: [broken, ...healthRoutes, ...authRoutes] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/broken`);
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('/internal/path');
      const body = JSON.parse(text) as { errorId: string; title: string };
      expect(body.title).toBe('Internal Server Error');
      const logged = lines.map((l) => JSON.parse(l) as { errorId?: string; err?: { message: string } }).find((l) => l.errorId === body.errorId);
      expect(logged?.err?.message).toContain('hunter2');

      // The JSON request log has one id per request and never a password, token or session cookie.
      await createFirstAdmin(services.ctx, 'root', 'root-password-123');
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'root', password: 'root-password-123' }) });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!;
      const { secret } = await createApiToken(services.ctx.store, { name: 'log-test', role: 'auditor', createdBy: (await login.json() as { user: { id: string } }).user.id }, new Date());
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'log-check-1' } })).status).toBe(200);
      const joined = lines.join('\n');
      for (const credential of ['root-password-123', secret, cookie]) expect(joined).not.toContain(credential);
      // At info, a successful read is not logged (debug); a write or an error is, once, with its request id.
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}x`, 'x-request-id': 'log-check-2' } })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: `bulkhead_session=${cookie}`, 'x-request-id': 'log-check-3' } })).status).toBeLessThan(500);
      const requestLines = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; res?: { statusCode: number }; req?: { method: string } });
      expect(requestLines.filter((l) => l.reqId === 'log-check-1')).toEqual([]);
      expect(requestLines.filter((l) => l.reqId === 'log-check-2').map((l) => [l.msg, l.res?.statusCode])).toEqual([['request completed', 401]]);
      expect(requestLines.filter((l) => l.reqId === 'log-check-3').map((l) => [l.msg, l.req?.method])).toEqual([['request completed', 'POST']]);
      for (const credential of ['root-password-123', secret, cookie]) expect(lines.join('\n')).not.toContain(credential);

      // Readiness: a registered check that fails turns /readyz to 503 without its message.
      registerReadinessCheck({ name: 'test-broken-dependency', run: async () => { throw new Error('secret detail'); } });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      const readyText = await ready.text();
      expect(ready.status).toBe(503);
      expect(JSON.parse(readyText).checks).toContainEqual(expect.objectContaining({ name: 'test-broken-dependency', ok: false }));
      expect(readyText).not.toContain('secret detail');
      registerReadinessCheck({ name: 'test-broken-dependency', run: async () => 'fine' });
      await services.ctx.store.close();
      const down = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(down.status).toBe(503);
      expect((await down.json() as { checks: { name: string; ok: boolean }[] }).checks.find((c) => c.name === 'store')?.ok).toBe(false);
    } finally {
      await app.close();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
