/**
 * The HTTP layer over a real server on both stores: problem+json for every
 * kind of error, validation, body limits, request ids, health and readiness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
