/**
 * Registries watched by a real console: a real docker-registry (Debian's,
 * distribution 2.8) with its notifications pointed at the console, images
 * pushed into it with skopeo from the demo image archive, and the console's
 * real job workers pulling and scanning them. Expected digests come from
 * `skopeo inspect`, expected findings from the demo advisory data
 * (CVE-2014-0160 affects the image's openssl 1.0.1e-2+deb7u4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobHandlers, type ConsoleWorkers } from '../../src/console/jobs/register-job-handlers.js';
import { startRegistrySchedule } from '../../src/console/registries/registry-schedule.js';
import { syncRegistry } from '../../src/console/registries/registry-sync.js';
import { startTokenAuthRegistry, type AuthRegistry } from '../integration/support/auth-registry.js';
import { startRegistry, type LocalRegistry } from '../integration/support/registry.js';
import { runCommand } from '../integration/support/run-command.js';
import { startTestConsole, type TestConsole } from '../support/console-fixture.js';
import { DEMO_IMAGE, demoAdvisoryDatabase } from '../support/demo-assessment.js';
import { STORE_DIALECTS } from '../support/store-fixtures.js';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Pushes the demo image to host/name with skopeo; extra args pick the manifest format and compression. */
async function push(registry: LocalRegistry | AuthRegistry, name: string, extra: readonly string[] = [], creds?: string): Promise<string> {
  await runCommand('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), ...extra, `docker-archive:${DEMO_IMAGE}`, `docker://${registry.host}/${name}`], { timeoutMs: 120_000 });
  const digest = await runCommand('skopeo', ['inspect', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), '--format', '{{.Digest}}', `docker://${registry.host}/${name}`]);
  return digest.stdout.trim();
}

