/**
 * Health problems on both dialects over the real server: no advisory data,
 * stale advisory data (the console's clock moved past staleAfterHours), an
 * image scan with zero packages, a re-evaluation backlog; each published
 * once as a 'health.problem' event through the real event sink.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAdvisoryData } from '../advisory-data/change-advisory-data.js';
import { batchesFromUploads } from '../advisory-data/import-uploaded-feeds.js';
import { recordAssessment } from '../inventory/image-assessment.js';
import { insertRun } from '../reevaluate/reevaluation-run.js';
import { DEMO_ADVISORIES, DEMO_RECORDS, demoAssessment } from '../../../test/support/demo-assessment.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { publishNewProblems } from './health-monitor.js';

const HOUR = 3_600_000;

describe.each(STORE_DIALECTS)('health problems on %s', (dialect) => {
  let c: TestConsole;
  let offset = 0;

  beforeAll(async () => {
    c = await startTestConsole({ dialect, now: () => new Date(Date.now() + offset), config: { advisoryUpdate: { staleAfterHours: 48 } } });
    await c.ctx.store.db.insertInto('alert_rules').values({
      id: 'health-rule',
      name: 'ops',
      trigger: JSON.stringify({ events: [{ type: 'health.problem' }] }),
      target: JSON.stringify({ type: 'syslog', host: '127.0.0.1', port: 9, protocol: 'udp' }),
      enabled: 1,
      created_at: new Date().toISOString(),
    }).execute();
  });
  afterAll(async () => {
    await c?.close();
  });

  const problems = async () => {
    const res = await c.request('GET', '/api/v1/health/problems', { role: 'auditor' });
    expect(res.status).toBe(200);
    return res.json.problems as { id: string; kind: string; severity: string; summary: string; detail: Record<string, unknown> }[];
  };
  const deliveries = async () => (await c.ctx.store.db.selectFrom('alert_deliveries').select('payload').where('rule_id', '=', 'health-rule').execute()).map((d) => d.payload);

  it('reports missing advisory data, and publishes it once', async () => {
    expect((await problems()).map((p) => p.kind)).toEqual(['advisory-data-missing']);
    expect((await publishNewProblems(c.ctx)).map((p) => p.id)).toEqual(['advisory-data-missing']);
    expect(await publishNewProblems(c.ctx)).toEqual([]);
    const sent = await deliveries();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('health.problem');
    const denied = await c.request('GET', '/api/v1/health/problems', { role: 'developer' });
    expect(denied.status).toBe(403);
  });

  it('reports advisory data older than staleAfterHours, and clears when fresh', async () => {
    await changeAdvisoryData(c.ctx, (store) => store.import(batchesFromUploads([{ name: 'kev.json', data: readFileSync(path.join(DEMO_ADVISORIES, DEMO_RECORDS.kev)) }])));
    expect(await problems()).toEqual([]);
    offset = 49 * HOUR;
    const stale = await problems();
    expect(stale.map((p) => p.kind)).toEqual(['advisory-data-stale']);
    expect(stale[0]?.detail['ageHours']).toBeGreaterThanOrEqual(49);
    const status = await c.request('GET', '/api/v1/advisories/status', { role: 'developer' });
    expect(status.json).toMatchObject({ present: true, stale: true, staleAfterHours: 48, sources: [{ name: 'kev', stale: true }] });
    expect((await publishNewProblems(c.ctx)).map((p) => p.id)).toEqual(['advisory-data-stale']);
    offset = 0;
    expect(await problems()).toEqual([]);
    await publishNewProblems(c.ctx);
  });

  it('reports an image scan that found zero packages', async () => {
    const { assessment } = await demoAssessment();
    const empty = { ...assessment, inventory: { ...assessment.inventory, id: `${assessment.inventory.id}-empty`, packages: [], relationships: [] } };
    const digest = 'sha256:' + 'e'.repeat(64);
    await recordAssessment(c.ctx, { assessment: empty, digest, reference: 'registry.example.com/team/broken:1' }, { cause: { reason: 'scan' } });
    // The same image with its packages is not a problem.
    await recordAssessment(c.ctx, { assessment, digest: 'sha256:' + 'f'.repeat(64), reference: 'registry.example.com/team/fine:1' }, { cause: { reason: 'scan' } });
    const found = await problems();
    expect(found.map((p) => p.id)).toEqual([`zero-packages:${digest}`]);
    expect(found[0]?.detail).toMatchObject({ digest, target: { kind: 'docker-archive' } });
    expect((await publishNewProblems(c.ctx)).map((p) => p.kind)).toEqual(['zero-packages']);
  });

  it('reports a re-evaluation backlog', async () => {
    await c.ctx.store.db.transaction().execute((trx) => insertRun(trx, { reason: 'policy-change', scope: 'all', advisories: [], items: [['sha256:' + 'f'.repeat(64), []]] }, new Date(Date.now() - HOUR)));
    const found = await problems();
    const backlog = found.find((p) => p.kind === 'reevaluation-backlog');
    expect(backlog?.detail).toMatchObject({ runs: 1, images: 1 });
    const status = await c.request('GET', '/api/v1/advisories/status', { role: 'secops' });
    expect(status.json.reevaluation).toEqual({ pendingRuns: 1, pendingImages: 1 });
  });
});
