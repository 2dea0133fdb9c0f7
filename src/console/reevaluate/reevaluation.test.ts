/**
 * Continuous re-evaluation on both store dialects, over the real console
 * server: real scan data (the demo image assessed by the real pipeline, and
 * two variants of it without the openssl or the lodash packages), advisory
 * data uploaded over HTTP in the formats `db import` reads, the real event
 * sink writing alert deliveries. Expected values come from the advisory
 * facts (Debian fixed Heartbleed in openssl 1.0.1e-2+deb7u5; the image has
 * 1.0.1e-2+deb7u4 in libssl1.0.0 and openssl; GHSA-p6mc-m468-83gw is
 * CVE-2020-8203 in lodash < 4.17.19, the image has 4.17.15) and the default
 * policy (vuln-heartbleed blocks CVE-2014-0160; in dev nothing else blocks).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageAssessment } from '../inventory/assessment-document.js';
import { recordAssessment } from '../inventory/image-assessment.js';
import { DEMO_ADVISORIES, DEMO_RECORDS, demoAssessment } from '../../../test/support/demo-assessment.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { processReevaluations } from './run-reevaluations.js';
import { planPolicyRun } from './reevaluation.js';

const upload = (record: string) => ({ name: path.basename(record), contentBase64: readFileSync(path.join(DEMO_ADVISORIES, record)).toString('base64') });

/** A variant of the demo image's assessment without some packages: another image, another inventory. */
function variant(base: ImageAssessment, tag: string, drop: (name: string) => boolean): ImageAssessment {
  const inventory = base.inventory;
  return { ...base, inventory: { ...inventory, id: `${inventory.id}-${tag}`, packages: inventory.packages.filter((p) => !drop(p.name)) } };
}

