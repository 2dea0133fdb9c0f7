import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { evaluate } from '../../policy/evaluate.js';
import { loadImageSubject, recordAssessment } from '../inventory/image-assessment.js';
import { activePolicy } from '../policies/active-policy.js';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe.each(STORE_DIALECTS)('exception routes on %s', (dialect) => {
  let c: TestConsole;
  let digest: string;
  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const { assessment } = await demoAssessment();
    digest = (await recordAssessment(c.ctx, { assessment, reference: 'registry.example.com/team-a/demo:1.0' }, { cause: { reason: 'scan' } })).digest;
  });
  afterAll(async () => {
    await c?.close();
  });

  const heartbleed = {
    id: 'heartbleed-demo',
    owner: 'team-a',
    reason: 'replaced next sprint',
    expires: inDays(10),
    rules: ['vuln-heartbleed'],
    // The demo image's own name (the console's subject answers to the most recently seen repository).
    images: ['docker.io/bulkhead-demo/*'],
  };
  const jobs = () => c.ctx.store.db.selectFrom('jobs').select(['payload', 'run_after']).where('kind', '=', 'reevaluate.policy').orderBy('run_after').execute();
  const auditActions = async () => (await c.ctx.store.db.selectFrom('audit').select(['action', 'target']).where('action', 'like', 'exception.%').orderBy('seq').execute()).map((a) => `${a.action} ${a.target}`);

  /** What the console decides for the demo image with the active policy now. */
  async function demoDecision() {
    const active = await activePolicy(c.ctx);
    const subject = await loadImageSubject(c.ctx, digest);
    return evaluate(active.policy, subject!, new Date());
  }

  it('refuses invalid exception documents with one clear problem each', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ ...heartbleed, owner: undefined }, 400, /owner/],
      [{ ...heartbleed, expires: undefined }, 400, /expiry/],
      [{ ...heartbleed, expires: '2020-01-01' }, 400, /already past/],
      [{ ...heartbleed, expires: 'next week' }, 400, /expires must be a date/],
      [{ ...heartbleed, rules: ['no-such-rule'] }, 400, /has no rule no-such-rule/],
      [{ ...heartbleed, rules: undefined }, 400, /rules, advisories or both/],
      [{ ...heartbleed, images: ['registry.example.com/[team'] }, 400, /unclosed/],
      [{ ...heartbleed, colour: 'red' }, 400, /colour/],
      [{ ...heartbleed, id: 'has spaces' }, 400, /exception id/],
      [{ ...heartbleed, id: 42 }, 400, /id/],
      [{ ...heartbleed, owner: ['a', 'b'] }, 400, /owner/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await c.request('POST', '/api/v1/exceptions', { role: 'secops', body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json.detail).toMatch(detail);
    }
    expect((await c.request('POST', '/api/v1/exceptions', { role: 'secops', body: 'not json', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/exceptions', { role: 'auditor', body: heartbleed })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/exceptions', { role: 'developer', body: heartbleed })).status).toBe(403);
    expect((await c.request('GET', '/api/v1/exceptions', { role: 'developer' })).status).toBe(403);
    expect(await c.ctx.store.db.selectFrom('exceptions').select('id').execute()).toEqual([]);
  });

  it('merges a created exception into the active policy: defenders get it in the YAML, and it waives the violation', async () => {
    const withoutException = await demoDecision();
    expect(withoutException.violations.some((v) => v.ruleId === 'vuln-heartbleed')).toBe(true);
    const before = await c.request('GET', '/api/v1/policies/active', { role: 'defender' });

    const res = await c.request('POST', '/api/v1/exceptions', { role: 'secops', body: heartbleed });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: 'heartbleed-demo', owner: 'team-a', state: 'active', revokedAt: null, expiresAt: heartbleed.expires });
    expect(res.json.createdBy).toMatch(/^token:/);
    expect((await c.request('POST', '/api/v1/exceptions', { role: 'secops', body: heartbleed })).status).toBe(409);

    const after = await c.request('GET', '/api/v1/policies/active', { role: 'defender', headers: { 'if-none-match': before.headers.etag! } });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    const served = parse(after.text) as { exceptions: { id: string; owner: string }[] };
    expect(served.exceptions).toContainEqual(expect.objectContaining({ id: 'heartbleed-demo', owner: 'team-a' }));

    const decision = await demoDecision();
    expect(decision.violations.some((v) => v.ruleId === 'vuln-heartbleed')).toBe(false);
    expect(decision.exceptionsApplied.map((e) => e.id)).toEqual(['heartbleed-demo']);
    expect(decision.exceptionsApplied[0]!.waived.every((v) => v.ruleId === 'vuln-heartbleed')).toBe(true);

    // Re-evaluation now, and again when it expires.
    const queued = await jobs();
    expect(queued.map((j) => JSON.parse(j.payload))).toEqual([{ reason: 'exception-change', exceptionId: 'heartbleed-demo' }, { reason: 'exception-change', exceptionId: 'heartbleed-demo', expired: true }]);
    expect(Date.parse(queued[1]!.run_after)).toBeGreaterThan(Date.parse(heartbleed.expires));
    expect(await auditActions()).toEqual(['exception.create exception:heartbleed-demo']);
  });

  it('replaces, reports expiring and revokes, each audited; a revoked exception leaves the served policy', async () => {
    const soon = await c.request('POST', '/api/v1/exceptions', { role: 'secops', body: { id: 'kev-soon', owner: 'ops', reason: 'vendor patch pending', expires: inDays(3), advisories: ['CVE-2014-0224'], images: ['**'] } });
    expect(soon.status).toBe(201);
    const generated = await c.request('POST', '/api/v1/exceptions', { role: 'secops', body: { owner: 'ops', reason: 'lab images', expires: inDays(200), rules: ['image-healthcheck'], images: ['lab/**'] } });
    expect(generated.json.id).toMatch(/^console-[0-9a-f]{8}$/);

    const report = await c.request('GET', '/api/v1/exceptions/expiring?days=30', { role: 'auditor' });
    expect(report.status).toBe(200);
    expect(report.json.expiring.map((e: { id: string }) => e.id)).toEqual(['kev-soon', 'heartbleed-demo']);
    expect((await c.request('GET', '/api/v1/exceptions/expiring?days=5', { role: 'auditor' })).json.expiring.map((e: { id: string }) => e.id)).toEqual(['kev-soon']);
    expect((await c.request('GET', '/api/v1/exceptions/expiring?days=-1', { role: 'auditor' })).status).toBe(400);

    const extended = await c.request('PUT', '/api/v1/exceptions/kev-soon', { role: 'secops', body: { owner: 'ops', reason: 'vendor patch slipped', expires: inDays(60), advisories: ['CVE-2014-0224'], images: ['**'] } });
    expect(extended.status).toBe(200);
    expect(extended.json.reason).toBe('vendor patch slipped');
    expect((await c.request('GET', '/api/v1/exceptions/expiring?days=30', { role: 'auditor' })).json.expiring.map((e: { id: string }) => e.id)).toEqual(['heartbleed-demo']);

    expect((await c.request('POST', '/api/v1/exceptions/heartbleed-demo/revoke', { role: 'secops', body: {} })).status).toBe(400);
    const revoked = await c.request('POST', '/api/v1/exceptions/heartbleed-demo/revoke', { role: 'secops', body: { reason: 'image was rebuilt' } });
    expect(revoked.json).toMatchObject({ state: 'revoked' });
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    const served = parse((await c.request('GET', '/api/v1/policies/active', { role: 'defender' })).text) as { exceptions: { id: string }[] };
    expect(served.exceptions.map((e) => e.id)).not.toContain('heartbleed-demo');
    expect((await demoDecision()).violations.some((v) => v.ruleId === 'vuln-heartbleed')).toBe(true);
    expect((await c.request('PUT', '/api/v1/exceptions/heartbleed-demo', { role: 'secops', body: heartbleed })).status).toBe(409);

    const lists = await Promise.all(['active', 'revoked', 'all'].map((s) => c.request('GET', `/api/v1/exceptions?state=${s}`, { role: 'auditor' })));
    expect(lists.map((l) => l.json.exceptions.length)).toEqual([2, 1, 3]);
    expect((await c.request('GET', '/api/v1/exceptions/nope', { role: 'auditor' })).status).toBe(404);
    expect(await auditActions()).toEqual([
      'exception.create exception:heartbleed-demo',
      'exception.create exception:kev-soon',
      `exception.create exception:${generated.json.id}`,
      'exception.update exception:kev-soon',
      'exception.revoke exception:heartbleed-demo',
    ]);
  });
});
