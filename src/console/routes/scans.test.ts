/**
 * Scan intake and the image inventory over the real server (HTTP on a
 * random loopback port), on SQLite and PostgreSQL, with the demo image's
 * real assessment and the demo advisories imported by the real import code.
 * Expected outcomes come from the advisory facts (heartbleed is on the KEV
 * list and named by the default policy) and the default policy's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import type { ImageAssessment } from '../inventory/assessment-document.js';

const REFERENCE = 'registry.example.com/team-a/demo:1.0';

describe.each(STORE_DIALECTS)('scans and images over HTTP on %s', (dialect) => {
  let c: TestConsole;
  let assessment: ImageAssessment;
  let digest: string;

  beforeAll(async () => {
    c = await startTestConsole({ dialect, config: { scanUploadLimit: 4 * 1024 * 1024 } });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    assessment = (await demoAssessment()).assessment;
    digest = assessment.inventory.image?.configDigest as string;
    await c.collection('team-a', { images: ['registry.example.com/team-a/*'] });
    await c.collection('team-b', { images: ['registry.example.com/team-b/*'] });
  });
  afterAll(() => c?.close());

  it('a CI upload answers with the console decision, stored and audited', async () => {
    const res = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment, reference: REFERENCE, environment: 'staging' } });
    expect(res.status, res.text).toBe(201);
    expect(res.headers['location']).toBe(`/api/v1/images/${digest}`);
    expect(res.json.digest).toBe(digest);
    expect(res.json.verdict).toBe('block');
    expect(res.json.violations.map((v: { ruleId: string }) => v.ruleId)).toEqual(expect.arrayContaining(['vuln-heartbleed', 'vuln-kev']));
    // libssl1.0.0 and openssl each carry CVE-2014-0160 and CVE-2014-0224; lodash 4.17.15 carries GHSA-p6mc-m468-83gw.
    expect(res.json.findings.new).toBeGreaterThanOrEqual(5);
    expect(res.json.problems).toEqual([]);

    const audit = await c.request('GET', '/api/v1/audit?action=scan.upload', { role: 'auditor' });
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json.items.some((e: { target: string }) => e.target === `image:${digest}`)).toBe(true);
  });

  it('rejects hostile and oversized uploads with problem+json', async () => {
    const notJson = await c.request('POST', '/api/v1/scans', { role: 'ci', body: '{"assessment":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.headers['content-type']).toMatch(/^application\/problem\+json/);

    const vuln = { ...assessment.checkFindings[0], kind: 'vulnerability' };
    const smuggled = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment: { ...assessment, checkFindings: [vuln] } } });
    expect(smuggled.status).toBe(400);
    expect(smuggled.json.detail).toMatch(/assessment\.checkFindings/);

    const badEcosystem = structuredClone(assessment) as unknown as { inventory: { packages: { ecosystem: string }[] } };
    badEcosystem.inventory.packages[0]!.ecosystem = 'nonsense';
    const bad = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment: badEcosystem } });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(/assessment\.inventory\.packages\.0\.ecosystem/);
    expect(bad.text).not.toMatch(/at .*\.ts:\d+/);

    const both = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment, target: 'debian:12' } });
    expect(both.status).toBe(400);

    const badRef = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment, reference: 'UPPER/Case:x' } });
    expect(badRef.status).toBe(400);
    expect(badRef.json.detail).toMatch(/invalid image reference/);

    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const nested = await c.request('POST', '/api/v1/scans', { role: 'ci', body: `{"assessment":${deep}}`, headers: { 'content-type': 'application/json' } });
    expect(nested.status).toBe(400);

    const huge = { assessment: { ...assessment, files: { '/etc/big': { content: 'x'.repeat(900_000) }, '/etc/big2': { content: 'y'.repeat(900_000) }, '/etc/big3': { content: 'z'.repeat(900_000) }, '/etc/big4': { content: 'w'.repeat(900_000) }, '/etc/big5': { content: 'v'.repeat(900_000) } } } };
    const tooBig = await c.request('POST', '/api/v1/scans', { role: 'ci', body: huge });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('only ci, defender and admin may upload; a scoped CI token only into its collections', async () => {
    const dev = await c.request('POST', '/api/v1/scans', { role: 'developer', body: { assessment } });
    expect(dev.status).toBe(403);
    const none = await c.request('POST', '/api/v1/scans', { body: { assessment } });
    expect(none.status).toBe(401);
    const otherTeam = await c.request('POST', '/api/v1/scans', { role: 'ci', collections: ['team-b'], body: { assessment, reference: REFERENCE } });
    expect(otherTeam.status).toBe(403);
    const ownTeam = await c.request('POST', '/api/v1/scans', { role: 'ci', collections: ['team-a'], body: { assessment, reference: REFERENCE } });
    expect(ownTeam.status, ownTeam.text).toBe(201);
  });

  it('a target request queues a scan.target job', async () => {
    const res = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { target: 'registry.example.com/team-a/demo:2.0', environment: 'dev' } });
    expect(res.status, res.text).toBe(202);
    const job = await c.ctx.store.db.selectFrom('jobs').selectAll().where('id', '=', res.json.jobId).executeTakeFirstOrThrow();
    expect(job.kind).toBe('scan.target');
    expect(JSON.parse(job.payload)).toMatchObject({ target: 'registry.example.com/team-a/demo:2.0', environment: 'dev' });
    const bad = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { target: 'not a reference' } });
    expect(bad.status).toBe(400);
  });

  it('lists and shows images within the principal’s collections; 404 outside them', async () => {
    const all = await c.request('GET', '/api/v1/images', { role: 'auditor' });
    expect(all.status, all.text).toBe(200);
    expect(all.json.items.map((i: { digest: string }) => i.digest)).toContain(digest);

    const teamA = await c.request('GET', '/api/v1/images?repository=registry.example.com/team-a/*', { role: 'developer', collections: ['team-a'] });
    expect(teamA.json.items.map((i: { digest: string }) => i.digest)).toEqual([digest]);
    const teamB = await c.request('GET', '/api/v1/images', { role: 'developer', collections: ['team-b'] });
    expect(teamB.json.items).toEqual([]);
    expect(teamB.json.nextCursor).toBeNull();
    for (const suffix of ['', '/packages', '/findings', '/changes', '/verdict']) {
      const hidden = await c.request('GET', `/api/v1/images/${digest}${suffix}`, { role: 'developer', collections: ['team-b'] });
      expect(hidden.status, suffix).toBe(404);
    }
    const unknown = await c.request('GET', `/api/v1/images/sha256:${'0'.repeat(64)}`, { role: 'admin' });
    expect(unknown.status).toBe(404);
    const filtered = await c.request('GET', '/api/v1/images?verdict=allow', { role: 'auditor' });
    expect(filtered.json.items).toEqual([]);
    const env = await c.request('GET', '/api/v1/images?environment=staging', { role: 'auditor' });
    expect(env.json.items.map((i: { digest: string }) => i.digest)).toEqual([digest]);
    const badCursor = await c.request('GET', '/api/v1/images?cursor=nonsense', { role: 'auditor' });
    expect(badCursor.status).toBe(400);

    const detail = await c.request('GET', `/api/v1/images/${digest}`, { role: 'developer', collections: ['team-a'] });
    expect(detail.status).toBe(200);
    expect(detail.json.tags.map((t: { reference: string }) => t.reference)).toContain(REFERENCE);
    expect(detail.json.repositories).toContain('registry.example.com/team-a/demo');
    expect(detail.json.packageCount).toBe(assessment.inventory.packages.length);
    expect(detail.json.decision.verdict).toBe('block');
    expect(detail.json.findings.vulnerability.high).toBeGreaterThan(0);
    expect(detail.json.labels).toEqual(assessment.inventory.image?.config.labels);
  });

  it('pages packages, filters findings, shows changes and the verdict for defenders', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; json: { items: { name: string; locations: { layer?: string }[] }[]; nextCursor: string | null } } = await c.request(
        'GET',
        `/api/v1/images/${digest}/packages?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { role: 'auditor' },
      );
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((p) => p.name));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(assessment.inventory.packages.map((p) => p.name));
    const npm = await c.request('GET', `/api/v1/images/${digest}/packages?ecosystem=npm`, { role: 'auditor' });
    expect(npm.json.items.map((p: { name: string; version: string }) => `${p.name}@${p.version}`)).toEqual(['lodash@4.17.15']);

    const vulns = await c.request('GET', `/api/v1/images/${digest}/findings?kind=vulnerability`, { role: 'auditor' });
    const ids = vulns.json.items.map((i: { finding: { id: string; package: { name: string } } }) => `${i.finding.id} ${i.finding.package.name}`).sort();
    expect(ids).toEqual(['CVE-2014-0160 libssl1.0.0', 'CVE-2014-0160 openssl', 'CVE-2014-0224 libssl1.0.0', 'CVE-2014-0224 openssl', 'GHSA-p6mc-m468-83gw lodash']);
    const config = await c.request('GET', `/api/v1/images/${digest}/findings?kind=config`, { role: 'auditor' });
    expect(config.json.items.length).toBe(assessment.checkFindings.filter((f) => f.kind === 'config').length);

    const changes = await c.request('GET', `/api/v1/images/${digest}/changes?kind=verdict`, { role: 'auditor' });
    expect(changes.json.items[0]).toMatchObject({ kind: 'verdict', detail: { from: null, to: 'block' }, cause: { reason: 'scan' } });

    const verdict = await c.request('GET', `/api/v1/images/${digest}/verdict`, { role: 'defender' });
    expect(verdict.status).toBe(200);
    expect(verdict.json).toMatchObject({ digest, verdict: 'block' });
    expect(verdict.json.decision.violations.length).toBeGreaterThan(0);
    const ciVerdict = await c.request('GET', `/api/v1/images/${digest}/verdict`, { role: 'ci' });
    expect(ciVerdict.status).toBe(403);
  });
});
