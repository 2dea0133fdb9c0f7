/**
 * Hosts, clusters, containers and the enforcement endpoints over the real
 * server on SQLite and PostgreSQL: reports upsert and retire containers,
 * containers show their image's verdict (the demo image, really scanned),
 * decisions land in the audit log whose chain verifies, denials become
 * events, and verdict changes are served to defenders since a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';

describe.each(STORE_DIALECTS)('fleet and enforcement over HTTP on %s', (dialect) => {
  let c: TestConsole;
  let digest: string;
  const started = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const { assessment } = await demoAssessment();
    const res = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment, reference: 'registry.example.com/team-a/demo:1.0' } });
    expect(res.status, res.text).toBe(201);
    digest = res.json.digest;
    await c.collection('edge', { hosts: ['edge-*'] });
  });
  afterAll(() => c?.close());

  const container = (id: string, state = 'running') => ({ id, name: `/${id}`, imageReference: 'registry.example.com/team-a/demo:1.0', imageDigest: digest, state, startedAt: '2026-01-01T00:00:00Z' });

  it('a host report upserts the host and its containers, and retires the ones it no longer reports', async () => {
    const first = await c.request('POST', '/api/v1/hosts/edge-1/report', {
      role: 'defender',
      body: { name: 'edge-1', environment: 'prod', labels: { rack: 'a' }, info: { engine: '27.0.1' }, containers: [container('c1'), container('c2')] },
    });
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ containers: 2, gone: 0 });
    const second = await c.request('POST', '/api/v1/hosts/edge-1/report', { role: 'defender', body: { name: 'edge-1', containers: [container('c2', 'exited'), container('c3')] } });
    expect(second.json).toMatchObject({ containers: 2, gone: 1 });

    const host = await c.request('GET', '/api/v1/hosts/edge-1', { role: 'auditor' });
    expect(host.status).toBe(200);
    const states = Object.fromEntries(host.json.containers.map((x: { id: string; state: string }) => [x.id, x.state]));
    expect(states).toEqual({ 'edge-1/c1': 'gone', 'edge-1/c2': 'exited', 'edge-1/c3': 'running' });
    expect(host.json.containers.every((x: { verdict: string }) => x.verdict === 'block')).toBe(true);

    const list = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(list.json.items).toEqual([expect.objectContaining({ id: 'edge-1', name: 'edge-1', containers: { gone: 1, exited: 1, running: 1 } })]);
  });

  it('cluster reports, container lists with filters, and scope by host name', async () => {
    const res = await c.request('POST', '/api/v1/clusters/prod-eu/report', {
      role: 'defender',
      body: { name: 'prod-eu', containers: [{ ...container('shop/web-1/app'), namespace: 'shop' }] },
    });
    expect(res.status, res.text).toBe(200);
    const cluster = await c.request('GET', '/api/v1/clusters/prod-eu', { role: 'secops' });
    expect(cluster.json.containers.map((x: { id: string; namespace: string }) => `${x.id} ${x.namespace}`)).toEqual(['prod-eu/shop/web-1/app shop']);

    const blocked = await c.request('GET', '/api/v1/containers?verdict=block&state=running', { role: 'auditor' });
    expect(blocked.json.items.map((x: { id: string }) => x.id)).toEqual(['edge-1/c3', 'prod-eu/shop/web-1/app']);
    const paged = await c.request('GET', '/api/v1/containers?limit=1', { role: 'auditor' });
    expect(paged.json.items).toHaveLength(1);
    const rest = await c.request('GET', `/api/v1/containers?limit=10&cursor=${paged.json.nextCursor}`, { role: 'auditor' });
    expect(rest.json.items.map((x: { id: string }) => x.id)).not.toContain(paged.json.items[0].id);
    expect(rest.json.items).toHaveLength(3);

    const edge = await c.request('GET', '/api/v1/containers', { role: 'developer', collections: ['edge'] });
    expect(edge.json.items.map((x: { id: string }) => x.id)).toEqual(['edge-1/c1', 'edge-1/c2', 'edge-1/c3']);
    expect((await c.request('GET', '/api/v1/clusters/prod-eu', { role: 'developer', collections: ['edge'] })).status).toBe(404);
    expect((await c.request('GET', '/api/v1/hosts/edge-1', { role: 'developer', collections: ['edge'] })).status).toBe(200);
  });

  it('rejects bad reports and non-defenders', async () => {
    expect((await c.request('POST', '/api/v1/hosts/edge-1/report', { role: 'ci', body: { name: 'x', containers: [] } })).status).toBe(403);
    const bad = await c.request('POST', '/api/v1/hosts/edge-1/report', { role: 'defender', body: { name: 'x', containers: [{ id: 'a' }] } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect((await c.request('POST', '/api/v1/hosts/..%2F..%2Fetc/report', { role: 'defender', body: { name: 'x', containers: [] } })).status).toBe(400);
    const many = { name: 'x', containers: Array.from({ length: 10_001 }, (_, i) => ({ id: `c${i}`, name: 'n', imageReference: 'r', state: 'running' })) };
    expect((await c.request('POST', '/api/v1/hosts/edge-2/report', { role: 'defender', body: many })).status).toBe(400);
  });

  it('decisions go to the audit log; denials become events', async () => {
    // A rule for denials: the event sink writes a pending delivery for each denial (delivery itself is not running here).
    await c.ctx.store.db
      .insertInto('alert_rules')
      .values({ id: 'denials', name: 'denials', trigger: JSON.stringify({ events: [{ type: 'enforcement.denied' }] }), target: JSON.stringify({ type: 'syslog', host: '127.0.0.1', port: 9 }), enabled: 1, created_at: new Date().toISOString() })
      .execute();
    const at = new Date().toISOString();
    const decisions = [
      { at, point: 'docker', source: 'edge-1', action: 'container.create', allowed: true, image: { reference: 'debian:12' }, verdict: 'allow', reasons: [], rules: [] },
      {
        at,
        point: 'docker',
        source: 'edge-1',
        action: 'container.create',
        allowed: false,
        user: 'alice',
        image: { reference: 'registry.example.com/team-a/demo:1.0', digest },
        verdict: 'block',
        reasons: ['libssl1.0.0 1.0.1e-2+deb7u4 has CVE-2014-0160, fixed in 1.0.1e-2+deb7u5'],
        rules: ['vuln-heartbleed'],
      },
    ];
    const res = await c.request('POST', '/api/v1/enforcement/decisions', { role: 'defender', body: { decisions } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.recorded).toBe(2);
    const audit = await c.request('GET', '/api/v1/audit?action=enforcement.decision', { role: 'auditor' });
    expect(audit.json.items.map((e: { target: string }) => e.target).sort()).toEqual(['image:debian:12', `image:${digest}`].sort());
    expect((await verifyAuditChain(c.ctx.store)).ok).toBe(true);

    const deliveries = await c.ctx.store.db.selectFrom('alert_deliveries').selectAll().where('rule_id', '=', 'denials').execute();
    expect(deliveries).toHaveLength(1);
    const event = JSON.parse(deliveries[0]!.payload).event;
    expect(event).toMatchObject({ type: 'enforcement.denied', image: { digest, repositories: ['registry.example.com/team-a/demo'] } });
    expect(event.summary).toMatch(/denied container\.create .* for alice: libssl1\.0\.0/);
    const bad = await c.request('POST', '/api/v1/enforcement/decisions', { role: 'defender', body: { decisions: [{ ...decisions[0], allowed: 'yes' }] } });
    expect(bad.status).toBe(400);
  });

  it('serves verdict changes since a time', async () => {
    const res = await c.request('GET', `/api/v1/enforcement/verdicts?since=${encodeURIComponent(started)}`, { role: 'defender' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.changes).toEqual([expect.objectContaining({ digest, from: null, to: 'block', reason: 'scan' })]);
    expect(Date.parse(res.json.now)).toBeGreaterThanOrEqual(Date.parse(started));
    const later = await c.request('GET', `/api/v1/enforcement/verdicts?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { role: 'defender' });
    expect(later.json.changes).toEqual([]);
    expect((await c.request('GET', '/api/v1/enforcement/verdicts?since=yesterday', { role: 'defender' })).status).toBe(400);
  });
});
