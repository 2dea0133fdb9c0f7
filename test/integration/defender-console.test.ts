/**
 * Connected mode end to end: `bulkhead defender --console URL --token T`
 * against the real console (test/support/console-fixture: the full server on
 * SQLite, a real defender API token), guarding a real dockerd driven with the
 * docker CLI. The console's active policy decides, a new policy version takes
 * over without restarts, decisions land in the console's audit log, the host
 * and its containers are reported, and a console outage changes nothing on
 * the host: the cached policy stays in force, even across a defender restart.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../support/console-fixture.js';
import { startDefenderProcess, type DefenderProcess } from './support/defender-process.js';
import { startAuditDaemon, type AuditDaemon } from './support/host-audit-daemons.js';
import { runCommand, type RunResult } from './support/run-command.js';
import { waitUntil } from './support/wait-until.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const why = process.getuid?.() !== 0 ? 'needs root to run dockerd' : !existsSync('/usr/sbin/dockerd') ? 'dockerd is not installed' : !BUSYBOX ? 'busybox-static is not installed' : undefined;
if (why && process.env.CI === 'true') throw new Error(`defender console tests cannot run: ${why}`);
const suite = why ? describe.skip : describe;

const STRICT = `version: 1.0.0
name: console-it
rules:
  - id: no-privileged
    description: nobody runs privileged containers
    effect: block
    deploy: {denyPrivileged: true}
`;
const RELAXED = `version: 2.0.0
name: console-it
rules:
  - id: no-docker-socket
    description: no Docker socket in containers
    effect: block
    deploy: {deniedMounts: [/var/run/docker.sock]}
`;

suite('bulkhead defender connected to a real console', () => {
  const name = `bulkhead-itc-${randomBytes(4).toString('hex')}`;
  const hostName = `it-host-${randomBytes(3).toString('hex')}`;
  const socketPath = path.join('/run/docker/plugins', `${name}.sock`);
  let work: string;
  let consoleServer: TestConsole | undefined;
  let defender: DefenderProcess | undefined;
  let daemon: AuditDaemon | undefined;
  let args: string[];

  const docker = (a: readonly string[]): Promise<RunResult> => (daemon as AuditDaemon).docker(a, { allowFailure: true, timeoutMs: 60_000 });
  const c = (): TestConsole => consoleServer as TestConsole;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bulkhead-it-defender-console-'));
    consoleServer = await startTestConsole({ dialect: 'sqlite' });
    const created = await c().request('POST', '/api/v1/policies/console-it/versions', { role: 'secops', body: { content: STRICT, reason: 'defender test', activate: true } });
    expect(created.status).toBe(201);
    const token = await c().tokenFor('defender');
    const dockerSocket = path.join(work, 'daemon', 'docker.sock');
    // Scans on the spot need an advisory database on the host: the demo snapshot, imported by the real CLI.
    const db = path.join(work, 'advisories.db');
    await runCommand(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'db', 'import', '--db', db, path.join(repoRoot, 'examples', 'demo', 'advisories')], { cwd: repoRoot, timeoutMs: 120_000 });
    // Unscanned images are allowed and the budget is 0, so the run-time rules decide while the scan runs in the background.
    args = ['--db', db, '--console', c().baseUrl, '--token', token, '--name', name, '--socket-dir', '/run/docker/plugins', '--docker-host', `unix://${dockerSocket}`, '--state-dir', path.join(work, 'state'), '--host-name', hostName, '--unscanned', 'allow', '--scan-budget', '0', '--local-identity', 'local-root'];
    defender = await startDefenderProcess({ args, socketPath, logFile: path.join(work, 'defender.log') });
    daemon = await startAuditDaemon({ root: path.join(work, 'daemon'), daemonJson: {}, flags: ['--authorization-plugin', name] });
    const rootfs = path.join(work, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await copyFile(BUSYBOX as string, path.join(rootfs, 'bin', 'busybox'));
    await chmod(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const tool of ['sleep', 'true']) await runCommand('ln', ['-s', 'busybox', path.join(rootfs, 'bin', tool)]);
    await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import --change 'CMD ["/bin/sleep","300"]' - tiny:ok`], { env: daemon.env, timeoutMs: 120_000 });
  }, 300_000);

  afterAll(async () => {
    await daemon?.stop();
    await defender?.process.terminate();
    await consoleServer?.close().catch(() => undefined);
    await rm(socketPath, { force: true });
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);

  it("enforces the console's active policy and reports each decision to its audit log", async () => {
    const refused = await docker(['run', '--rm', '--privileged', 'tiny:ok', 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('under policy console-it 1.0.0: [no-privileged] the container runs privileged');
    expect((await docker(['run', '-d', '--name', 'web', 'tiny:ok'])).code).toBe(0);
    let entries: { action: string; detail: unknown }[] = [];
    const detail = (e: { detail: unknown }): Record<string, unknown> => (typeof e.detail === 'string' ? (JSON.parse(e.detail) as Record<string, unknown>) : (e.detail as Record<string, unknown>));
    await waitUntil('the decisions are in the audit log', async () => {
      entries = (await c().request('GET', '/api/v1/audit?action=enforcement.&limit=500', { role: 'auditor' })).json.items;
      const details = entries.map(detail);
      return details.some((d) => d.action === 'container.create' && !d.allowed) && details.some((d) => d.action === 'container.create' && d.allowed);
    }, { timeoutMs: 15_000, intervalMs: 500 });
    const denied = entries.map(detail).find((d) => d.action === 'container.create' && d.allowed === false);
    expect(denied).toMatchObject({ point: 'docker', source: hostName, user: 'local-root', rules: ['no-privileged'], image: { reference: 'docker.io/library/tiny:ok' } });
    const verify = await c().request('GET', '/api/v1/audit/verify', { role: 'auditor' });
    expect(verify.status).toBe(200);
  }, 120_000);

  it('hands its scan of an image the console did not know to the console, which then tracks it', async () => {
    const id = (await docker(['image', 'inspect', '-f', '{{.Id}}', 'tiny:ok'])).stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    await waitUntil('the console knows the image', async () => (await c().request('GET', `/api/v1/images/${id}`, { role: 'auditor' })).status === 200, { timeoutMs: 20_000, intervalMs: 500 });
    const uploads = (await c().request('GET', '/api/v1/audit?action=scan.upload', { role: 'auditor' })).json.items as { target: string }[];
    expect(uploads.map((u) => u.target)).toContain(`image:${id}`);
  }, 60_000);

  it('reports the host and its running containers', async () => {
    await waitUntil('the host report lists the container', async () => {
      const host = await c().request('GET', `/api/v1/hosts/${hostName}`, { role: 'auditor' });
      return host.status === 200 && JSON.stringify(host.json).includes('"web"');
      // A start is reported within a second or two; the periodic report (every 30 s) is the guarantee.
    }, { timeoutMs: 40_000, intervalMs: 500 });
  }, 60_000);

  it('takes a newly activated policy version without a restart', async () => {
    expect((await c().request('POST', '/api/v1/policies/console-it/versions', { role: 'secops', body: { content: RELAXED, reason: 'allow privileged, forbid the socket', activate: true } })).status).toBe(201);
    // Creating is what the plugin decides (a privileged container may not start inside every sandbox).
    await waitUntil('privileged containers are allowed', async () => (await docker(['create', '--privileged', 'tiny:ok'])).code === 0, { timeoutMs: 30_000, intervalMs: 1000 });
    const sock = await docker(['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'tiny:ok', 'true']);
    expect(sock.stderr).toContain('under policy console-it 2.0.0: [no-docker-socket]');
  }, 60_000);

  it('keeps deciding with the cached policy while the console is down, across a defender restart', async () => {
    await c().close();
    consoleServer = undefined;
    const sock = await docker(['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'tiny:ok', 'true']);
    expect(sock.stderr).toContain('[no-docker-socket]');
    expect((await docker(['create', '--privileged', 'tiny:ok'])).code).toBe(0);
    await (defender as DefenderProcess).process.terminate();
    defender = await startDefenderProcess({ args, socketPath, logFile: path.join(work, 'defender-2.log') });
    expect((await docker(['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'tiny:ok', 'true'])).stderr).toContain('under policy console-it 2.0.0: [no-docker-socket]');
    expect((await docker(['run', '--rm', 'tiny:ok', 'true'])).code).toBe(0);
  }, 120_000);
});
