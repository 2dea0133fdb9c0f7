/**
 * The whole path of a policy change through a running console: a new
 * version is activated over the API, the server's own workers re-evaluate
 * the stored image, its verdict flips, and an alert rule's webhook receives
 * the signed verdict change. Then an exception does the same in reverse.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { recordAssessment } from '../inventory/image-assessment.js';
import { registerJobHandlers } from '../jobs/register-job-handlers.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly raw: string;
}

const BLOCK = `version: 1
name: story
rules:
  - id: heartbleed
    description: Heartbleed blocks.
    effect: block
    vulnerabilities:
      ids: [CVE-2014-0160]
`;
const WARN = BLOCK.replace('effect: block', 'effect: alert');

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(STORE_DIALECTS)('a policy change end to end on %s', (dialect) => {
  let c: TestConsole;
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    c = await startTestConsole({ dialect, config: { workers: true } });
    // The job handlers `bulkhead serve` registers (the fixture leaves them to the test): re-evaluation among them.
    registerJobHandlers(c.ctx);
    demoAdvisoryDatabase(c.config.advisoryDatabase);
  });
  afterAll(async () => {
    await c?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('activating a version re-decides the stored image and alerts the verdict change; an exception flips it back', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const rule = await c.request('POST', '/api/v1/alerts/rules', {
      role: 'secops',
      body: { name: 'verdicts', trigger: { events: [{ type: 'verdict.changed', to: ['allow', 'warn', 'block'] }] }, target: { type: 'webhook', url } },
    });
    const secret = rule.json.secret as string;
    expect((await c.request('POST', '/api/v1/policies/story/versions', { role: 'secops', body: { content: BLOCK, reason: 'start strict', activate: true } })).status).toBe(201);
    const { assessment } = await demoAssessment();
    const recorded = await recordAssessment(c.ctx, { assessment, reference: 'registry.example.com/team-a/demo:1.0' }, { cause: { reason: 'scan' } });
    expect(recorded.decision.verdict).toBe('block');

    const verdict = async () => (await c.ctx.store.db.selectFrom('images').select('verdict').where('digest', '=', recorded.digest).executeTakeFirstOrThrow()).verdict;
    const changeTo = (to: string) => until(async () => {
      const r = received.find((x) => {
        const body = JSON.parse(x.raw) as { event: { type: string; detail: { to?: string } } };
        return body.event.type === 'verdict.changed' && body.event.detail.to === to;
      });
      return r;
    });

    expect((await c.request('POST', '/api/v1/policies/story/versions', { role: 'secops', body: { content: WARN, reason: 'heartbleed warns for now', activate: true } })).status).toBe(201);
    await until(async () => ((await verdict()) === 'warn' ? true : undefined));
    const toWarn = await changeTo('warn');
    const ts = String(toWarn.headers['x-bulkhead-timestamp']);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${toWarn.raw}`).digest('hex')}`);
    expect(timingSafeEqual(expected, Buffer.from(String(toWarn.headers['x-bulkhead-signature'])))).toBe(true);
    const event = (JSON.parse(toWarn.raw) as { event: { image: { digest: string }; detail: { from: string; cause: { reason: string; policyVersion?: string } } } }).event;
    expect(event.image.digest).toBe(recorded.digest);
    expect(event.detail.from).toBe('block');
    expect(event.detail.cause.reason).toBe('policy-change');

    // Back to the strict version, then an exception for the image: block, then allow again.
    expect((await c.request('POST', '/api/v1/policies/rollback', { role: 'secops', body: { reason: 'warnings were ignored' } })).json.version).toBe(1);
    await until(async () => ((await verdict()) === 'block' ? true : undefined));
    const exception = await c.request('POST', '/api/v1/exceptions', {
      role: 'secops',
      body: { id: 'demo-waiver', owner: 'team-a', reason: 'demo image, not deployed', expires: new Date(Date.now() + 7 * 86_400_000).toISOString(), rules: ['heartbleed'], digests: [recorded.digest] },
    });
    expect(exception.status).toBe(201);
    await until(async () => ((await verdict()) === 'allow' ? true : undefined));
    const toAllow = await changeTo('allow');
    expect((JSON.parse(toAllow.raw) as { event: { detail: { cause: { reason: string } } } }).event.detail.cause.reason).toBe('exception-change');
  });
});