describe.each(STORE_DIALECTS)('watched registries on %s', (dialect) => {
  let c: TestConsole;
  let workers: ConsoleWorkers;
  let root: string;
  const registries: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'bulkhead-registry-watch-'));
    c = await startTestConsole({ dialect, config: { workers: true } });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    workers = registerJobHandlers(c.ctx, { registryTickMs: 200 });
    await workers.start();
  });
  afterAll(async () => {
    await workers?.stop();
    await c?.close();
    for (const r of registries) await r.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function scanJobs(): Promise<{ id: string; state: string; target: string; lastError: string | null }[]> {
    const rows = await c.ctx.store.db.selectFrom('jobs').select(['id', 'state', 'payload', 'last_error']).where('kind', '=', 'scan.target').execute();
    return rows.map((r) => ({ id: r.id, state: r.state, target: (JSON.parse(r.payload) as { target: string }).target, lastError: r.last_error }));
  }

  it('scans an image pushed to a registry whose notifications point at the console', async () => {
    const created = await c.request('POST', '/api/v1/registries', {
      role: 'secops',
      // The registry's port is known only once it runs, and its config needs this registry's id: the URL is set after.
      body: { name: 'pushed', url: 'http://127.0.0.1:9', repositories: ['team-*/*'], intervalMinutes: 0 },
    });
    expect(created.status).toBe(201);
    const { id, notificationSecret } = created.json;
    const registry = await startRegistry({
      root: path.join(root, 'pushed'),
      notifications: [{
        name: 'bulkhead',
        url: `${c.baseUrl}/api/v1/registries/${id}/notifications`,
        headers: { Authorization: [`Bearer ${notificationSecret}`] },
        timeout: '2s',
        threshold: 1,
        backoff: '1s',
      }],
    });
    registries.push(registry);
    expect((await c.request('PATCH', `/api/v1/registries/${id}`, { role: 'secops', body: { url: registry.url } })).status).toBe(200);

    const digest = await push(registry, 'team-a/app:1.0');
    await waitFor('the scan of the pushed image', async () => {
      const jobs = await scanJobs();
      return jobs.length > 0 && jobs.every((j) => j.state === 'done' || j.state === 'failed') ? jobs : undefined;
    });
    const image = await c.ctx.store.db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirstOrThrow();
    expect(image.package_count).toBeGreaterThan(0);
    expect(JSON.parse(image.repositories)).toContain(`${registry.host}/team-a/app`);
    const tag = await c.ctx.store.db.selectFrom('image_tags').selectAll().where('digest', '=', digest).executeTakeFirst();
    expect(tag?.reference).toBe(`${registry.host}/team-a/app:1.0`);
    const heartbleed = await c.ctx.store.db.selectFrom('finding_ids').selectAll().where('digest', '=', digest).where('vuln_id', '=', 'CVE-2014-0160').execute();
    expect(heartbleed).toHaveLength(1);

    const jobs = await scanJobs();
    expect(jobs).toEqual([{ id: expect.any(String), state: 'done', target: `${registry.host}/team-a/app:1.0@${digest}`, lastError: null }]);
    const status = await c.request('GET', `/api/v1/jobs/${jobs[0]!.id}`, { role: 'auditor' });
    expect(status.json).toMatchObject({ state: 'done', attempts: 1, result: { digest, packages: image.package_count } });

    // Outside the watched repositories, and the same digest under another tag: no new scan.
    await push(registry, 'other/skip:1');
    await push(registry, 'team-a/app:1.1');
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await scanJobs()).map((j) => j.target)).toEqual([`${registry.host}/team-a/app:1.0@${digest}`]);
    // The known digest's new tag is remembered without pulling the image again.
    const tags = await c.ctx.store.db.selectFrom('image_tags').select('reference').where('digest', '=', digest).orderBy('reference').execute();
    expect(tags.map((t) => t.reference)).toEqual([`${registry.host}/team-a/app:1.0`, `${registry.host}/team-a/app:1.1`]);
  });

  it('syncs a registry on its schedule: catalog and tags paged, each new digest scanned once', async () => {
    const registry = await startRegistry({ root: path.join(root, 'synced') });
    registries.push(registry);
    // Two manifests of the same image (Docker v2 and OCI), each under several tags and repositories.
    const docker = await push(registry, 'team-a/app:1');
    const oci = await push(registry, 'team-a/app:2', ['--format', 'oci']);
    expect(await push(registry, 'team-a/app:3')).toBe(docker);
    expect(await push(registry, 'team-b/api:latest', ['--format', 'oci'])).toBe(oci);
    await push(registry, 'other/skip:1');
    expect(docker).not.toBe(oci);

    const before = new Set((await scanJobs()).map((j) => j.id));
    // Digests are content addresses: one the console already holds (the first test pushed this image
    // as Docker v2 to another registry) is not scanned again.
    const known = new Set((await c.ctx.store.db.selectFrom('images').select('digest').where('digest', 'in', [docker, oci]).execute()).map((r) => r.digest));
    const expected = [docker, oci].filter((d) => !known.has(d));
    const created = await c.request('POST', '/api/v1/registries', {
      role: 'admin',
      body: { name: 'synced', url: registry.url, repositories: ['team-*/*'], intervalMinutes: 60, environment: 'staging' },
    });
    expect(created.status).toBe(201);
    const id: string = created.json.id;

    // Due at once: the running schedule (ticking every 200 ms) enqueues the first sync.
    const synced = await waitFor('the scheduled sync', async () => {
      const r = await c.request('GET', `/api/v1/registries/${id}`, { role: 'auditor' });
      return r.json.lastSync ? r.json : undefined;
    });
    expect(synced.lastSync).toMatchObject({ repositories: 2, tags: 4, enqueued: expected.length });
    expect(synced.lastScanAt).toEqual(expect.any(String));
    expect(Date.parse(synced.nextSyncAt) - Date.now()).toBeGreaterThan(58 * 60_000);

    const fresh = await waitFor('the scans done', async () => {
      const jobs = (await scanJobs()).filter((j) => !before.has(j.id));
      return jobs.length === expected.length && jobs.every((j) => j.state === 'done') ? jobs : undefined;
    });
    const byDigest = new Map(fresh.map((j) => [j.target.slice(j.target.indexOf('@') + 1), j.target]));
    expect([...byDigest.keys()].sort()).toEqual([...expected].sort());
    // Whichever of its tags resolved first names the digest.
    if (!known.has(docker)) expect(byDigest.get(docker)).toMatch(new RegExp(`^${registry.host.replace(/\./g, '\\.')}/team-a/app:[13]@${docker}$`));
    if (!known.has(oci)) expect(byDigest.get(oci)).toBe(`${registry.host}/team-a/app:2@${oci}`);
    const images = await c.ctx.store.db.selectFrom('images').select(['digest', 'environment', 'package_count']).where('digest', 'in', expected).execute();
    expect(images).toHaveLength(expected.length);
    for (const image of images) expect(image).toMatchObject({ environment: 'staging' });
    const all = await c.ctx.store.db.selectFrom('images').select('package_count').where('digest', 'in', [docker, oci]).execute();
    // The same image content two ways: both in the inventory, the same packages each time.
    expect(all).toHaveLength(2);
    expect(new Set(all.map((i) => i.package_count)).size).toBe(1);

    // Again, one entry per page: every repository and tag is still walked, and nothing is new.
    const paged = await syncRegistry(c.ctx, id, 'test', { pageSize: 1 });
    expect(paged).toMatchObject({ repositories: 2, tags: 4, enqueued: 0 });
    // Now that both digests are stored, every tag the registry lists is recorded on its image.
    const tagRows = await c.ctx.store.db.selectFrom('image_tags').select(['digest', 'reference']).where('digest', 'in', [docker, oci]).where('reference', 'like', `${registry.host}/%`).execute();
    expect(tagRows.map((t) => `${t.reference}@${t.digest}`).sort()).toEqual([
      `${registry.host}/team-a/app:1@${docker}`,
      `${registry.host}/team-a/app:2@${oci}`,
      `${registry.host}/team-a/app:3@${docker}`,
      `${registry.host}/team-b/api:latest@${oci}`,
    ].sort());
    const ociImage = await c.ctx.store.db.selectFrom('images').select('repositories').where('digest', '=', oci).executeTakeFirstOrThrow();
    expect(JSON.parse(ociImage.repositories)).toEqual(expect.arrayContaining([`${registry.host}/team-a/app`, `${registry.host}/team-b/api`]));

    // A rule for team-c's repositories, then the same content pushed there: the next sync records the name and the
    // image is decided again under it, without a new scan.
    const policy = ['version: 1', 'name: team-c', 'rules:', '  - id: team-c-no-root', '    description: team-c images run as a user', '    effect: block',
      `    scope: {images: ['${registry.host}/team-c/*']}`, '    config: {notRoot: true}', ''].join('\n');
    expect((await c.request('POST', '/api/v1/policies/team-c/versions', { role: 'secops', body: { content: policy, reason: 'team-c rule', activate: true } })).status).toBe(201);
    await waitFor('the policy re-evaluation', async () => {
      const jobs = await c.ctx.store.db.selectFrom('jobs').select('state').where('kind', '=', 'reevaluate.policy').execute();
      return jobs.length > 0 && jobs.every((j) => j.state === 'done') ? jobs : undefined;
    });
    const verdictOf = async (digest: string) => (await c.ctx.store.db.selectFrom('images').select('verdict').where('digest', '=', digest).executeTakeFirstOrThrow()).verdict;
    expect(await verdictOf(oci)).toBe('allow');
    expect(await push(registry, 'team-c/web:1', ['--format', 'oci'])).toBe(oci);
    expect(await syncRegistry(c.ctx, id, 'test')).toMatchObject({ repositories: 3, tags: 5, enqueued: 0 });
    expect(await verdictOf(oci)).toBe('block');
    const changes = await c.ctx.store.db.selectFrom('image_changes').select(['cause', 'detail']).where('digest', '=', oci).where('kind', '=', 'verdict').execute();
    const byName = changes.filter((r) => JSON.parse(r.cause).reason === 'new-name');
    expect(byName.map((r) => ({ ...JSON.parse(r.detail), ...JSON.parse(r.cause) }))).toEqual([expect.objectContaining({ from: 'allow', to: 'block', policyVersion: 'team-c@1' })]);
    expect(await verdictOf(docker)).toBe('allow');

    // Two replicas' schedules at the moment the sync falls due: one sync is queued.
    await c.ctx.store.db.updateTable('registries').set({ next_sync_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
    await workers.stop();
    const replicas = [startRegistrySchedule(c.ctx, { tickMs: 60_000 }), startRegistrySchedule(c.ctx, { tickMs: 60_000 })];
    try {
      const claimed = (await Promise.all(replicas.map((s) => s.tick()))).flat();
      const syncs = await c.ctx.store.db.selectFrom('jobs').select('id').where('kind', '=', 'registry.sync').execute();
      expect(claimed.filter((r) => r === id)).toHaveLength(1);
      expect(syncs).toHaveLength(2);
    } finally {
      for (const s of replicas) s.stop();
    }
  });
  it('pulls from a registry behind token auth with the stored credentials; a wrong password fails the sync with the registry\'s answer', async () => {
    const user = { username: 'robot', password: 'robot-pw-31415' };
    const registry = await startTokenAuthRegistry(path.join(root, 'token'), user);
    registries.push(registry);
    // zstd layers in a fresh registry: a manifest no earlier test pushed, so it must really be pulled.
    const digest = await push(registry, 'private/app:7', ['--format', 'oci', '--dest-compress-format', 'zstd'], `${user.username}:${user.password}`);
    expect(await c.ctx.store.db.selectFrom('images').select('digest').where('digest', '=', digest).executeTakeFirst()).toBeUndefined();
    const created = await c.request('POST', '/api/v1/registries', {
      role: 'secops',
      body: { name: 'private', url: registry.url, username: user.username, password: user.password, intervalMinutes: 0 },
    });
    const id: string = created.json.id;
    const sync = await c.request('POST', `/api/v1/registries/${id}/sync`, { role: 'secops' });
    expect(sync.status).toBe(202);
    await waitFor('the sync and its scan', async () => {
      const jobs = (await scanJobs()).filter((j) => j.target === `${registry.host}/private/app:7@${digest}`);
      return jobs.length === 1 && jobs[0]!.state === 'done' ? jobs : undefined;
    });
    const image = await c.ctx.store.db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirstOrThrow();
    expect(image.package_count).toBeGreaterThan(0);
    // The catalog and the repository were asked for as the stored user, from the token server the registry names.
    const asked = registry.tokenRequests.filter((r) => r.user === user.username).map((r) => r.scope);
    expect(asked).toContain('registry:catalog:*');
    expect(asked).toContain('repository:private/app:pull');

    expect((await c.request('PATCH', `/api/v1/registries/${id}`, { role: 'secops', body: { password: 'wrong' } })).status).toBe(200);
    await expect(syncRegistry(c.ctx, id, 'test')).rejects.toThrow(/^authentication failed for private as robot/);
    const after = await c.request('GET', `/api/v1/registries/${id}`, { role: 'auditor' });
    expect(after.json.lastSync.error).toMatch(/^authentication failed for private as robot/);
    expect(after.text).not.toContain('wrong');
  });
});
