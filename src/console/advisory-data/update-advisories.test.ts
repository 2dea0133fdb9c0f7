/**
 * Scheduled and on-demand advisory updates in the console, against a real
 * feed mirror (an HTTP server on 127.0.0.1 serving the demo's KEV catalogue
 * and the repository's KEV excerpt): the update replaces the feed, plans the
 * re-evaluation, records its outcome; a failing mirror leaves the data as it
 * was and shows up in status and health; the schedule enqueues one job.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADVISORIES, DEMO_RECORDS } from '../../../test/support/demo-assessment.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { healthProblems } from '../health/health-problems.js';
import { ADVISORY_UPDATE_JOB, scheduleAdvisoryUpdates, updateConsoleAdvisories } from './update-advisories.js';

const demoKev = readFileSync(path.join(DEMO_ADVISORIES, DEMO_RECORDS.kev));
const excerptKev = readFileSync(new URL('../../advisories/feeds/kev/testdata/kev-excerpt.json', import.meta.url));

describe.each(STORE_DIALECTS)('advisory updates on %s', (dialect) => {
  let server: Server;
  let body: Buffer | undefined = demoKev;
  let c: TestConsole;

  beforeAll(async () => {
    server = createServer((_req, res) => (body ? res.writeHead(200, { 'content-length': String(body.length) }).end(body) : res.writeHead(500).end('mirror down')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kev.json`;
    c = await startTestConsole({ dialect, config: { advisoryUpdate: { intervalMinutes: 60, sources: ['kev'], baseUrls: { kev: url } } } });
  });
  afterAll(async () => {
    await c?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('downloads the configured feeds, records the outcome and plans nothing without images', async () => {
    const { last, planned } = await updateConsoleAdvisories(c.ctx, 'test');
    expect(last).toMatchObject({ ok: true, trigger: 'test', feeds: [{ feed: 'kev', unchanged: false }] });
    expect(planned?.run).toBeUndefined();
    const status = await c.request('GET', '/api/v1/advisories/status', { role: 'auditor' });
    expect(status.json).toMatchObject({ present: true, stale: false, snapshot: last.snapshot, sources: [{ name: 'kev', enrichments: 1 }], lastUpdate: { ok: true } });
  });

  it('a changed feed is diffed: the CVE that entered the catalogue is reported', async () => {
    body = excerptKev;
    const { planned } = await updateConsoleAdvisories(c.ctx, 'test');
    expect(planned?.changes?.enrichedCves).toEqual(['CVE-2021-44228']);
  });

  it('a failing mirror leaves the data as it was and becomes a health problem', async () => {
    const before = (await c.request('GET', '/api/v1/advisories/status', { role: 'auditor' })).json.snapshot;
    body = undefined;
    await expect(updateConsoleAdvisories(c.ctx, 'test')).rejects.toThrow(/500/);
    const status = await c.request('GET', '/api/v1/advisories/status', { role: 'auditor' });
    expect(status.json.snapshot).toBe(before);
    expect(status.json.lastUpdate).toMatchObject({ ok: false, trigger: 'test' });
    expect((await healthProblems(c.ctx)).map((p) => p.kind)).toEqual(['advisory-update-failed']);
  });

  it('schedules one update job, and an update on demand is a job too', async () => {
    const first = await scheduleAdvisoryUpdates(c.ctx);
    expect(first).toBeDefined();
    expect(await scheduleAdvisoryUpdates(c.ctx)).toBeUndefined();
    const res = await c.request('POST', '/api/v1/advisories/update', { role: 'secops' });
    expect(res.status).toBe(202);
    const jobs = await c.ctx.store.db.selectFrom('jobs').select(['id', 'state', 'payload']).where('kind', '=', ADVISORY_UPDATE_JOB).execute();
    expect(jobs.map((j) => j.id).sort()).toEqual([first, res.json.job].sort());
    const denied = await c.request('POST', '/api/v1/advisories/update', { role: 'auditor' });
    expect(denied.status).toBe(403);
  });
});
