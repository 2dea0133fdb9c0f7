/**
 * `bulkhead defender` in front of a real dockerd (started here with
 * --authorization-plugin after the defender listens), driven with the real
 * docker CLI over the local socket and over TLS with client certificates
 * made by openssl. Expected facts come from the inputs: the demo image's
 * dpkg status and the demo OSV records (examples/demo), the settings each
 * command asks for, and what docker itself reports.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_CLI } from './support/docker-client-env.js';
import { activate, startDefenderProcess, type DefenderProcess } from './support/defender-process.js';
import { freePort } from './support/free-port.js';
import { startAuditDaemon, type AuditDaemon } from './support/host-audit-daemons.js';
import { runCommand, type RunResult } from './support/run-command.js';
import { waitUntil } from './support/wait-until.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const PLUGIN_DIR = '/run/docker/plugins';

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run dockerd';
  if (!existsSync('/usr/sbin/dockerd')) return 'dockerd is not installed';
  if (!BUSYBOX) return 'busybox-static is not installed (apt-get install busybox-static)';
  if (!existsSync('/usr/bin/openssl')) return 'openssl is not installed';
  return undefined;
}
const why = missing();
if (why && process.env.CI === 'true') throw new Error(`defender integration tests cannot run: ${why}`);
const suite = why ? describe.skip : describe;

const BASE_POLICY = `version: 1.0.0
name: defender-it
rules:
  - id: vuln-kev
    description: known exploited
    effect: block
    vulnerabilities: {kev: true}
  - id: deploy-baseline
    description: no privileged containers, no Docker socket
    effect: block
    deploy:
      denyPrivileged: true
      deniedMounts: [/var/run/docker.sock, /run/docker.sock]
  - id: exec-prod-ops
    description: only ops may exec into production containers
    effect: block
    access:
      actions: ['exec.*']
      allowGroups: [ops]
      targetLabels: {env: prod}
`;

suite('bulkhead defender with a real dockerd', () => {
  const name = `bulkhead-it-${randomBytes(4).toString('hex')}`;
  const socketPath = path.join(PLUGIN_DIR, `${name}.sock`);
  let work: string;
  let policyFile: string;
  let decisionLog: string;
  let defenderArgs: string[];
  let defender: DefenderProcess | undefined;
  let daemon: AuditDaemon | undefined;
  let tcpHost: string;
  let pki: string;
  const demoTag = 'bulkhead-demo/heartbleed:1.0';

  const docker = (args: readonly string[], timeoutMs = 60_000): Promise<RunResult> => (daemon as AuditDaemon).docker(args, { allowFailure: true, timeoutMs });
  const dockerAs = (user: string, args: readonly string[]): Promise<RunResult> =>
    runCommand(DOCKER_CLI, ['--tlsverify', '--tlscacert', path.join(pki, 'ca.pem'), '--tlscert', path.join(pki, `${user}-cert.pem`), '--tlskey', path.join(pki, `${user}-key.pem`), '-H', tcpHost, ...args], {
      env: (daemon as AuditDaemon).env,
      allowFailure: true,
      timeoutMs: 60_000,
    });
  const decisions = async (): Promise<Record<string, unknown>[]> =>
    (await readFile(decisionLog, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bulkhead-it-defender-'));
    pki = path.join(work, 'pki');
    await mkdir(pki);
    const ssl = (args: string[]): Promise<unknown> => runCommand('openssl', args, { cwd: pki, timeoutMs: 60_000 });
    await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=bulkhead-defender-ca']);
    await writeFile(path.join(pki, 'server.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await writeFile(path.join(pki, 'client.cnf'), 'extendedKeyUsage=clientAuth\n');
    // dockerd takes the user name from the client certificate's CN.
    for (const [file, cn, ext] of [['server', '127.0.0.1', 'server.cnf'], ['alice', 'alice', 'client.cnf'], ['mallory', 'mallory', 'client.cnf']] as const) {
      await ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}-key.pem`, '-out', `${file}.csr`, '-subj', `/CN=${cn}`]);
      await ssl(['x509', '-req', '-in', `${file}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${file}-cert.pem`, '-days', '1', '-extfile', ext]);
    }

    // The advisory database from the demo snapshot, imported by the real CLI.
    const db = path.join(work, 'advisories.db');
    await runCommand(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'db', 'import', '--db', db, path.join(repoRoot, 'examples', 'demo', 'advisories')], { cwd: repoRoot, timeoutMs: 120_000 });

    policyFile = path.join(work, 'policy.yaml');
    await writeFile(policyFile, BASE_POLICY);
    const config = path.join(work, 'defender.yaml');
    await writeFile(config, 'localIdentity: local-root\ngroups:\n  ops: [alice]\nruleActions:\n  owner-label: stop\n  svc-retired: prevent-restart\n');
    decisionLog = path.join(work, 'state', 'decisions.jsonl');
    const dockerSocket = path.join(work, 'daemon', 'docker.sock');
    defenderArgs = ['--policy', policyFile, '--db', db, '--config', config, '--name', name, '--socket-dir', PLUGIN_DIR, '--docker-host', `unix://${dockerSocket}`, '--state-dir', path.join(work, 'state'), '--scan-budget', '20000', '--default', 'block', '--unscanned', 'block'];
    defender = await startDefenderProcess({ args: defenderArgs, socketPath, logFile: path.join(work, 'defender.log') });

    const port = await freePort();
    tcpHost = `tcp://127.0.0.1:${port}`;
    daemon = await startAuditDaemon({
      root: path.join(work, 'daemon'),
      daemonJson: {},
      flags: ['--authorization-plugin', name, '-H', tcpHost, '--tlsverify', '--tlscacert', path.join(pki, 'ca.pem'), '--tlscert', path.join(pki, 'server-cert.pem'), '--tlskey', path.join(pki, 'server-key.pem')],
    });

    // A busybox image for containers that run, and the demo Debian 7 image with Heartbleed's libssl.
    const rootfs = path.join(work, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await copyFile(BUSYBOX as string, path.join(rootfs, 'bin', 'busybox'));
    await chmod(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const tool of ['sh', 'sleep', 'true', 'id']) await runCommand('ln', ['-s', 'busybox', path.join(rootfs, 'bin', tool)]);
    await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import --change 'CMD ["/bin/sleep","300"]' - tiny:ok`], { env: daemon.env, timeoutMs: 120_000 });
    await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import --change 'LABEL tier=svc' --change 'CMD ["/bin/sleep","300"]' - tiny:svc`], { env: daemon.env, timeoutMs: 120_000 });
    await daemon.docker(['load', '-i', path.join(repoRoot, 'examples', 'demo', 'debian-heartbleed.tar')], { timeoutMs: 120_000 });
  }, 600_000);

  afterAll(async () => {
    await daemon?.stop();
    await defender?.process.terminate();
    await rm(socketPath, { force: true });
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);

  it('runs an image with no blocked findings', async () => {
    const run = await docker(['run', '-d', '--name', 'ok', 'tiny:ok']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await docker(['inspect', '-f', '{{.State.Running}}', 'ok'])).stdout.trim()).toBe('true');
    const create = (await decisions()).find((d) => d.action === 'container.create');
    expect(create).toMatchObject({ allowed: true, verdict: 'allow', user: 'local-root', point: 'docker' });
  }, 120_000);

  it("refuses an image with a known-exploited vulnerability, saying which package, advisory and fix", async () => {
    const osv = JSON.parse(await readFile(path.join(repoRoot, 'examples', 'demo', 'advisories', 'osv', 'CVE-2014-0160.json'), 'utf8')) as { affected: { ranges: { events: { fixed?: string }[] }[] }[] };
    const fixed = osv.affected[0]?.ranges[0]?.events.find((e) => e.fixed)?.fixed;
    const status = await readFile(path.join(repoRoot, 'examples', 'demo', 'build', 'status'), 'utf8');
    const libssl = /Package: (libssl[^\n]*)\n(?:[^\n]+\n)*?Version: ([^\n]+)/.exec(status);
    expect(fixed).toBeTruthy();
    expect(libssl).not.toBeNull();
    const run = await docker(['run', '--rm', demoTag, '/bin/true']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`authorization denied by plugin ${name}`);
    expect(run.stderr).toContain('Bulkhead blocked container.create of docker.io/bulkhead-demo/heartbleed:1.0');
    expect(run.stderr).toContain(`[vuln-kev] ${libssl?.[1]} ${libssl?.[2]} has CVE-2014-0160, fixed in ${fixed}: rebuild on an updated base image`);
    expect((await docker(['ps', '-a', '--filter', `ancestor=${demoTag}`, '-q'])).stdout.trim()).toBe('');
  }, 120_000);

  it('refuses --privileged and a Docker socket mount per the policy', async () => {
    const privileged = await docker(['run', '--rm', '--privileged', 'tiny:ok', 'true']);
    expect(privileged.code).not.toBe(0);
    expect(privileged.stderr).toContain('[deploy-baseline] the container runs privileged: drop --privileged');
    const sock = await docker(['run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'tiny:ok', 'true']);
    expect(sock.code).not.toBe(0);
    expect(sock.stderr).toContain('[deploy-baseline] host path /var/run/docker.sock is mounted at /var/run/docker.sock');
    const fine = await docker(['run', '--rm', '-v', `${work}:/w:ro`, 'tiny:ok', 'true']);
    expect(fine.code).toBe(0);
  }, 120_000);

  it('lets only ops exec into a production container: the user comes from the TLS client certificate', async () => {
    expect((await docker(['run', '-d', '--name', 'prod', '--label', 'env=prod', 'tiny:ok'])).code).toBe(0);
    const mallory = await dockerAs('mallory', ['exec', 'prod', 'true']);
    expect(mallory.code).not.toBe(0);
    expect(mallory.stderr).toContain('[exec-prod-ops] mallory may not perform exec.create on docker.io/library/tiny:ok: only group ops may');
    const local = await docker(['exec', 'prod', 'true']);
    expect(local.stderr).toContain('local-root may not perform exec.create');
    const alice = await dockerAs('alice', ['exec', 'prod', 'id', '-u']);
    expect(alice.stderr).toBe('');
    expect(alice.stdout.trim()).toBe('0');
    // Outside production the rule does not govern: anyone may exec.
    expect((await dockerAs('mallory', ['exec', 'ok', 'true'])).code).toBe(0);
    const logged = (await decisions()).filter((d) => d.action === 'exec.create');
    expect(logged.map((d) => [d.user, d.allowed])).toEqual(expect.arrayContaining([['mallory', false], ['local-root', false], ['alice', true], ['mallory', true]]));
  }, 120_000);

  it('applies a policy change without restarting anything, and acts on running containers that turn blocked', async () => {
    expect((await docker(['run', '-d', '--name', 'svc', '--restart', 'always', 'tiny:svc'])).code).toBe(0);
    // Scoped by image name: the scans ran on image IDs, the rules see the names the containers use.
    const relaxed = BASE_POLICY.replace('      denyPrivileged: true\n', '') + `  - id: owner-label
    description: images must name their owner
    effect: block
    scope: {images: ['docker.io/library/tiny:ok']}
    config:
      requiredLabels: [org.acme.owner]
  - id: svc-retired
    description: the svc image is being retired
    effect: block
    scope: {images: ['docker.io/library/tiny:svc']}
    config:
      requiredLabels: [org.acme.owner]
`;
    await writeFile(policyFile, relaxed);
    await waitUntil('the privileged run is allowed by the new policy', async () => (await docker(['run', '--rm', '--privileged', 'tiny:ok', 'true'])).stderr.includes('owner-label'), { timeoutMs: 20_000, intervalMs: 500 });
    const refused = await docker(['run', '--rm', '--privileged', 'tiny:ok', 'true']);
    expect(refused.stderr).not.toContain('privileged');
    expect(refused.stderr).toContain('[owner-label] required label org.acme.owner is missing: add LABEL org.acme.owner=… to the Dockerfile');
    // ruleActions: owner-label → stop: the running containers of that image are stopped.
    await waitUntil('the running container is stopped', async () => (await docker(['inspect', '-f', '{{.State.Running}}', 'ok'])).stdout.trim() === 'false', { timeoutMs: 30_000, intervalMs: 500 });
    expect((await decisions()).filter((d) => d.action === 'container.stop').map((d) => (d.reasons as string[])[0])).toEqual(expect.arrayContaining([expect.stringMatching(/^running container (ok|prod) stopped$/)]));
    // ruleActions: svc-retired → prevent-restart: still running, but no longer restarted.
    await waitUntil('the svc restart policy is "no"', async () => (await docker(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}', 'svc'])).stdout.trim() === 'no', { timeoutMs: 30_000, intervalMs: 500 });
    expect((await docker(['inspect', '-f', '{{.State.Running}}', 'svc'])).stdout.trim()).toBe('true');
    expect((await decisions()).find((d) => d.action === 'container.prevent-restart')).toMatchObject({ allowed: false, rules: ['svc-retired'], reasons: ['running container svc restart policy set to "no"', expect.stringContaining('[svc-retired] required label org.acme.owner is missing')] });
    await writeFile(policyFile, BASE_POLICY);
    await waitUntil('the base policy is back', async () => (await docker(['run', '--rm', '--privileged', 'tiny:ok', 'true'])).stderr.includes('[deploy-baseline]'), { timeoutMs: 20_000, intervalMs: 500 });
  }, 120_000);

  it('refuses malformed and unknown requests per the default instead of crashing', async () => {
    const curl = (args: string[]) => runCommand('curl', ['-s', '--unix-socket', (daemon as AuditDaemon).socketPath, ...args], { allowFailure: true, timeoutMs: 30_000 });
    // A route dockerd has but that names nothing to do (no fromImage, no fromSrc): the plugin's default answers.
    expect((await curl(['-X', 'POST', 'http://docker/v1.41/images/create'])).stdout).toContain('Bulkhead could not judge this request (POST /images/create without fromImage or fromSrc)');
    // A create body that is not JSON: dockerd forwards it, the defender cannot read it, the default answers.
    expect((await curl(['-X', 'POST', '-H', 'content-type: application/json', '--data', '{"Image": "tiny:ok", ', 'http://docker/v1.41/containers/create'])).stdout).toContain('Bulkhead could not judge this request (container create without a readable JSON body');
    // Hostile messages straight to the plugin socket: answered, and the defender keeps serving dockerd.
    const plugin = (body: string) => runCommand('curl', ['-s', '--unix-socket', socketPath, '-X', 'POST', '--data-binary', '@-', 'http://plugin/AuthZPlugin.AuthZReq'], { input: body, allowFailure: true, timeoutMs: 30_000 });
    expect(JSON.parse((await plugin('{"RequestMethod": 1')).stdout)).toMatchObject({ Allow: false });
    expect(JSON.parse((await plugin(JSON.stringify({ RequestMethod: 'POST', RequestUri: '/v9.0/containers/create' }))).stdout).Msg).toContain('unsupported Engine API version 9.0');
    expect(JSON.parse((await plugin(`{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":"${'A'.repeat(6 * 1024 * 1024)}"}`)).stdout)).toMatchObject({ Allow: false });
    expect(await activate(socketPath)).toBe(true);
    expect((await docker(['ps'])).code).toBe(0);
    const fallbacks = (await decisions()).filter((d) => typeof d.fallback === 'string').map((d) => d.fallback as string);
    expect(fallbacks).toEqual(expect.arrayContaining([expect.stringMatching(/^AuthZ message is not JSON/), expect.stringMatching(/larger than/)]));
  }, 60_000);

  it('fails closed while the defender is down and recovers when it restarts', async () => {
    process.kill((defender as DefenderProcess).process.pid as number, 'SIGKILL');
    await waitUntil('the defender is gone', async () => (defender as DefenderProcess).process.exited() !== undefined, { timeoutMs: 10_000 });
    const down = await docker(['ps'], 90_000);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain(name);
    defender = await startDefenderProcess({ args: defenderArgs, socketPath, logFile: path.join(work, 'defender-2.log') });
    const up = await docker(['ps', '-a', '--format', '{{.Names}}']);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('prod');
    // The verdicts survived the restart in the cache file: the blocked image is refused at once.
    expect((await docker(['run', '--rm', demoTag, '/bin/true'])).stderr).toContain('[vuln-kev]');
  }, 180_000);
});
