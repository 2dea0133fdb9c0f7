import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly raw: string;
}

async function receiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/bulkhead`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A receiver's check: HMAC-SHA256 over "<timestamp>.<raw body>" with the secret the console handed out. */
function verified(r: Received, secret: string): boolean {
  const ts = String(r.headers['x-bulkhead-timestamp']);
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.raw}`).digest('hex')}`);
  const got = Buffer.from(String(r.headers['x-bulkhead-signature']));
  return expected.length === got.length && timingSafeEqual(expected, got);
}

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(STORE_DIALECTS)('alert routes on %s', (dialect) => {
  let c: TestConsole;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver();
    // workers: true runs the delivery loop in the server, as `bulkhead serve` does.
    c = await startTestConsole({ dialect, config: { workers: true } });
  });
  afterAll(async () => {
    await c?.close();
    await hook?.close();
  });

  const rule = (url: string) => ({
    name: 'critical to SOC',
    trigger: { events: [{ type: 'finding.new', minSeverity: 'critical' }, { type: 'verdict.changed' }], scope: { environments: ['prod'] } },
    target: { type: 'webhook', url },
  });

  it('validates rules and keeps them to admin and secops', async () => {
    const bad: [unknown, RegExp][] = [
      [{ ...rule(hook.url), target: { type: 'webhook', url: 'file:///etc/passwd' } }, /target.url/],
      [{ ...rule(hook.url), target: { type: 'carrier-pigeon' } }, /target.type/],
      [{ ...rule(hook.url), trigger: { events: [] } }, /trigger.events/],
      [{ ...rule(hook.url), trigger: { events: [{ type: 'finding.new', minSeverity: 'apocalyptic' }] } }, /minSeverity/],
      [{ ...rule(hook.url), trigger: { events: [{ type: 'health.problem' }], scope: { images: ['[oops'] } } }, /glob/],
      [{ ...rule(hook.url), target: { type: 'webhook', url: hook.url, secret: 'short' } }, /16 characters/],
      [{ ...rule(hook.url), target: { type: 'syslog', host: 'siem; rm -rf /' } }, /host/],
      [{ ...rule(hook.url), extra: 1 }, /extra/],
    ];
    for (const [body, detail] of bad) {
      const res = await c.request('POST', '/api/v1/alerts/rules', { role: 'secops', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(`${res.json.detail} ${JSON.stringify(res.json.errors)}`).toMatch(detail);
    }
    expect((await c.request('POST', '/api/v1/alerts/rules', { role: 'developer', body: rule(hook.url) })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/alerts/rules', { role: 'auditor', body: rule(hook.url) })).status).toBe(403);
    expect((await c.request('GET', '/api/v1/alerts/rules', { role: 'developer' })).status).toBe(403);
    expect((await c.request('GET', '/api/v1/alerts/rules', { role: 'auditor' })).json.rules).toEqual([]);
  });

  it('hands out a generated signing secret once, sends a test alert a receiver verifies, and delivers matching events', async () => {
    const created = await c.request('POST', '/api/v1/alerts/rules', { role: 'secops', body: rule(hook.url) });
    expect(created.status).toBe(201);
    const { id, secret } = created.json as { id: string; secret: string };
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const shown = await c.request('GET', `/api/v1/alerts/rules/${id}`, { role: 'auditor' });
    expect(shown.json.target).toEqual({ type: 'webhook', url: hook.url, hasSecret: true });
    expect(shown.text).not.toContain(secret);
    const stored = await c.ctx.store.db.selectFrom('alert_rules').select('target').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.target).not.toContain(secret);

    const test = await c.request('POST', `/api/v1/alerts/rules/${id}/test`, { role: 'secops' });
    expect(test.json).toMatchObject({ delivered: true });
    expect(hook.received).toHaveLength(1);
    expect(verified(hook.received[0]!, secret)).toBe(true);
    expect(JSON.parse(hook.received[0]!.raw).event.type).toBe('alert.test');

    // Events from the console's own sink, delivered by the server's loop.
    await c.ctx.events.publish([
      { type: 'finding.new', severity: 'critical', at: new Date().toISOString(), image: { digest: 'sha256:' + 'b'.repeat(64), repositories: ['registry.example.com/pay/api'], environment: 'prod' }, summary: 'critical in prod', detail: {} },
      { type: 'finding.new', severity: 'critical', at: new Date().toISOString(), image: { digest: 'sha256:' + 'c'.repeat(64), repositories: ['registry.example.com/pay/api'], environment: 'dev' }, summary: 'critical in dev: out of scope', detail: {} },
    ]);
    await until(async () => (hook.received.length === 2 ? true : undefined));
    expect(verified(hook.received[1]!, secret)).toBe(true);
    expect(JSON.parse(hook.received[1]!.raw).event.summary).toBe('critical in prod');
    const listed = await until(async () => {
      const res = await c.request('GET', `/api/v1/alerts/deliveries?rule=${id}&state=sent`, { role: 'auditor' });
      return res.json.deliveries.length === 2 ? res : undefined;
    });
    expect(listed.json.deliveries.map((d: { payload: { event: { type: string } } }) => d.payload.event.type).sort()).toEqual(['alert.test', 'finding.new']);
    expect(listed.json.deliveries.every((d: { attempts: number; lastError: null }) => d.attempts === 1 && d.lastError === null)).toBe(true);

    // Replacing without a secret keeps it; the audit log has every change.
    const replaced = await c.request('PUT', `/api/v1/alerts/rules/${id}`, { role: 'secops', body: { ...rule(hook.url), name: 'renamed', enabled: false } });
    expect(replaced.json).toMatchObject({ name: 'renamed', enabled: false });
    expect(replaced.json.secret).toBeUndefined();
    await c.request('PUT', `/api/v1/alerts/rules/${id}`, { role: 'secops', body: rule(hook.url) });
    expect((await c.request('POST', `/api/v1/alerts/rules/${id}/test`, { role: 'secops' })).json.delivered).toBe(true);
    expect(verified(hook.received[2]!, secret)).toBe(true);
    const actions = await c.ctx.store.db.selectFrom('audit').select('action').where('target', '=', `alert-rule:${id}`).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['alert.rule.create', 'alert.rule.test', 'alert.rule.update', 'alert.rule.update', 'alert.rule.test']);
  });

  it('reports a test alert to a receiver that is down as failed, and deletes rules', async () => {
    const gone = await receiver();
    await gone.close();
    const created = await c.request('POST', '/api/v1/alerts/rules', { role: 'secops', body: { name: 'slack', trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', url: gone.url } } });
    expect(created.json.target).toEqual({ type: 'slack', url: `${new URL(gone.url).origin}/…` });
    const test = await c.request('POST', `/api/v1/alerts/rules/${created.json.id}/test`, { role: 'secops' });
    expect(test.json.delivered).toBe(false);
    expect(test.json.error).toMatch(/ECONNREFUSED/);
    const failed = await c.request('GET', '/api/v1/alerts/deliveries?state=failed', { role: 'secops' });
    expect(failed.json.deliveries).toEqual([expect.objectContaining({ rule: created.json.id, state: 'failed', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED/) })]);
    expect((await c.request('DELETE', `/api/v1/alerts/rules/${created.json.id}`, { role: 'secops' })).status).toBe(204);
    expect((await c.request('GET', `/api/v1/alerts/rules/${created.json.id}`, { role: 'secops' })).status).toBe(404);
    expect((await c.request('GET', '/api/v1/alerts/rules/not-a-uuid', { role: 'secops' })).status).toBe(400);
  });
});
