import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { startConsoleLink } from '../../enforce/defender/console-link.js';
import type { DefenderConfig } from '../../enforce/defender/defender-config.js';
import { runHostAudit } from '../../host/index.js';

describe.each(STORE_DIALECTS)('host compliance on %s', (dialect) => {
  let c: TestConsole;
  let root: string;
  const daemonJson = (): string => path.join(root, 'etc', 'docker', 'daemon.json');
  // The real offline audit (file checks) of a host tree: 3.18 wants daemon.json at 644 or stricter.
  const audit = async (mode: number) => {
    chmodSync(daemonJson(), mode);
    return runHostAudit({ root });
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'bulkhead-compliance-'));
    mkdirSync(path.join(root, 'etc', 'docker'), { recursive: true });
    writeFileSync(daemonJson(), '{"icc": false, "live-restore": true}\n');
    c = await startTestConsole({ dialect });
  });
  afterAll(async () => {
    await c?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps each audit with its score, and reports the drift from pass to fail', async () => {
    const rule = { name: 'hardening drift', trigger: { events: [{ type: 'host.drift' }] }, target: { type: 'webhook', url: 'http://127.0.0.1:9/drift' } };
    expect((await c.request('POST', '/api/v1/alerts/rules', { role: 'secops', body: rule })).status).toBe(201);
    const first = await c.request('POST', '/api/v1/hosts/web-1/audit', { role: 'defender', body: await audit(0o644) });
    expect(first.status, first.text).toBe(201);
    expect(first.json.drift).toEqual([]);
    const second = await c.request('POST', '/api/v1/hosts/web-1/audit', { role: 'defender', body: await audit(0o666) });
    expect(second.json.drift).toEqual([{ id: '3.18', title: 'Ensure that daemon.json file permissions are set to 644 or more restrictive', from: 'pass', to: 'fail' }]);
    expect(second.json.score).toBeLessThan(first.json.score);

    const view = await c.request('GET', '/api/v1/hosts/web-1/compliance', { role: 'auditor' });
    expect(view.json.latest.results.find((r: { id: string }) => r.id === '3.18').status).toBe('fail');
    expect(view.json.history.map((h: { drift: string[] }) => h.drift)).toEqual([['3.18'], []]);
    const overview = await c.request('GET', '/api/v1/compliance/hosts', { role: 'secops' });
    expect(overview.json.items).toEqual([{ host: 'web-1', at: view.json.latest.at, score: second.json.score, drift: 1 }]);

    const audited = await c.request('GET', '/api/v1/audit?action=host.audit', { role: 'auditor' });
    expect(audited.json.items.map((e: { target: string }) => e.target)).toEqual(['host:web-1', 'host:web-1']);
    // The drift went to the alert rule (the receiver is down: it waits for delivery).
    const deliveries = await c.ctx.store.db.selectFrom('alert_deliveries').select('payload').execute();
    expect(deliveries).toHaveLength(1);
    expect(JSON.parse(deliveries[0]!.payload)).toMatchObject({ event: { type: 'host.drift', detail: { host: 'web-1', checks: [{ id: '3.18' }] } } });
  });

  it("takes the defender's report through its console link", async () => {
    const config = { hostName: 'web-2', labels: {} } as unknown as DefenderConfig;
    const link = await startConsoleLink({ config, console: { url: c.baseUrl, token: await c.tokenFor('defender') }, cached: undefined, log: () => {}, onPolicyChange: () => {}, onVerdictChange: () => {}, onCachedPolicy: () => {}, containers: () => [] });
    try {
      await link.reportHostAudit(await audit(0o600));
    } finally {
      await link.close();
    }
    const view = await c.request('GET', '/api/v1/hosts/web-2/compliance', { role: 'auditor' });
    expect(view.json.latest.results.find((r: { id: string }) => r.id === '3.18').status).toBe('pass');
  });

  it('refuses reports that are not audits and hides hosts outside a collection', async () => {
    expect((await c.request('POST', '/api/v1/hosts/web-1/audit', { role: 'defender', body: { benchmark: 'x', startedAt: 'yesterday', results: [] } })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/hosts/..%2Fetc/audit', { role: 'defender', body: await audit(0o644) })).status).toBe(400);
    await c.collection('other-hosts', { hosts: ['db-*'] });
    const scoped = await c.tokenFor('developer', ['other-hosts']);
    expect((await c.request('GET', '/api/v1/hosts/web-1/compliance', { token: scoped })).status).toBe(404);
    expect((await c.request('GET', '/api/v1/compliance/hosts', { token: scoped })).json.items).toEqual([]);
  });
});
