import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import type { Store } from '../../store/open-store.js';
import { consoleConfigSchema, type ConsoleConfig } from '../config.js';
import type { ConsoleEvent } from '../context.js';
import { sealSecret } from '../secrets/seal.js';
import { createEventSink, type ManagedEventSink } from './event-sink.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly raw: string;
}

/** An HTTP receiver on 127.0.0.1 that records every request and answers with `statusFor(n)` for the n-th (0-based). */
async function receiver(statusFor: (n: number) => number = () => 204): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statusFor(n);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Checks a request the way a receiver would, with the secret it was given: HMAC over "<timestamp>.<raw body>". */
function signatureValid(r: Received, secret: string): boolean {
  const timestamp = r.headers['x-bulkhead-timestamp'];
  const signature = r.headers['x-bulkhead-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.raw}`).digest('hex')}`);
  const got = Buffer.from(signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

async function until<T>(what: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const criticalFinding: ConsoleEvent = {
  type: 'finding.new',
  severity: 'critical',
  at: '2026-12-05T00:00:00.000Z',
  image: { digest: 'sha256:' + 'a'.repeat(64), repositories: ['registry.example.com/team-a/api'], environment: 'prod' },
  summary: 'CVE-2024-0001 (critical) in openssl 3.0.11 of registry.example.com/team-a/api',
  detail: { finding: 'CVE-2024-0001' },
};

describe.each(STORE_DIALECTS)('event sink on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  let config: ConsoleConfig;
  let sink: ManagedEventSink | undefined;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    store = await openFreshStore(dialect);
    config = { ...consoleConfigSchema.parse({ dataDir: '/nonexistent' }), database: store.location, advisoryDatabase: '/nonexistent/a.db', secretKey: randomBytes(32) };
  });
  afterEach(async () => {
    await sink?.stop();
    sink = undefined;
    for (const close of closers.splice(0)) await close();
    await store.cleanup();
  });

  async function addRule(rule: { name?: string; trigger: unknown; target: unknown; enabled?: boolean }): Promise<string> {
    const id = randomUUID();
    await store.db.insertInto('alert_rules').values({ id, name: rule.name ?? 'rule', trigger: JSON.stringify(rule.trigger), target: JSON.stringify(rule.target), enabled: rule.enabled === false ? 0 : 1, created_at: new Date().toISOString() }).execute();
    return id;
  }

  const deliveries = () => store.db.selectFrom('alert_deliveries').selectAll().orderBy('created_at').execute();

  it('signs webhooks so that a receiver holding the secret can verify them, and only matching events are delivered', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    const secret = 'whsec-' + randomBytes(8).toString('hex');
    await addRule({
      trigger: { events: [{ type: 'finding.new', minSeverity: 'critical' }], scope: { images: ['registry.example.com/team-a/*'] } },
      target: { type: 'webhook', url: hook.url, secretSealed: sealSecret(config.secretKey, secret) },
    });
    sink = createEventSink(store, config, pino({ level: 'silent' }), { pollIntervalMs: 50 });
    sink.start();
    await sink.publish([
      criticalFinding,
      { ...criticalFinding, severity: 'high', summary: 'high: below the rule minimum' },
      { ...criticalFinding, image: { ...criticalFinding.image!, repositories: ['registry.example.com/team-b/api'] }, summary: 'out of scope' },
      { ...criticalFinding, type: 'health.problem', summary: 'not a finding event' },
    ]);
    expect(await deliveries()).toHaveLength(1);
    await until(() => (hook.received.length === 1 ? true : undefined));
    const [request] = hook.received;
    expect(signatureValid(request!, secret)).toBe(true);
    expect(signatureValid(request!, 'another-secret')).toBe(false);
    // A body changed in transit no longer verifies.
    expect(signatureValid({ ...request!, raw: request!.raw.replace('critical', 'low') }, secret)).toBe(false);
    const ts = Number(request!.headers['x-bulkhead-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.raw) as { delivery: string; event: ConsoleEvent };
    expect(body.event.summary).toBe(criticalFinding.summary);
    const [row] = await until(async () => {
      const rows = await deliveries();
      return rows[0]?.state === 'sent' ? rows : undefined;
    });
    expect(body.delivery).toBe(row!.id);
    expect(row!.attempts).toBe(1);
  });

  it('retries a receiver that fails twice with backoff, then records the delivery as sent', async () => {
    const hook = await receiver((n) => (n < 2 ? 503 : 200));
    closers.push(hook.close);
    await addRule({ trigger: { events: [{ type: 'verdict.changed', to: ['block'] }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, hook.url) } });
    sink = createEventSink(store, config, pino({ level: 'silent' }), { pollIntervalMs: 20, backoffBaseMs: 100 });
    sink.start();
    await sink.publish([{ type: 'verdict.changed', at: new Date().toISOString(), summary: 'api flipped to block', detail: { from: 'allow', to: 'block' } }]);
    const row = await until(async () => {
      const [r] = await deliveries();
      return r?.state === 'sent' ? r : undefined;
    });
    expect(hook.received).toHaveLength(3);
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    // Slack-compatible body: text plus blocks.
    const slack = JSON.parse(hook.received[2]!.raw) as { text: string; blocks: { type: string }[] };
    expect(slack.text).toContain('api flipped to block');
    expect(slack.blocks[0]!.type).toBe('section');
  });

  it('keeps a delivery to a receiver that is down pending with its error, then fails it after the last attempt', async () => {
    const gone = await receiver();
    await gone.close();
    await addRule({ trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, gone.url) } });
    sink = createEventSink(store, config, pino({ level: 'silent' }), { pollIntervalMs: 20, backoffBaseMs: 150, maxAttempts: 3 });
    await sink.publish([{ type: 'health.problem', at: new Date().toISOString(), summary: 'advisory data is stale', detail: {} }]);
    expect(await sink.deliverDue()).toBe(1);
    const [afterOne] = await deliveries();
    expect(afterOne!.state).toBe('pending');
    expect(afterOne!.attempts).toBe(1);
    expect(afterOne!.last_error).toMatch(/ECONNREFUSED/);
    expect(Date.parse(afterOne!.next_attempt_at)).toBeGreaterThan(Date.now());
    // Not due yet: the backoff holds it back.
    expect(await sink.deliverDue()).toBe(0);
    sink.start();
    const failed = await until(async () => {
      const [r] = await deliveries();
      return r?.state === 'failed' ? r : undefined;
    });
    expect(failed.attempts).toBe(3);
    expect(failed.last_error).toMatch(/ECONNREFUSED/);
  });

  it('loses nothing across a restart: deliveries recorded before stop are sent by the next sink', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    await addRule({ trigger: { events: [{ type: 'enforcement.denied' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, hook.url) } });
    const first = createEventSink(store, config, pino({ level: 'silent' }));
    await first.publish([1, 2, 3].map((n) => ({ type: 'enforcement.denied', at: new Date().toISOString(), summary: `denied ${n}`, detail: {} })));
    await first.stop();
    expect(hook.received).toHaveLength(0);
    sink = createEventSink(store, config, pino({ level: 'silent' }), { pollIntervalMs: 20 });
    sink.start();
    await until(() => (hook.received.length === 3 ? true : undefined));
    expect(hook.received.map((r) => (JSON.parse(r.raw) as { text: string }).text).sort()).toEqual(['[Bulkhead] denied 1', '[Bulkhead] denied 2', '[Bulkhead] denied 3']);
  });

  it('claims a delivery once when two sinks share the store', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    await addRule({ trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, hook.url) } });
    const a = createEventSink(store, config, pino({ level: 'silent' }));
    const b = createEventSink(store, config, pino({ level: 'silent' }));
    await a.publish(Array.from({ length: 100 }, (_, n) => ({ type: 'health.problem', at: new Date().toISOString(), summary: `p${n}`, detail: {} })));
    const [na, nb] = await Promise.all([a.deliverDue(), b.deliverDue()]);
    expect(na + nb).toBe(100);
    expect(hook.received).toHaveLength(100);
    expect(new Set(hook.received.map((r) => (JSON.parse(r.raw) as { text: string }).text)).size).toBe(100);
  });

  it('fails deliveries whose rule was deleted or disabled instead of sending them', async () => {
    const hook = await receiver();
    closers.push(hook.close);
    const id = await addRule({ trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, hook.url) } });
    sink = createEventSink(store, config, pino({ level: 'silent' }));
    await sink.publish([{ type: 'health.problem', at: new Date().toISOString(), summary: 'x', detail: {} }]);
    await store.db.updateTable('alert_rules').set({ enabled: 0 }).where('id', '=', id).execute();
    await sink.deliverDue();
    const [row] = await deliveries();
    expect(row!.state).toBe('failed');
    expect(row!.last_error).toMatch(/disabled/);
    expect(hook.received).toHaveLength(0);
  });

  it('sends syslog alerts as RFC 5424 messages over UDP, and over TCP with octet counting', async () => {
    const datagrams: Buffer[] = [];
    const udp = createSocket('udp4');
    udp.on('message', (m) => datagrams.push(m));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise((resolve) => udp.close(() => resolve())));
    const tcpBytes: Buffer[] = [];
    const tcp = createTcpServer((s) => s.on('data', (d: Buffer) => tcpBytes.push(d)));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => tcp.close(() => resolve())));
    await addRule({ name: 'to-siem', trigger: { events: [{ type: 'finding.new', minSeverity: 'high' }] }, target: { type: 'syslog', host: '127.0.0.1', port: udp.address().port, protocol: 'udp', facility: 'local0' } });
    await addRule({ name: 'to-siem-tcp', trigger: { events: [{ type: 'finding.new', minSeverity: 'high' }] }, target: { type: 'syslog', host: '127.0.0.1', port: (tcp.address() as AddressInfo).port, protocol: 'tcp', facility: 'auth' } });
    sink = createEventSink(store, config, pino({ level: 'silent' }), { pollIntervalMs: 20 });
    sink.start();
    await sink.publish([criticalFinding]);
    await until(() => (datagrams.length === 1 && tcpBytes.length > 0 ? true : undefined));
    // RFC 5424 §6: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP BOM MSG].
    const line = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*\]) \uFEFF(.*)$/s;
    const udpMessage = line.exec(datagrams[0]!.toString('utf8'));
    expect(udpMessage).not.toBeNull();
    const [, pri, timestamp, , app, , msgId, sd, msg] = udpMessage!;
    expect(Number(pri)).toBe(16 * 8 + 2); // local0 (16), critical finding → crit (2)
    expect(timestamp).toBe(criticalFinding.at);
    expect(app).toBe('bulkhead');
    expect(msgId).toBe('finding.new');
    expect(sd).toMatch(/^\[bulkhead@32473 /);
    expect(sd).toContain(`image="${criticalFinding.image!.digest}"`);
    expect(sd).toContain('rule="to-siem"');
    expect(msg).toBe(criticalFinding.summary);
    // RFC 6587 §3.4.1 octet counting: "<length> <message>".
    const framed = Buffer.concat(tcpBytes);
    const space = framed.indexOf(0x20);
    const length = Number(framed.subarray(0, space).toString('ascii'));
    const tcpMessage = framed.subarray(space + 1);
    expect(tcpMessage.length).toBe(length);
    expect(Number(line.exec(tcpMessage.toString('utf8'))![1])).toBe(4 * 8 + 2); // auth (4), crit (2)
    await until(async () => ((await deliveries()).every((d) => d.state === 'sent') ? true : undefined));
  });

  it('deletes finished deliveries past the retention, never pending ones', async () => {
    const id = await addRule({ trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, 'http://127.0.0.1:9/') } });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const recent = new Date().toISOString();
    const row = (n: string, state: string, at: string) => ({ id: n, rule_id: id, payload: '{}', state, attempts: 1, next_attempt_at: '9999-01-01T00:00:00.000Z', last_error: null, created_at: at });
    await store.db.insertInto('alert_deliveries').values([row('a', 'sent', old), row('b', 'failed', old), row('c', 'pending', old), row('d', 'sent', recent)]).execute();
    sink = createEventSink(store, config, pino({ level: 'silent' }), { retentionDays: 30 });
    expect(await sink.pruneFinished()).toBe(2);
    expect((await deliveries()).map((d) => d.id).sort()).toEqual(['c', 'd']);
  });

  it('gives up on a receiver that never answers after the timeout, and does not follow redirects', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => {
      hanging.closeAllConnections();
      hanging.close(() => resolve());
    }));
    const target = await receiver();
    closers.push(target.close);
    const redirecting = createServer((_req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => redirecting.close(() => resolve())));
    const port = (s: Server) => (s.address() as AddressInfo).port;
    await addRule({ name: 'hangs', trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'slack', urlSealed: sealSecret(config.secretKey, `http://127.0.0.1:${port(hanging)}/`) } });
    await addRule({ name: 'redirects', trigger: { events: [{ type: 'health.problem' }] }, target: { type: 'webhook', url: `http://127.0.0.1:${port(redirecting)}/`, secretSealed: sealSecret(config.secretKey, 'a-secret-of-enough-length') } });
    sink = createEventSink(store, config, pino({ level: 'silent' }), { timeoutMs: 300, maxAttempts: 1 });
    await sink.publish([{ type: 'health.problem', at: new Date().toISOString(), summary: 'x', detail: {} }]);
    const started = Date.now();
    expect(await sink.deliverDue()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    const rows = await deliveries();
    expect(rows.map((r) => [r.state, r.last_error]).sort()).toEqual([
      ['failed', `POST http://127.0.0.1:${port(hanging)}: no answer within 300 ms`],
      ['failed', `POST http://127.0.0.1:${port(redirecting)}: HTTP 307`],
    ].sort());
    expect(target.received).toHaveLength(0);
  });
});
