import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { DEFAULT_POLICY, demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { compilePolicy } from '../../policy/compile-policy.js';
import { recordAssessment } from '../inventory/image-assessment.js';
import { activePolicy } from '../policies/active-policy.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const V1 = `version: 1.0.0
name: acme
rules:
  - id: heartbleed
    description: Heartbleed blocks.
    effect: block
    vulnerabilities:
      ids: [CVE-2014-0160]
`;
const V2 = V1.replace('effect: block', 'effect: alert').replace('Heartbleed blocks.', 'Heartbleed warns.');
/** Line 7 carries the mistake: an unknown rule kind. */
const BROKEN = `version: 1
name: acme
rules:
  - id: r1
    description: typo in the kind
    effect: block
    vulnerabilitiez: {kev: true}
`;

describe.each(STORE_DIALECTS)('policy routes on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect });
  });
  afterAll(async () => {
    await c?.close();
  });

  const jobs = () => c.ctx.store.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'reevaluate.policy').orderBy('created_at').execute();
  const audit = (action: string) => c.ctx.store.db.selectFrom('audit').selectAll().where('action', '=', action).orderBy('seq').execute();

  it('serves the built-in default policy to defenders with a strong ETag, and 304 when it is unchanged', async () => {
    const text = readFileSync(DEFAULT_POLICY, 'utf8');
    const res = await c.request('GET', '/api/v1/policies/active', { role: 'defender' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.text).toBe(text);
    expect(res.headers.etag).toBe(`"${sha256(text)}"`);
    // A defender compiles what it is served as console-policy.yaml: its decisions then name the same policy hash as the console's.
    expect((await activePolicy(c.ctx)).policy.hash).toBe(compilePolicy([{ file: 'console-policy.yaml', text: res.text }]).hash);
    const again = await c.request('GET', '/api/v1/policies/active', { role: 'defender', headers: { 'if-none-match': res.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const stale = await c.request('GET', '/api/v1/policies/active', { role: 'defender', headers: { 'if-none-match': '"0000"' } });
    expect(stale.status).toBe(200);
    expect((await c.request('GET', '/api/v1/policies/active', {})).status).toBe(401);
  });

  it('refuses a policy that does not compile with every problem, its file and line', async () => {
    const res = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: BROKEN, reason: 'first try' } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json.problems).toEqual([expect.objectContaining({ file: 'acme.yaml', line: 7, message: expect.stringContaining('vulnerabilitiez') })]);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    const noReason = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: V1 } });
    expect(noReason.status).toBe(400);
    expect(noReason.json.detail).toMatch(/reason/);
    expect((await c.request('POST', '/api/v1/policies/acme/versions', { role: 'developer', body: { content: V1, reason: 'x y z' } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/policies/acme/versions', { role: 'defender', body: { content: V1, reason: 'x y z' } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/policies/acme/versions', { role: 'auditor', body: { content: V1, reason: 'x y z' } })).status).toBe(403);
    expect((await c.request('POST', '/api/v1/policies/bad%20name/versions', { role: 'secops', body: { content: V1, reason: 'x y z' } })).status).toBe(400);
    // Hostile sizes: a policy over 1 MiB is refused by its schema, a body over the route's limit before parsing.
    const huge = `${V1}#${'x'.repeat(1024 * 1024)}\n`;
    const tooBig = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: huge, reason: 'too big' } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.detail).toMatch(/at most 1048576 bytes/);
    const wayTooBig = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: huge + huge + huge, reason: 'way too big' } });
    expect(wayTooBig.status).toBe(413);
    expect(wayTooBig.headers['content-type']).toMatch(/problem\+json/);
    const bomb = `version: 1\nname: acme\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nrules: []\n`;
    expect((await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: bomb, reason: 'alias bomb' } })).status).toBe(400);
    expect(await c.ctx.store.db.selectFrom('policy_versions').select('id').execute()).toHaveLength(0);
  });

  it('keeps versions with author and reason, activates, serves the new text with a new ETag and asks for re-evaluation', async () => {
    const before = await c.request('GET', '/api/v1/policies/active', { role: 'defender' });
    const created = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: V1, reason: 'block heartbleed' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'acme', version: 1, active: false, reason: 'block heartbleed', hash: sha256(V1), content: V1 });
    expect(created.json.author).toMatch(/^token:/);
    // Stored but not active yet: enforcement points still get the default.
    expect((await c.request('GET', '/api/v1/policies/active', { role: 'defender' })).headers.etag).toBe(before.headers.etag);

    const activated = await c.request('POST', '/api/v1/policies/acme/versions/1/activate', { role: 'secops', body: { reason: 'roll out' } });
    expect(activated.status).toBe(200);
    expect(activated.json.active).toBe(true);
    const now = await c.request('GET', '/api/v1/policies/active', { role: 'defender', headers: { 'if-none-match': before.headers.etag! } });
    expect(now.status).toBe(200);
    expect(now.text).toBe(V1);
    expect(now.headers.etag).toBe(`"${sha256(V1)}"`);
    expect(now.headers['x-bulkhead-policy']).toBe('acme@1');
    expect((await jobs()).map((j) => JSON.parse(j.payload))).toEqual([{ reason: 'policy-change', policyVersion: 'acme@1' }]);
    expect((await audit('policy.version.create')).map((a) => JSON.parse(a.detail).version)).toEqual([1]);
    const [activation] = await audit('policy.activate');
    expect(activation).toMatchObject({ target: 'policy:acme' });
    expect(JSON.parse(activation!.detail)).toMatchObject({ version: 1, reason: 'roll out' });
  });

  it('lists versions newest first, diffs two of them, and rolls back to the version active before', async () => {
    const v2 = await c.request('POST', '/api/v1/policies/acme/versions', { role: 'secops', body: { content: V2, reason: 'warn only for now', activate: true } });
    expect(v2.status).toBe(201);
    expect(v2.json).toMatchObject({ version: 2, active: true });
    const list = await c.request('GET', '/api/v1/policies/acme/versions', { role: 'auditor' });
    expect(list.json.versions.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([[2, true], [1, false]]);
    const diff = await c.request('GET', '/api/v1/policies/acme/diff?from=1&to=2', { role: 'auditor' });
    expect(diff.json.diff).toBe(
      ['--- acme@1', '+++ acme@2', '@@ -2,7 +2,7 @@', ' name: acme', ' rules:', '   - id: heartbleed', '-    description: Heartbleed blocks.', '-    effect: block', '+    description: Heartbleed warns.', '+    effect: alert', '     vulnerabilities:', '       ids: [CVE-2014-0160]', ''].join('\n'),
    );
    const back = await c.request('POST', '/api/v1/policies/rollback', { role: 'secops', body: { reason: 'warnings were too quiet' } });
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ version: 1, active: true });
    expect((await c.request('GET', '/api/v1/policies/active', { role: 'defender' })).text).toBe(V1);
    // The version active before v1 (again) was v2.
    const forward = await c.request('POST', '/api/v1/policies/rollback', { role: 'secops', body: { reason: 'undo the rollback' } });
    expect(forward.json.version).toBe(2);
    expect((await audit('policy.rollback')).length).toBe(2);
    expect((await c.request('POST', '/api/v1/policies/acme/versions/9/activate', { role: 'secops', body: { reason: 'no such' } })).status).toBe(404);
    const summary = await c.request('GET', '/api/v1/policies', { role: 'auditor' });
    expect(summary.json.active).toMatchObject({ name: 'acme', version: 2, source: 'stored', hash: sha256(V2) });
    expect(summary.json.policies).toEqual([{ name: 'acme', versions: 2, latest: 2, activeVersion: 2 }]);
  });

  it('dry-runs a candidate over the stored inventory without changing it', async () => {
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const { assessment } = await demoAssessment();
    // Activate v1 (heartbleed blocks) so the demo image, which carries openssl 1.0.1e (CVE-2014-0160), is stored as blocked.
    await c.request('POST', '/api/v1/policies/acme/versions/1/activate', { role: 'secops', body: { reason: 'block again' } });
    const recorded = await recordAssessment(c.ctx, { assessment, reference: 'registry.example.com/team-a/demo:1.0', environment: 'prod' }, { cause: { reason: 'scan' } });
    expect(recorded.decision.verdict).toBe('block');

    const res = await c.request('POST', '/api/v1/policies/dry-run', { role: 'auditor', body: { content: V2 } });
    expect(res.status).toBe(200);
    expect(res.json.evaluated).toBe(1);
    expect(res.json.changed).toEqual([expect.objectContaining({ digest: recorded.digest, current: 'block', candidate: 'warn', environment: 'prod', repositories: expect.arrayContaining(['registry.example.com/team-a/demo']) })]);
    expect(res.json.changed[0].violations[0]).toMatchObject({ ruleId: 'heartbleed', effect: 'alert' });
    expect(res.json.wouldBlock).toEqual([]);
    expect(res.json.totals).toEqual({ current: { allow: 0, warn: 0, block: 1, unevaluated: 0 }, candidate: { allow: 0, warn: 1, block: 0 } });
    const same = await c.request('POST', '/api/v1/policies/dry-run', { role: 'secops', body: { content: V1 } });
    expect(same.json.changed).toEqual([]);
    expect(same.json.wouldBlock.map((i: { digest: string }) => i.digest)).toEqual([recorded.digest]);
    const stored = await c.ctx.store.db.selectFrom('images').select('verdict').where('digest', '=', recorded.digest).executeTakeFirstOrThrow();
    expect(stored.verdict).toBe('block');
    expect((await c.request('POST', '/api/v1/policies/dry-run', { role: 'secops', body: { content: BROKEN } })).json.problems[0].line).toBe(7);
    expect((await c.request('POST', '/api/v1/policies/dry-run', { role: 'developer', body: { content: V2 } })).status).toBe(403);
  });

  it('numbers concurrent saves without gaps or clashes, and leaves exactly one version active after concurrent activations', async () => {
    const saves = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      c.request('POST', '/api/v1/policies/race/versions', { role: 'secops', body: { content: V1.replace('name: acme', `name: race-${i}`), reason: `save ${i}` } })));
    expect(saves.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(saves.map((r) => r.json.version as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const activations = await Promise.all([1, 2, 3, 4, 5, 6].map((v) =>
      c.request('POST', `/api/v1/policies/race/versions/${v}/activate`, { role: 'secops', body: { reason: `race ${v}` } })));
    expect(activations.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const active = await c.ctx.store.db.selectFrom('policy_versions').select(['name', 'version']).where('active', '=', 1).execute();
    expect(active).toHaveLength(1);
    // What is served is the version left active.
    const served = await c.request('GET', '/api/v1/policies/active', { role: 'defender' });
    expect(served.headers['x-bulkhead-policy']).toBe(`race@${active[0]!.version}`);
  });
});
