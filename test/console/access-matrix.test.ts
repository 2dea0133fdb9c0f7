/**
 * The access matrix: every route the console mounts (ROUTES) must have an
 * entry in EXPECTED below — written from the roles' definitions in issue 6,
 * not from the routes' declarations — and every role is tried on every
 * route with a real API token over real HTTP, on both stores:
 *   - a role the table allows must get past the access check (whatever the
 *     handler then says about the probe's placeholder parameters or body);
 *   - any other role gets 403 from the access check;
 *   - no credentials get 401 (public routes excepted).
 * Then no endpoint may show a developer images outside their collections.
 *
 * Roles: admin (everything), secops (policies, exceptions), auditor (reads
 * everything, changes nothing), developer (reads findings of their
 * collections), ci (uploads scans), defender (the enforcement points' endpoints).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/console/routes/index.js';
import { ROLES, type Role } from '../../src/console/principal.js';
import { startTestConsole, type TestConsole, type TestResponse } from '../support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../support/demo-assessment.js';
import { STORE_DIALECTS } from '../support/store-fixtures.js';

type Expected = 'public' | readonly Role[];

const ALL: readonly Role[] = ROLES;
const READERS: readonly Role[] = ['admin', 'secops', 'auditor'];
const POLICY_WRITERS: readonly Role[] = ['admin', 'secops'];
const IMAGE_READERS: readonly Role[] = ['admin', 'secops', 'auditor', 'developer'];
const ADMIN: readonly Role[] = ['admin'];

/** Who may call each endpoint. A route missing here fails the test: add it with the roles it should admit. */
const EXPECTED: Readonly<Record<string, Expected>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /api/v1/auth/login': 'public',
  // Everyone who can authenticate may see and end their own identity/session and manage their own tokens
  // (the handlers narrow tokens routes further: non-admins see only their own, tokens cannot mint tokens).
  'POST /api/v1/auth/logout': ALL,
  'GET /api/v1/auth/me': ALL,
  'POST /api/v1/auth/password': ALL,
  'GET /api/v1/tokens': ALL,
  'GET /api/v1/tokens/:id': ALL,
  'POST /api/v1/tokens': ALL,
  'DELETE /api/v1/tokens/:id': ALL,
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users': ADMIN,
  'GET /api/v1/users/:id': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'DELETE /api/v1/users/:id': ADMIN,
  'GET /api/v1/collections': READERS,
  'GET /api/v1/collections/:name': READERS,
  'POST /api/v1/collections': ADMIN,
  'PATCH /api/v1/collections/:name': ADMIN,
  'DELETE /api/v1/collections/:name': ADMIN,
  // Jobs: ci follows the scans it asked for.
  'GET /api/v1/jobs': [...READERS, 'ci'],
  'GET /api/v1/jobs/:id': [...READERS, 'ci'],
  // Registries: readers see them (developers those their collections admit); admins and secops manage them.
  'GET /api/v1/registries': IMAGE_READERS,
  'GET /api/v1/registries/:id': IMAGE_READERS,
  'POST /api/v1/registries': POLICY_WRITERS,
  'PATCH /api/v1/registries/:id': POLICY_WRITERS,
  'DELETE /api/v1/registries/:id': POLICY_WRITERS,
  'POST /api/v1/registries/:id/sync': POLICY_WRITERS,
  'POST /api/v1/registries/:id/notification-secret': POLICY_WRITERS,
  // The registry's push notifications authenticate with their own shared secret.
  'POST /api/v1/registries/:id/notifications': 'public',
  // The active policy is what every enforcement point and gate evaluates against: readable by all roles.
  'GET /api/v1/policies/active': ALL,
  'GET /api/v1/policies': READERS,
  // A dry run changes nothing: auditors may run one.
  'POST /api/v1/policies/dry-run': READERS,
  'POST /api/v1/policies/rollback': POLICY_WRITERS,
  'GET /api/v1/policies/:name/versions': READERS,
  'POST /api/v1/policies/:name/versions': POLICY_WRITERS,
  'GET /api/v1/policies/:name/versions/:version': READERS,
  'POST /api/v1/policies/:name/versions/:version/activate': POLICY_WRITERS,
  'GET /api/v1/policies/:name/diff': READERS,
  'GET /api/v1/exceptions': READERS,
  'GET /api/v1/exceptions/expiring': READERS,
  'POST /api/v1/exceptions': POLICY_WRITERS,
  'GET /api/v1/exceptions/:id': READERS,
  'PUT /api/v1/exceptions/:id': POLICY_WRITERS,
  'POST /api/v1/exceptions/:id/revoke': POLICY_WRITERS,
  // The audit log is for admins and auditors only (secops changes policy; it does not audit itself).
  'GET /api/v1/audit': ['admin', 'auditor'],
  'GET /api/v1/audit/export': ['admin', 'auditor'],
  'GET /api/v1/audit/verify': ['admin', 'auditor'],
  // Advisory data: status and re-evaluation history readable by everyone who reads findings; updates by admins and secops.
  'GET /api/v1/advisories/status': IMAGE_READERS,
  'POST /api/v1/advisories/import': POLICY_WRITERS,
  'POST /api/v1/advisories/update': POLICY_WRITERS,
  'GET /api/v1/advisories/reevaluations': IMAGE_READERS,
  // "Where is CVE-X?": developers get the part their collections admit.
  'GET /api/v1/vulnerabilities': IMAGE_READERS,
  'GET /api/v1/vulnerabilities/:id/impact': IMAGE_READERS,
  'GET /api/v1/health/problems': READERS,
  // Scan intake: CI uploads, enforcement points upload what they scanned on hosts.
  'POST /api/v1/scans': ['admin', 'ci', 'defender'],
  'GET /api/v1/images': IMAGE_READERS,
  'GET /api/v1/images/:digest': IMAGE_READERS,
  'GET /api/v1/images/:digest/packages': IMAGE_READERS,
  'GET /api/v1/images/:digest/findings': IMAGE_READERS,
  'GET /api/v1/images/:digest/changes': IMAGE_READERS,
  // Enforcement points ask for an image's verdict before letting it run.
  'GET /api/v1/images/:digest/verdict': [...IMAGE_READERS, 'defender'],
  // Fleet: enforcement points report hosts, clusters and containers; readers see them (developers within their collections).
  'POST /api/v1/hosts/:id/report': ['admin', 'defender'],
  'POST /api/v1/clusters/:id/report': ['admin', 'defender'],
  'GET /api/v1/hosts': IMAGE_READERS,
  'GET /api/v1/hosts/:id': IMAGE_READERS,
  'GET /api/v1/clusters': IMAGE_READERS,
  'GET /api/v1/clusters/:id': IMAGE_READERS,
  'GET /api/v1/containers': IMAGE_READERS,
  'POST /api/v1/hosts/:id/audit': ['admin', 'defender'],
  'GET /api/v1/hosts/:id/compliance': IMAGE_READERS,
  'GET /api/v1/compliance/hosts': IMAGE_READERS,
  'POST /api/v1/enforcement/decisions': ['admin', 'defender'],
  'GET /api/v1/enforcement/verdicts': [...READERS, 'defender'],
  // Alert rules are part of security operations; auditors read them.
  'GET /api/v1/alerts/rules': READERS,
  'POST /api/v1/alerts/rules': POLICY_WRITERS,
  'GET /api/v1/alerts/rules/:id': READERS,
  'PUT /api/v1/alerts/rules/:id': POLICY_WRITERS,
  'DELETE /api/v1/alerts/rules/:id': POLICY_WRITERS,
  'POST /api/v1/alerts/rules/:id/test': POLICY_WRITERS,
  'GET /api/v1/alerts/deliveries': READERS,
};

