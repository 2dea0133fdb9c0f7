/**
 * The OpenSSL story, Docker side, end to end with real components: an image
 * with Debian 7's libssl (the demo's dpkg status and os-release, plus busybox
 * to run) is allowed and running on a host whose defender is connected to the
 * real console (SQLite, job workers on). Then the advisory for its exact
 * libssl version, with its CISA KEV entry, is imported into the console: the
 * console re-evaluates, the defender sees the verdict change, stops the
 * running container, refuses a new `docker run`, and the console's audit log
 * holds each step in a chain that verifies.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobHandlers } from '../../src/console/jobs/register-job-handlers.js';
import { startTestConsole, type TestConsole } from '../support/console-fixture.js';
import { DEMO_RECORDS, demoAdvisoryDatabase } from '../support/demo-assessment.js';
import { startDefenderProcess, type DefenderProcess } from './support/defender-process.js';
import { startAuditDaemon, type AuditDaemon } from './support/host-audit-daemons.js';
import { runCommand, type RunResult } from './support/run-command.js';
import { waitUntil } from './support/wait-until.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const why = process.getuid?.() !== 0 ? 'needs root to run dockerd' : !existsSync('/usr/sbin/dockerd') ? 'dockerd is not installed' : !BUSYBOX ? 'busybox-static is not installed' : undefined;
if (why && process.env.CI === 'true') throw new Error(`OpenSSL story test cannot run: ${why}`);
const suite = why ? describe.skip : describe;

const POLICY = `version: 1.0.0
name: story
rules:
  - id: vuln-kev
    description: Known-exploited vulnerabilities are being exploited now.
    effect: block
    vulnerabilities: {kev: true}
`;

suite('the OpenSSL story on a Docker host', () => {
  const name = `bulkhead-its-${randomBytes(4).toString('hex')}`;
  const socketPath = path.join('/run/docker/plugins', `${name}.sock`);
  let work: string;
  let consoleServer: TestConsole | undefined;
  let defender: DefenderProcess | undefined;
  let daemon: AuditDaemon | undefined;
  const docker = (a: readonly string[]): Promise<RunResult> => (daemon as AuditDaemon).docker(a, { allowFailure: true, timeoutMs: 60_000 });
  const c = (): TestConsole => consoleServer as TestConsole;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bulkhead-it-openssl-story-'));
    consoleServer = await startTestConsole({ dialect: 'sqlite', config: { workers: true } });
    // The fixture registers no job kinds: the re-evaluation after an advisory import needs its handler.
    registerJobHandlers(c().ctx);
    // Before the story: both the console and the host know only the CCS advisory (not in KEV).
    demoAdvisoryDatabase(c().config.advisoryDatabase, [DEMO_RECORDS.ccs]);
    const hostDb = path.join(work, 'host-advisories.db');
    demoAdvisoryDatabase(hostDb, [DEMO_RECORDS.ccs]);
    expect((await c().request('POST', '/api/v1/policies/story/versions', { role: 'secops', body: { content: POLICY, reason: 'block known-exploited vulnerabilities', activate: true } })).status).toBe(201);
    await writeFile(path.join(work, 'defender.yaml'), 'onBlockedContainers: stop\nlocalIdentity: local-root\n');
    const args = ['--console', c().baseUrl, '--token', await c().tokenFor('defender'), '--db', hostDb, '--config', path.join(work, 'defender.yaml'), '--name', name, '--socket-dir', '/run/docker/plugins', '--docker-host', `unix://${path.join(work, 'daemon', 'docker.sock')}`, '--state-dir', path.join(work, 'state'), '--host-name', 'story-host', '--scan-budget', '20000'];
    defender = await startDefenderProcess({ args, socketPath, logFile: path.join(work, 'defender.log') });
    daemon = await startAuditDaemon({ root: path.join(work, 'daemon'), daemonJson: {}, flags: ['--authorization-plugin', name] });
    // Debian 7's package database and os-release from the demo, and busybox to run something.
    const rootfs = path.join(work, 'rootfs');
    await cp(path.join(repoRoot, 'examples', 'demo', 'build', 'rootfs'), rootfs, { recursive: true });
    // The demo image's package database (its Dockerfile copies it over the base's): libssl1.0.0 1.0.1e-2+deb7u4.
    await copyFile(path.join(repoRoot, 'examples', 'demo', 'build', 'status'), path.join(rootfs, 'var', 'lib', 'dpkg', 'status'));
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await copyFile(BUSYBOX as string, path.join(rootfs, 'bin', 'busybox'));
    await chmod(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const tool of ['sh', 'sleep', 'true']) await runCommand('ln', ['-s', 'busybox', path.join(rootfs, 'bin', tool)]);
    // PID 1 leaves on SIGTERM, so a stop takes a moment rather than the 10 s grace period.
    await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import --change 'CMD ["/bin/sh","-c","trap \\"exit 0\\" TERM; while true; do sleep 1; done"]' - openssl-app:1`], { env: daemon.env, timeoutMs: 120_000 });
  }, 300_000);

  afterAll(async () => {
    await daemon?.stop();
    await defender?.process.terminate();
    await consoleServer?.close().catch(() => undefined);
    await rm(socketPath, { force: true });
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);

  it('allows and runs the image while no known-exploited advisory affects it', async () => {
    const run = await docker(['run', '-d', '--name', 'app', 'openssl-app:1']);
    expect(run.stderr).toBe('');
    expect((await docker(['inspect', '-f', '{{.State.Running}}', 'app'])).stdout.trim()).toBe('true');
  }, 120_000);

  it('stops the running container within seconds of the advisory import, refuses new runs, and audits every step', async () => {
    const id = (await docker(['image', 'inspect', '-f', '{{.Id}}', 'openssl-app:1'])).stdout.trim();
    await waitUntil('the console tracks the image', async () => (await c().request('GET', `/api/v1/images/${id}`, { role: 'auditor' })).status === 200, { timeoutMs: 30_000, intervalMs: 500 });
    const file = (rel: string) => readFile(path.join(repoRoot, 'examples', 'demo', 'advisories', rel)).then((b) => ({ name: path.basename(rel), contentBase64: b.toString('base64') }));
    const imported = await c().request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [await file(DEMO_RECORDS.heartbleed), await file(DEMO_RECORDS.kev)] } });
    expect(imported.status).toBe(200);
    const started = Date.now();
    try {
      await waitUntil('the running container is stopped', async () => (await docker(['inspect', '-f', '{{.State.Running}}', 'app'])).stdout.trim() === 'false', { timeoutMs: 30_000, intervalMs: 250 });
    } catch (error) {
      // What each side saw, for the failure report.
      const verdict = await c().request('GET', `/api/v1/images/${id}/verdict`, { role: 'defender' });
      const changes = await c().request('GET', `/api/v1/enforcement/verdicts?since=${encodeURIComponent(new Date(started - 60_000).toISOString())}`, { role: 'defender' });
      const log = (await readFile(path.join(work, 'defender.log'), 'utf8')).split('\n').slice(-15).join('\n');
      const runs = await c().request('GET', '/api/v1/advisories/reevaluations', { role: 'secops' });
      throw new Error(`${(error as Error).message}\nimport: ${JSON.stringify(imported.json).slice(0, 400)}\nverdict: ${verdict.status} ${JSON.stringify(verdict.json?.verdict)}\nchanges: ${JSON.stringify(changes.json).slice(0, 600)}\nre-evaluations: ${JSON.stringify(runs.json).slice(0, 600)}\ndefender log:\n${log}`, { cause: error });
    }
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`[openssl story] running container stopped ${seconds.toFixed(1)} s after the advisory import\n`);
    expect(seconds).toBeLessThan(10);

    const refused = await docker(['run', '--rm', 'openssl-app:1', 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('[vuln-kev] libssl1.0.0 1.0.1e-2+deb7u4 has CVE-2014-0160');

    let details: Record<string, unknown>[] = [];
    await waitUntil('the steps are audited', async () => {
      const items = (await c().request('GET', '/api/v1/audit?action=enforcement.&limit=500', { role: 'auditor' })).json.items as { detail: unknown }[];
      details = items.map((e) => (typeof e.detail === 'string' ? (JSON.parse(e.detail) as Record<string, unknown>) : (e.detail as Record<string, unknown>)));
      return details.some((d) => d.action === 'container.stop') && details.some((d) => d.action === 'container.create' && d.allowed === false);
    }, { timeoutMs: 15_000, intervalMs: 500 });
    expect(details.find((d) => d.action === 'container.stop')).toMatchObject({ allowed: false, source: 'story-host', rules: ['vuln-kev'] });
    const verify = await c().request('GET', '/api/v1/audit/verify', { role: 'auditor' });
    expect(verify.json).toMatchObject({ ok: true });
  }, 120_000);
});