describe.each(STORE_DIALECTS)('re-evaluation after advisory changes on %s', (dialect) => {
  let c: TestConsole;
  const digests = { full: 'sha256:' + 'a'.repeat(64), noSsl: 'sha256:' + 'b'.repeat(64), noLodash: 'sha256:' + 'c'.repeat(64) };

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    // An alert rule on what the story is about: new high findings and verdicts that flip to block.
    await c.ctx.store.db.insertInto('alert_rules').values({
      id: 'rule-1',
      name: 'security team',
      trigger: JSON.stringify({ events: [{ type: 'finding.new', minSeverity: 'high' }, { type: 'verdict.changed', to: ['block'] }] }),
      target: JSON.stringify({ type: 'syslog', host: '127.0.0.1', port: 9, protocol: 'udp' }),
      enabled: 1,
      created_at: new Date().toISOString(),
    }).execute();

    // The first advisory data: lodash only.
    const first = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [upload(DEMO_RECORDS.lodash)] } });
    expect(first.status).toBe(200);

    const { assessment } = await demoAssessment();
    const isSsl = (n: string) => n === 'openssl' || n === 'libssl1.0.0';
    await recordAssessment(c.ctx, { assessment, digest: digests.full, reference: 'registry.example.com/team-a/demo:1.0', environment: 'dev' }, { cause: { reason: 'scan' } });
    await recordAssessment(c.ctx, { assessment: variant(assessment, 'nossl', isSsl), digest: digests.noSsl, reference: 'registry.example.com/team-b/app:2.0', environment: 'dev' }, { cause: { reason: 'scan' } });
    await recordAssessment(c.ctx, { assessment: variant(assessment, 'nolodash', (n) => n === 'lodash'), digest: digests.noLodash, reference: 'registry.example.com/team-b/tool:3.0', environment: 'dev' }, { cause: { reason: 'scan' } });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('starts from the scan decisions: lodash found where it is, nothing blocked in dev', async () => {
    const images = await c.ctx.store.db.selectFrom('images').select(['digest', 'verdict']).orderBy('digest').execute();
    expect(images).toEqual([
      { digest: digests.full, verdict: 'warn' },
      { digest: digests.noSsl, verdict: 'warn' },
      { digest: digests.noLodash, verdict: 'warn' },
    ]);
    const ids = await c.ctx.store.db.selectFrom('finding_ids').select(['digest', 'vuln_id']).orderBy('digest').orderBy('vuln_id').execute();
    expect(ids).toEqual([
      { digest: digests.full, vuln_id: 'CVE-2020-8203' },
      { digest: digests.full, vuln_id: 'GHSA-p6mc-m468-83gw' },
      { digest: digests.noSsl, vuln_id: 'CVE-2020-8203' },
      { digest: digests.noSsl, vuln_id: 'GHSA-p6mc-m468-83gw' },
    ]);
  });

  it('plans exactly the images holding the package a new advisory names, and re-decides only those', async () => {
    const before = await c.ctx.store.db.selectFrom('image_changes').select('id').execute();
    const deliveriesBefore = await c.ctx.store.db.selectFrom('alert_deliveries').select('id').execute();
    const res = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [upload(DEMO_RECORDS.heartbleed)] } });
    expect(res.status).toBe(200);
    expect(res.json.changes.advisories).toEqual({ added: ['CVE-2014-0160'], changed: [], removed: [] });
    // Only the demo image and the lodash-less variant hold openssl; the ssl-less variant is not touched.
    expect(res.json.reevaluation.images).toBe(2);
    const runs = await c.request('GET', '/api/v1/advisories/reevaluations', { role: 'auditor' });
    expect(runs.json.pending).toHaveLength(1);
    expect(runs.json.pending[0]).toMatchObject({ reason: 'advisory-update', images: 2, done: 0, advisories: ['CVE-2014-0160'] });

    const processed = await processReevaluations(c.ctx);
    expect(processed.finished).toHaveLength(1);
    expect(processed.finished[0]?.changed).toMatchObject({ images: 2, verdicts: 2, newFindings: 4, resolvedFindings: 0, failed: 0 });

    const images = await c.ctx.store.db.selectFrom('images').select(['digest', 'verdict', 'advisory_snapshot']).orderBy('digest').execute();
    expect(images.map((i) => [i.digest, i.verdict])).toEqual([
      [digests.full, 'block'],
      [digests.noSsl, 'warn'],
      [digests.noLodash, 'block'],
    ]);
    // Every image now counts as matched against the new snapshot, the untouched one included.
    expect(new Set(images.map((i) => i.advisory_snapshot))).toEqual(new Set([res.json.snapshot]));

    const changes = await c.ctx.store.db.selectFrom('image_changes').selectAll().where('id', 'not in', before.map((b) => b.id).concat(['-'])).execute();
    expect(changes.map((ch) => ch.digest).sort()).not.toContain(digests.noSsl);
    const newFindings = changes.filter((ch) => ch.kind === 'finding-new').map((ch) => `${ch.digest === digests.full ? 'full' : 'nolodash'} ${JSON.parse(ch.detail).id} ${JSON.parse(ch.detail).package.name}`).sort();
    expect(newFindings).toEqual([
      'full CVE-2014-0160 libssl1.0.0',
      'full CVE-2014-0160 openssl',
      'nolodash CVE-2014-0160 libssl1.0.0',
      'nolodash CVE-2014-0160 openssl',
    ]);
    for (const ch of changes) expect(JSON.parse(ch.cause)).toEqual({ reason: 'advisory-update', advisories: ['CVE-2014-0160'], snapshot: res.json.snapshot, policyVersion: 'bulkhead-default@0' });
    const verdicts = changes.filter((ch) => ch.kind === 'verdict').map((ch) => JSON.parse(ch.detail));
    expect(verdicts).toEqual([expect.objectContaining({ from: 'warn', to: 'block' }), expect.objectContaining({ from: 'warn', to: 'block' })]);
    const decision = await c.ctx.store.db.selectFrom('images').select('decision').where('digest', '=', digests.full).executeTakeFirstOrThrow();
    expect(JSON.parse(decision.decision ?? '{}').violations.map((v: { ruleId: string }) => v.ruleId)).toContain('vuln-heartbleed');

    // Alerts: the rule's deliveries are recorded for both images (new high findings and the flip to block).
    const deliveries = await c.ctx.store.db.selectFrom('alert_deliveries').select(['payload']).where('id', 'not in', deliveriesBefore.map((d) => d.id).concat(['-'])).execute();
    const payloads = deliveries.map((d) => d.payload);
    for (const digest of [digests.full, digests.noLodash]) {
      expect(payloads.some((p) => p.includes(digest) && p.includes('verdict.changed'))).toBe(true);
      expect(payloads.some((p) => p.includes(digest) && p.includes('finding.new'))).toBe(true);
    }
    expect(payloads.some((p) => p.includes(digests.noSsl))).toBe(false);

    const history = await c.request('GET', '/api/v1/advisories/reevaluations', { role: 'developer' });
    expect(history.json.pending).toEqual([]);
    expect(history.json.finished[0]).toMatchObject({ reason: 'advisory-update', images: 2, advisories: ['CVE-2014-0160'] });
  });

  it('re-imports the same data without planning anything', async () => {
    const res = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [upload(DEMO_RECORDS.heartbleed)] } });
    expect(res.status).toBe(200);
    expect(res.json.reevaluation).toEqual({ images: 0 });
  });

  it('answers where a vulnerability is, by id or alias, with containers, hosts and scope', async () => {
    const now = new Date().toISOString();
    await c.ctx.store.db.insertInto('hosts').values({ id: 'host-1', name: 'docker-01.example.com', environment: 'prod', labels: '{}', info: '{}', first_seen: now, last_seen: now }).execute();
    await c.ctx.store.db.insertInto('containers').values({ id: 'host-1/abc', host_id: 'host-1', cluster_id: null, namespace: null, name: 'web', image_reference: 'registry.example.com/team-a/demo:1.0', image_digest: digests.full, state: 'running', started_at: now, last_seen: now }).execute();

    const heartbleed = await c.request('GET', '/api/v1/vulnerabilities/CVE-2014-0160/impact', { role: 'auditor' });
    expect(heartbleed.status).toBe(200);
    expect(heartbleed.json.summary).toEqual({ images: 2, verdicts: { block: 2 }, runningContainers: 1, hosts: 1, clusters: 0 });
    expect(heartbleed.json.images.map((i: { digest: string }) => i.digest)).toEqual([digests.full, digests.noLodash]);
    expect(heartbleed.json.images[0]).toMatchObject({
      // The demo image's own reference (docker.io/bulkhead-demo/heartbleed:1.0) and where it was pushed.
      repositories: expect.arrayContaining(['registry.example.com/team-a/demo', 'docker.io/bulkhead-demo/heartbleed']),
      tags: expect.arrayContaining(['registry.example.com/team-a/demo:1.0']),
      environment: 'dev',
      verdict: 'block',
      containers: [{ id: 'host-1/abc', name: 'web', state: 'running', host: { id: 'host-1', name: 'docker-01.example.com' } }],
    });
    expect(heartbleed.json.images[0].findings.map((f: { package: { name: string }; fixedVersions: string[] }) => [f.package.name, f.fixedVersions])).toEqual(
      expect.arrayContaining([['openssl', ['1.0.1e-2+deb7u5']], ['libssl1.0.0', ['1.0.1e-2+deb7u5']]]),
    );
    expect(heartbleed.json.hosts).toEqual([{ id: 'host-1', name: 'docker-01.example.com', environment: 'prod', containers: 1 }]);
    expect(heartbleed.json.environments).toEqual(['dev', 'prod']);
    expect(heartbleed.json.registries).toContain('registry.example.com');

    // By the CVE alias of a GHSA finding: the lodash advisory's alias CVE-2020-8203.
    const lodash = await c.request('GET', '/api/v1/vulnerabilities/CVE-2020-8203/impact', { role: 'secops' });
    expect(lodash.json.images.map((i: { digest: string }) => i.digest).sort()).toEqual([digests.full, digests.noSsl].sort());
    expect(lodash.json.ids).toEqual(['CVE-2020-8203', 'GHSA-p6mc-m468-83gw']);

    // A developer whose collection admits team-b sees only team-b's image.
    await c.collection('team-b', { images: ['registry.example.com/team-b/*'] });
    const scoped = await c.request('GET', '/api/v1/vulnerabilities/CVE-2020-8203/impact', { role: 'developer', collections: ['team-b'] });
    expect(scoped.json.images.map((i: { digest: string }) => i.digest)).toEqual([digests.noSsl]);
    expect(scoped.json.summary.images).toBe(1);
    const hidden = await c.request('GET', '/api/v1/vulnerabilities/CVE-2014-0160/impact', { role: 'developer', collections: ['team-b'] });
    expect(hidden.json.images.map((i: { digest: string }) => i.digest)).toEqual([digests.noLodash]);

    const unknown = await c.request('GET', '/api/v1/vulnerabilities/CVE-1999-0001/impact', { role: 'auditor' });
    expect(unknown.json.summary.images).toBe(0);
    const bad = await c.request('GET', '/api/v1/vulnerabilities/..%2Fetc/impact', { role: 'auditor' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('lists vulnerabilities by how many images carry them, filtered by severity and KEV', async () => {
    const all = await c.request('GET', '/api/v1/vulnerabilities', { role: 'auditor' });
    expect(all.status).toBe(200);
    expect(all.json.items.map((i: { id: string; images: number }) => [i.id, i.images])).toEqual([
      ['CVE-2014-0160', 2],
      ['GHSA-p6mc-m468-83gw', 2],
    ]);
    // The KEV catalogue is not imported yet: no finding is KEV-listed.
    const kev = await c.request('GET', '/api/v1/vulnerabilities?kev=true', { role: 'auditor' });
    expect(kev.json.items).toEqual([]);
    const scoped = await c.request('GET', '/api/v1/vulnerabilities', { role: 'developer', collections: ['team-b'] });
    expect(scoped.json.items.map((i: { id: string; images: number }) => [i.id, i.images])).toEqual([
      ['CVE-2014-0160', 1],
      ['GHSA-p6mc-m468-83gw', 1],
    ]);
  });

  it('re-decides images whose CVE enters the KEV catalogue (enrichment only, no new advisory)', async () => {
    const res = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [upload(DEMO_RECORDS.kev)] } });
    expect(res.status).toBe(200);
    expect(res.json.reevaluation.images).toBe(2);
    await processReevaluations(c.ctx);
    const kev = await c.request('GET', '/api/v1/vulnerabilities?kev=true', { role: 'auditor' });
    expect(kev.json.items.map((i: { id: string; kev: boolean }) => [i.id, i.kev])).toEqual([['CVE-2014-0160', true]]);
    const decision = await c.ctx.store.db.selectFrom('images').select('decision').where('digest', '=', digests.full).executeTakeFirstOrThrow();
    expect(JSON.parse(decision.decision ?? '{}').violations.map((v: { ruleId: string }) => v.ruleId)).toEqual(expect.arrayContaining(['vuln-heartbleed', 'vuln-kev']));
  });

  it('re-decides every image after a policy change, and a burst of changes plans one run', async () => {
    const first = await planPolicyRun(c.ctx, { reason: 'policy-change', policyVersion: 'bulkhead-default@0' });
    const second = await planPolicyRun(c.ctx, { reason: 'exception-change' });
    expect(first?.total).toBe(3);
    expect(second).toBeUndefined();
    // A worker without the advisory data the runs were planned for (another machine) leaves them alone.
    const elsewhere = { ...c.ctx, config: { ...c.ctx.config, advisoryDatabase: path.join(c.config.dataDir, 'no-such-advisories.db') } };
    expect(await processReevaluations(elsewhere)).toEqual({ finished: [], chunks: 0, pending: 1 });
    const processed = await processReevaluations(c.ctx);
    expect(processed.finished.map((f) => [f.reason, f.images, f.changed.images])).toEqual([['policy-change', 3, 0]]);
  });

  it('refuses bad uploads with one clear problem', async () => {
    const notFeed = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [{ name: 'x.json', contentBase64: Buffer.from('{"hello": 1}').toString('base64') }] } });
    expect(notFeed.status).toBe(400);
    expect(notFeed.json.detail).toMatch(/not a recognised advisory feed format/);
    const notBase64 = await c.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [{ name: 'x.json', contentBase64: '***' }] } });
    expect(notBase64.status).toBe(400);
    const developer = await c.request('POST', '/api/v1/advisories/import', { role: 'developer', body: { files: [upload(DEMO_RECORDS.lodash)] } });
    expect(developer.status).toBe(403);
  });
});