const PLACEHOLDER: Readonly<Record<string, string>> = {
  digest: `sha256:${'a'.repeat(64)}`,
  version: '1',
};

/** The route's URL with placeholder parameters that name nothing stored. */
function probeUrl(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(PLACEHOLDER[name] ?? `matrix-probe-${name}`));
}

function key(r: { method: string; url: string }): string {
  return `${r.method} ${r.url}`;
}

function deniedByRole(res: TestResponse): boolean {
  return res.status === 403 && res.json?.code === 'role-not-allowed';
}

describe('the access table', () => {
  it('has an entry for every route and no entry for a route that does not exist', () => {
    const mounted = ROUTES.map(key);
    const missing = mounted.filter((k) => !(k in EXPECTED));
    expect(missing, `routes without an expected-access entry in test/console/access-matrix.test.ts`).toEqual([]);
    const stale = Object.keys(EXPECTED).filter((k) => !mounted.includes(k));
    expect(stale, 'entries for routes that are no longer mounted').toEqual([]);
    expect(new Set(mounted).size, 'two routes with the same method and URL').toBe(mounted.length);
  });
});

describe.each(STORE_DIALECTS)('access matrix on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('answers every route × role as the table says', async () => {
    const wrong: string[] = [];
    for (const r of ROUTES) {
      const expected = EXPECTED[key(r)];
      if (expected === undefined) continue; // reported by the table test
      const url = probeUrl(r.url);
      const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;

      const anonymous = await c.request(r.method, url, { body });
      if (expected === 'public') {
        if (anonymous.json?.code === 'unauthenticated' || deniedByRole(anonymous)) wrong.push(`${key(r)} anonymous: ${anonymous.status} (public route refused)`);
      } else if (anonymous.status !== 401 || anonymous.json?.code !== 'unauthenticated' || !anonymous.headers['www-authenticate']) {
        wrong.push(`${key(r)} anonymous: ${anonymous.status}, expected 401`);
      } else if (!anonymous.headers['content-type']?.startsWith('application/problem+json')) {
        wrong.push(`${key(r)} anonymous: 401 without problem+json`);
      }

      for (const role of ROLES) {
        const res = await c.request(r.method, url, { role, body });
        const allowed = expected === 'public' || role === 'admin' || expected.includes(role);
        // A public route may answer 401 about its own credential (a registry's notification secret); others never with a valid token.
        if (res.status === 401 && expected !== 'public') wrong.push(`${key(r)} ${role}: 401 with a valid token`);
        else if (allowed && deniedByRole(res)) wrong.push(`${key(r)} ${role}: 403, expected allowed`);
        else if (!allowed && !deniedByRole(res)) wrong.push(`${key(r)} ${role}: ${res.status}, expected 403`);
        if (res.status >= 500) wrong.push(`${key(r)} ${role}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('denies with RFC 9457 problems that name the role, without stacks', async () => {
    const res = await c.request('GET', '/api/v1/users', { role: 'developer' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ status: 403, title: 'Forbidden', code: 'role-not-allowed' });
    expect(res.json.detail).toContain('developer');
    expect(res.text).not.toMatch(/\.ts:\d+|\.js:\d+/);
  });
});

describe.each(STORE_DIALECTS)('no leakage across collections on %s', (dialect) => {
  let c: TestConsole;
  const images = { a: `sha256:${'1'.repeat(64)}`, b: `sha256:${'2'.repeat(64)}` };
  const repos = { a: 'registry.example.com/team-a/app', b: 'registry.example.com/team-b/secret-app' };

  beforeAll(async () => {
    c = await startTestConsole({ dialect, config: { scanUploadLimit: 8 * 1024 * 1024 } });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const { assessment } = await demoAssessment();
    await c.collection('team-a', { images: ['registry.example.com/team-a/*'] });
    await c.collection('team-b', { images: ['registry.example.com/team-b/*'] });
    for (const team of ['a', 'b'] as const) {
      const res = await c.request('POST', '/api/v1/scans', { role: 'ci', body: { assessment, reference: `${repos[team]}:1.0`, digest: images[team] } });
      expect(res.status, res.text).toBe(201);
      // Each image runs on its own team's host, as a defender reports it.
      const report = await c.request('POST', `/api/v1/hosts/host-${team}/report`, {
        role: 'defender',
        body: { name: `host-${team}`, containers: [{ id: `ctr-${team}`, name: `app-${team}`, imageReference: `${repos[team]}:1.0`, imageDigest: images[team], state: 'running' }] },
      });
      expect(report.status, report.text).toBeLessThan(300);
    }
    // A cluster runs both images, each in its team's namespace.
    const cluster = await c.request('POST', '/api/v1/clusters/cluster-1/report', {
      role: 'defender',
      body: {
        name: 'cluster-1',
        containers: (['a', 'b'] as const).map((team) => ({ id: `ctr-ns-${team}`, name: `app-ns-${team}`, namespace: `team-${team}`, imageReference: `${repos[team]}:1.0`, imageDigest: images[team], state: 'running' })),
      },
    });
    expect(cluster.status, cluster.text).toBeLessThan(300);
    await c.collection('ns-a', { namespaces: ['team-a'] });
    await c.collection('hosts-a', { hosts: ['host-a'] });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('shows each developer their own collection (the positive control)', async () => {
    for (const team of ['a', 'b'] as const) {
      const list = await c.request('GET', '/api/v1/images', { role: 'developer', collections: [`team-${team}`] });
      expect(list.status).toBe(200);
      expect(list.text).toContain(images[team]);
      const detail = await c.request('GET', `/api/v1/images/${images[team]}`, { role: 'developer', collections: [`team-${team}`] });
      expect(detail.status).toBe(200);
    }
    const containers = await c.request('GET', '/api/v1/containers', { role: 'developer', collections: ['team-a'] });
    expect(containers.status).toBe(200);
    expect(containers.text).toContain('ctr-a');
    // What the team-a developer must not see is there to be seen: an unscoped auditor sees it on the same endpoints.
    for (const [url, needle] of [['/api/v1/images', images.b], ['/api/v1/containers', 'ctr-b'], ['/api/v1/hosts', 'host-b'], [`/api/v1/images/${images.b}`, repos.b]] as const) {
      expect((await c.request('GET', url, { role: 'auditor' })).text, url).toContain(needle);
    }
    // A developer with no collection sees no image at all.
    const none = await c.request('GET', '/api/v1/images', { role: 'developer' });
    expect(none.status).toBe(200);
    expect(none.text).not.toContain(images.a);
    expect(none.text).not.toContain(images.b);
  });

  it('never shows team-b\'s image to a team-a developer, on any readable endpoint', async () => {
    const leaks: string[] = [];
    const readable = ROUTES.filter((r) => r.method === 'GET' && r.access !== 'public' && (r.access.includes('developer')));
    expect(readable.length).toBeGreaterThan(0);
    for (const r of readable) {
      const url = r.url.includes(':digest') ? probeUrl(r.url).replace(encodeURIComponent(PLACEHOLDER.digest as string), encodeURIComponent(images.b)) : probeUrl(r.url);
      const res = await c.request('GET', url, { role: 'developer', collections: ['team-a'] });
      // A 404 may echo the requested URL (instance, detail); it must say nothing else about the image.
      const shown = res.status === 404 ? res.text.split(images.b).join('') : res.text;
      if (shown.includes(images.b) || shown.includes(repos.b) || shown.includes('host-b') || shown.includes('ctr-b')) leaks.push(`${key(r)} → ${res.status}`);
      if (r.url.includes(':digest') && res.status !== 404) leaks.push(`${key(r)} answered ${res.status} for another collection's image, expected 404`);
    }
    // Another collection's image answers exactly like an image that does not exist: the API does not confirm it.
    const absent = `sha256:${'3'.repeat(64)}`;
    for (const r of readable.filter((x) => x.url.includes(':digest'))) {
      const url = (digest: string): string => probeUrl(r.url).replace(encodeURIComponent(PLACEHOLDER.digest as string), encodeURIComponent(digest));
      const hidden = await c.request('GET', url(images.b), { role: 'developer', collections: ['team-a'] });
      const missing = await c.request('GET', url(absent), { role: 'developer', collections: ['team-a'] });
      const normal = (res: TestResponse): string => {
        let text = JSON.stringify({ ...res.json, requestId: undefined });
        for (const d of [images.b, absent]) text = text.split(d).join('D').split(encodeURIComponent(d)).join('D');
        return text;
      };
      if (hidden.status !== missing.status || normal(hidden) !== normal(missing)) leaks.push(`${key(r)} tells a hidden image from a missing one: ${normal(hidden)} vs ${normal(missing)}`);
    }
    // Endpoints that take other identifiers, probed with values that match the leaked image.
    for (const url of ['/api/v1/images?repository=registry.example.com/team-b/*', '/api/v1/vulnerabilities/CVE-2014-0160/impact', `/api/v1/images?q=${encodeURIComponent(repos.b)}`]) {
      const res = await c.request('GET', url, { role: 'developer', collections: ['team-a'] });
      if (res.text.includes(images.b) || res.text.includes(repos.b)) leaks.push(`GET ${url} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('keeps namespace- and host-scoped developers to their namespaces and hosts, on any readable endpoint', async () => {
    const cases = [
      // The cluster its own container runs in is part of what a namespace-scoped developer sees.
      { collection: 'ns-a', sees: [['/api/v1/containers', 'ctr-ns-a']], never: ['ctr-ns-b', 'ctr-a', 'ctr-b', 'host-a', 'host-b', images.b, repos.b] },
      { collection: 'hosts-a', sees: [['/api/v1/containers', 'ctr-a'], ['/api/v1/hosts', 'host-a'], ['/api/v1/hosts/host-a', 'ctr-a']], never: ['ctr-ns-a', 'ctr-ns-b', 'ctr-b', 'host-b', 'cluster-1', images.b, repos.b] },
    ] as const;
    const readable = ROUTES.filter((r) => r.method === 'GET' && r.access !== 'public' && r.access.includes('developer'));
    const leaks: string[] = [];
    for (const { collection, sees, never } of cases) {
      // The positive control: what the scope admits is shown, so an empty answer cannot pass for a safe one.
      for (const [url, needle] of sees) expect((await c.request('GET', url, { role: 'developer', collections: [collection] })).text, `${collection} ${url}`).toContain(needle);
      for (const r of readable) {
        // Identifiers probed with what the developer must not see: the other host, the cluster, the other image.
        const probes = /^\/api\/v1\/(hosts|clusters)\/:/.test(r.url) ? ['host-b', 'cluster-1'] : r.url.includes(':digest') ? [images.b] : [undefined];
        for (const probe of probes) {
          const url = probe === undefined ? probeUrl(r.url) : r.url.replace(/:[A-Za-z_]+/, encodeURIComponent(probe)).replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(PLACEHOLDER[name] ?? `matrix-probe-${name}`));
          const res = await c.request('GET', url, { role: 'developer', collections: [collection] });
          // An answer may echo what was asked for (a 404's detail); it must say nothing else.
          const shown = probe !== undefined ? res.text.split(probe).join('') : res.text;
          const seen = never.filter((n) => shown.includes(n));
          if (seen.length > 0) leaks.push(`${collection}: GET ${url} → ${res.status} shows ${seen.join(', ')}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
