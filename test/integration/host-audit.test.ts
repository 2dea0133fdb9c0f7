/**
 * `bulkhead host audit` against real dockerd instances started with
 * deliberately different configurations, and containers started with risky
 * settings. Expected results come from the settings the test applied and from
 * what `docker inspect`, `docker info` and `stat` report — never from the
 * audit's own code. Two daemons cover the live checks (a hardened one with
 * TLS-verified TCP on a tmpfs data root, a weak one); an offline root covers
 * daemon.json keys a private daemon cannot safely vary here (icc=false needs
 * iptables rules on the shared host).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { startAuditDaemon } from './support/host-audit-daemons.js';
import type { AuditDaemon } from './support/host-audit-daemons.js';
import { runCommand } from './support/run-command.js';
import { BadInputError } from '../../src/domain/errors.js';
import { evaluateHostPolicy, parseHostPolicy, renderHostJson, renderHostJunit, renderHostSarif, renderHostTable, runHostAudit } from '../../src/host/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const CLI = path.join(repoRoot, 'test', 'integration', 'support', 'host-audit-cli.ts');
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run dockerd';
  if (!existsSync('/usr/sbin/dockerd')) return 'dockerd is not installed';
  if (!BUSYBOX) return 'busybox-static is not installed (apt-get install busybox-static)';
  if (!existsSync('/usr/bin/openssl')) return 'openssl is not installed';
  return undefined;
}

const why = missing();
if (why && process.env.CI === 'true') throw new Error(`host audit integration tests cannot run: ${why}`);
const suite = why ? describe.skip : describe;

interface Evidence { subject: string; field: string; value: string }
interface Result { id: string; status: string; evidence: Evidence[]; reason?: string; level: number; scored: boolean }
interface AuditJson { results: Result[]; summary: { score?: number }; policy?: { violations: string[] } }

async function audit(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, 'host', 'audit', ...args], { env, cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
}

/** In process (the CLI costs a TypeScript compile per run); the JSON is what `--format json` prints. */
async function auditJson(args: readonly string[]): Promise<AuditJson> {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = option('--root');
  const dockerHost = option('--docker-host');
  const report = await runHostAudit({ ...(root ? { root } : {}), ...(dockerHost ? { dockerHost } : {}) });
  return JSON.parse(renderHostJson(report)) as AuditJson;
}

const cache = new Map<string, Promise<AuditJson>>();
/** One audit per daemon serves the read-only checks of several tests. */
function auditOf(daemon: AuditDaemon): Promise<AuditJson> {
  let p = cache.get(daemon.host);
  if (!p) {
    p = auditJson(['--docker-host', daemon.host]);
    cache.set(daemon.host, p);
  }
  return p;
}

function result(report: AuditJson, id: string): Result {
  const r = report.results.find((x) => x.id === id);
  if (!r) throw new Error(`no result for ${id}`);
  return r;
}

/** Container names the result's evidence blames (subjects of the deciding evidence). */
function blamed(r: Result): string[] {
  return [...new Set(r.evidence.map((e) => e.subject.replace(/^container /, '')))].sort();
}

async function inspectAll(daemon: AuditDaemon): Promise<Record<string, unknown>[]> {
  const ids = (await daemon.docker(['ps', '-q', '--no-trunc'])).stdout.trim().split('\n').filter(Boolean);
  return JSON.parse((await daemon.docker(['inspect', ...ids])).stdout) as Record<string, unknown>[];
}

interface DockerInfo {
  LoggingDriver: string;
  LiveRestoreEnabled: boolean;
  Driver: string;
  SecurityOptions: string[];
  RegistryConfig: { IndexConfigs: Record<string, { Name: string; Secure: boolean }> };
}

const nameOf = (c: Record<string, unknown>): string => String(c.Name).replace(/^\//, '');
const hc = (c: Record<string, unknown>): Record<string, unknown> => c.HostConfig as Record<string, unknown>;

suite('bulkhead host audit against real dockerd', () => {
  let work: string;
  let hardened: AuditDaemon;
  let weak: AuditDaemon;
  let tls: { ca: string; cert: string; key: string };
  const refused: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'bulkhead-it-host-'));
    // Certificates for the TLS-verified TCP socket, made with openssl.
    const pki = path.join(work, 'pki');
    await mkdir(pki);
    const ssl = (args: string[]): Promise<unknown> => runCommand('openssl', args, { cwd: pki, timeoutMs: 60_000 });
    await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=bulkhead-audit-ca']);
    await ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    await writeFile(path.join(pki, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    await ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '1', '-extfile', 'ext.cnf']);
    tls = { ca: path.join(pki, 'ca.pem'), cert: path.join(pki, 'server-cert.pem'), key: path.join(pki, 'server-key.pem') };
    await chmod(tls.ca, 0o444);
    await chmod(tls.cert, 0o644);
    await chmod(tls.key, 0o400);

    const [portA, portB] = [await freePort(), await freePort()];
    // allSettled: when one daemon fails to start, the other is still stopped in afterAll.
    const started = await Promise.allSettled([
      startAuditDaemon({
        root: path.join(work, 'hardened'),
        tmpfsDataRoot: true,
        daemonJson: { 'live-restore': true, 'userland-proxy': false, 'no-new-privileges': true, 'log-level': 'info', tlsverify: true, tlscacert: tls.ca, tlscert: tls.cert, tlskey: tls.key },
        flags: ['-H', `tcp://127.0.0.1:${portA}`],
      }),
      startAuditDaemon({
        root: path.join(work, 'weak'),
        daemonJson: { 'log-level': 'debug', 'insecure-registries': ['registry.invalid:5000'], experimental: true, 'cgroup-parent': 'bulkhead-audit-test' },
        flags: ['-H', `tcp://127.0.0.1:${portB}`, '--tls', '--tlscacert', tls.ca, '--tlscert', tls.cert, '--tlskey', tls.key],
      }),
    ]);
    if (started[0].status === 'fulfilled') hardened = started[0].value;
    if (started[1].status === 'fulfilled') weak = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    // Socket ownership the tests then expect from stat: hardened root:docker 0660, weak world-writable.
    const dockerGid = Number((await runCommand('getent', ['group', 'docker'], { allowFailure: true })).stdout.split(':')[2] ?? 0);
    await chown(hardened.socketPath, 0, dockerGid);
    await chmod(hardened.socketPath, 0o660);
    await chmod(weak.socketPath, 0o666);

    // A tiny image: static busybox, a shell, and an "sshd" that is a shell script (its comm is sshd).
    const rootfs = path.join(work, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await mkdir(path.join(rootfs, 'usr', 'sbin'), { recursive: true });
    await copyFile(BUSYBOX as string, path.join(rootfs, 'bin', 'busybox'));
    await chmod(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const applet of ['sh', 'sleep', 'true']) await symlink('busybox', path.join(rootfs, 'bin', applet));
    await writeFile(path.join(rootfs, 'usr', 'sbin', 'sshd'), '#!/bin/busybox sh\n/bin/busybox sleep 300\n', { mode: 0o755 });
    const importImage = async (daemon: AuditDaemon, tag: string, changes: string[]): Promise<void> => {
      await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import ${changes.map((c) => `--change '${c}'`).join(' ')} - ${tag}`], { env: daemon.env, timeoutMs: 120_000 });
    };
    await Promise.all([
      importImage(hardened, 'tiny:hardened', ['USER 1000', 'HEALTHCHECK --interval=1s CMD ["/bin/true"]', 'CMD ["/bin/sleep","300"]']),
      importImage(weak, 'tiny:plain', ['CMD ["/bin/sleep","300"]']),
    ]);

    // Some sandboxes (this one included) refuse --privileged or extra capabilities to nested
    // containers; such a container is removed and the expectations, read from docker inspect of
    // what runs, simply do not include it.
    const run = async (daemon: AuditDaemon, args: string[]): Promise<void> => {
      const result = await daemon.docker(['run', '-d', ...args], { timeoutMs: 120_000, allowFailure: true });
      if (result.code !== 0) {
        const name = args[args.indexOf('--name') + 1] as string;
        refused.push(`${name}: ${result.stderr.trim().split('\n').at(-1)}`);
        await daemon.docker(['rm', '-f', name], { allowFailure: true });
      }
    };
    await Promise.all([
      run(hardened, ['--name', 'a-good', '--network', 'none', '--read-only', '--memory', '64m', '--cpu-shares', '512', '--pids-limit', '64', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--restart', 'on-failure:5', 'tiny:hardened']),
      run(weak, ['--name', 'b-priv', '--network', 'none', '--privileged', 'tiny:plain']),
      run(weak, ['--name', 'b-hostpid', '--network', 'none', '--pid', 'host', '-v', `${weak.socketPath}:/var/run/docker.sock`, 'tiny:plain']),
      run(weak, ['--name', 'b-caps', '--network', 'host', '--cap-add', 'SYS_ADMIN', '-v', '/etc:/host-etc', '--restart', 'always', '--security-opt', 'seccomp=unconfined', 'tiny:plain']),
      run(weak, ['--name', 'b-sshd', '--network', 'none', 'tiny:plain', '/usr/sbin/sshd']),
    ]);
    if (refused.length > 0) process.stderr.write(`[host-audit] containers this host refused to run: ${refused.join('; ')}\n`);
    // Let the hardened container's health check report once.
    for (let i = 0; i < 30; i++) {
      const status = (await hardened.docker(['inspect', '-f', '{{.State.Health.Status}}', 'a-good'])).stdout.trim();
      if (status === 'healthy') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 600_000);

  afterAll(async () => {
    await Promise.all([hardened?.stop(), weak?.stop()].map((p) => p?.catch(() => undefined)));
    if (work) await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }, 120_000);

  it('section 2: daemon settings from daemon.json, flags and what docker info / docker version report', async () => {
    const [a, b] = await Promise.all([auditOf(hardened), auditOf(weak)]);
    const infoA = JSON.parse((await hardened.docker(['info', '--format', '{{json .}}'])).stdout) as DockerInfo;
    const infoB = JSON.parse((await weak.docker(['info', '--format', '{{json .}}'])).stdout) as DockerInfo;
    // 2.3 log level: the hardened daemon.json says info, the weak one debug.
    expect(result(a, '2.3').status).toBe('pass');
    expect(result(b, '2.3')).toMatchObject({ status: 'fail', evidence: [{ field: 'log-level', value: 'debug' }] });
    // 2.5 insecure registries as docker info lists them.
    const insecureB = Object.values(infoB.RegistryConfig.IndexConfigs).filter((i) => !i.Secure).map((i) => i.Name);
    expect(insecureB).toContain('registry.invalid:5000');
    expect(result(b, '2.5').status).toBe('fail');
    expect(result(b, '2.5').evidence[0]?.value).toContain('registry.invalid:5000');
    expect(result(a, '2.5').status).toBe('pass');
    // 2.7 TLS: tcp with tlsverify passes; tcp with --tls but no verification fails.
    expect(result(a, '2.7').status).toBe('pass');
    expect(result(b, '2.7').status).toBe('fail');
    // 2.13 centralized logging: both keep the logging driver docker info reports.
    expect(infoA.LoggingDriver).toBe('json-file');
    expect(result(a, '2.13').status).toBe('fail');
    // 2.14 no-new-privileges, 2.16 userland proxy: set on the hardened daemon only.
    expect([result(a, '2.14').status, result(b, '2.14').status]).toEqual(['pass', 'fail']);
    expect([result(a, '2.16').status, result(b, '2.16').status]).toEqual(['pass', 'fail']);
    // 2.15 live restore and 2.18 experimental as the daemon itself reports them.
    expect(result(a, '2.15').status).toBe(infoA.LiveRestoreEnabled ? 'pass' : 'fail');
    expect(result(b, '2.15').status).toBe(infoB.LiveRestoreEnabled ? 'pass' : 'fail');
    const experimentalB = (await weak.docker(['version', '--format', '{{.Server.Experimental}}'])).stdout.trim() === 'true';
    expect(experimentalB).toBe(true);
    expect(result(b, '2.18').status).toBe('fail');
    expect(result(a, '2.18').status).toBe('pass');
    // 2.6 storage driver and 2.9 user namespaces from docker info.
    expect(result(a, '2.6').status).toBe(infoA.Driver === 'aufs' ? 'fail' : 'pass');
    expect(result(a, '2.9').status).toBe(infoA.SecurityOptions.some((o) => o.includes('userns')) ? 'pass' : 'fail');
    // 2.10 a cgroup parent is reported for confirmation.
    expect(result(b, '2.10')).toMatchObject({ status: 'info', evidence: [{ value: 'bulkhead-audit-test' }] });
    expect(result(a, '2.12').status).toBe('fail');
  });

  it('section 1: the data root on its own filesystem (mountinfo) and audit rules (auditctl)', async () => {
    const [a, b] = await Promise.all([auditOf(hardened), auditOf(weak)]);
    const isMountPoint = async (dir: string): Promise<boolean> => (await runCommand('mountpoint', ['-q', dir], { allowFailure: true })).code === 0;
    expect(result(a, '1.1.1').status).toBe((await isMountPoint(hardened.dataRoot)) ? 'pass' : 'fail');
    expect(result(a, '1.1.1').status).toBe('pass');
    expect(result(b, '1.1.1').status).toBe((await isMountPoint(weak.dataRoot)) ? 'pass' : 'fail');
    const auditctl = ['/usr/sbin/auditctl', '/sbin/auditctl'].some((p) => existsSync(p));
    const r = result(a, '1.1.6');
    if (!auditctl) expect(r).toMatchObject({ status: 'warn', reason: 'auditctl not available' });
    else expect(['pass', 'fail']).toContain(r.status);
  });

  it('section 3: ownership and permissions of sockets and TLS files as stat reports them', async () => {
    const [a, b] = await Promise.all([auditOf(hardened), auditOf(weak)]);
    const stat = async (file: string): Promise<{ mode: number; owner: string }> => {
      const [mode, owner] = (await runCommand('stat', ['-L', '-c', '%a %U:%G', file])).stdout.trim().split(' ');
      return { mode: Number.parseInt(mode ?? '0', 8), owner: owner ?? '' };
    };
    const sockA = await stat(hardened.socketPath);
    const sockB = await stat(weak.socketPath);
    expect(result(a, '3.15').status).toBe(sockA.owner === 'root:docker' ? 'pass' : 'fail');
    expect(result(a, '3.16').status).toBe((sockA.mode & ~0o660) === 0 ? 'pass' : 'fail');
    expect(result(b, '3.16')).toMatchObject({ status: 'fail', evidence: [{ subject: weak.socketPath, field: 'mode', value: sockB.mode.toString(8) }] });
    // TLS files named by daemon.json (hardened) and by flags (weak).
    const key = await stat(tls.key);
    const cert = await stat(tls.cert);
    const ca = await stat(tls.ca);
    expect(result(a, '3.14').status).toBe((key.mode & ~0o400) === 0 ? 'pass' : 'fail');
    expect(result(a, '3.12').status).toBe((cert.mode & ~0o444) === 0 ? 'pass' : 'fail');
    expect(result(a, '3.12').status).toBe('fail');
    expect(result(a, '3.10').status).toBe((ca.mode & ~0o444) === 0 ? 'pass' : 'fail');
    expect(result(b, '3.14').status).toBe('pass');
    // The weak daemon names its CA on the command line (--tlscacert): 3.9 follows its owner.
    expect(result(b, '3.9')).toMatchObject({ status: ca.owner === 'root:root' ? 'pass' : 'fail', evidence: [{ subject: tls.ca, field: 'owner' }] });
    // daemon.json is the --config-file on dockerd's command line.
    const conf = await stat(hardened.configFile);
    expect(result(a, '3.18')).toMatchObject({ status: (conf.mode & ~0o644) === 0 ? 'pass' : 'fail', evidence: [{ subject: hardened.configFile }] });
  });

  it('section 4: image user and HEALTHCHECK through the image-config checks, as docker image inspect shows them', async () => {
    const [a, b] = await Promise.all([auditOf(hardened), auditOf(weak)]);
    const imgA = JSON.parse((await hardened.docker(['image', 'inspect', 'tiny:hardened'])).stdout)[0].Config;
    const imgB = JSON.parse((await weak.docker(['image', 'inspect', 'tiny:plain'])).stdout)[0].Config;
    expect(imgA.User).toBe('1000');
    expect(result(a, '4.1').status).toBe('pass');
    expect(imgB.User ?? '').toBe('');
    expect(result(b, '4.1')).toMatchObject({ status: 'fail', evidence: [{ subject: 'image tiny:plain' }] });
    expect(imgA.Healthcheck?.Test?.length).toBeGreaterThan(0);
    expect(result(a, '4.6').status).toBe('pass');
    expect(imgB.Healthcheck ?? null).toBeNull();
    expect(result(b, '4.6').status).toBe('fail');
  });

  it('section 5: every running container, judged on what docker inspect reports', async () => {
    const [a, b] = await Promise.all([auditOf(hardened), auditOf(weak)]);
    const containersB = await inspectAll(weak);
    const containersA = await inspectAll(hardened);
    // The risky settings this host cannot refuse must be running (host PID, socket mount, sshd).
    expect(containersB.map(nameOf)).toEqual(expect.arrayContaining(['b-hostpid', 'b-sshd']));
    expect(containersA.map(nameOf)).toEqual(['a-good']);
    const expectFailing = (report: AuditJson, id: string, containers: Record<string, unknown>[], fails: (c: Record<string, unknown>) => boolean): void => {
      const failing = containers.filter(fails).map(nameOf).sort();
      const r = result(report, id);
      expect(r.status, `${id}`).toBe(failing.length > 0 ? 'fail' : 'pass');
      if (failing.length > 0) expect(blamed(r), `${id}`).toEqual(failing);
    };
    for (const [report, containers] of [[b, containersB], [a, containersA]] as const) {
      expectFailing(report, '5.4', containers, (c) => ((hc(c).CapAdd as string[] | null) ?? []).length > 0);
      expectFailing(report, '5.5', containers, (c) => hc(c).Privileged === true);
      expectFailing(report, '5.6', containers, (c) => ((c.Mounts as { Source: string; RW: boolean }[]) ?? []).some((m) => m.RW && ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'].includes(m.Source)));
      expectFailing(report, '5.10', containers, (c) => hc(c).NetworkMode === 'host');
      expectFailing(report, '5.11', containers, (c) => !((hc(c).Memory as number) > 0));
      expectFailing(report, '5.13', containers, (c) => hc(c).ReadonlyRootfs !== true);
      expectFailing(report, '5.15', containers, (c) => (hc(c).RestartPolicy as { Name: string }).Name === 'always');
      expectFailing(report, '5.16', containers, (c) => hc(c).PidMode === 'host');
      expectFailing(report, '5.22', containers, (c) => ((hc(c).SecurityOpt as string[] | null) ?? []).includes('seccomp=unconfined'));
      expectFailing(report, '5.29', containers, (c) => !((hc(c).PidsLimit as number | null) ?? 0 > 0));
      expectFailing(report, '5.32', containers, (c) => ((c.Mounts as { Source: string }[]) ?? []).some((m) => m.Source.endsWith('docker.sock')));
      expectFailing(report, '5.27', containers, (c) => !(c.State as { Health?: { Status: string } }).Health);
    }
    // 5.26: the hardened daemon sets no-new-privileges for all; on the weak one no container asks for it.
    expect(result(a, '5.26').status).toBe('pass');
    expect(blamed(result(b, '5.26'))).toEqual(containersB.map(nameOf).sort());
    // 5.7: docker top shows which container runs a process named sshd.
    const tops = await Promise.all(containersB.map(async (c) => ({ name: nameOf(c), top: (await weak.docker(['top', nameOf(c), '-o', 'pid,comm'])).stdout })));
    const withSshd = tops.filter((t) => /\bsshd\b/.test(t.top)).map((t) => t.name);
    expect(withSshd).toEqual(['b-sshd']);
    expect(result(b, '5.7').status).toBe('fail');
    expect(blamed(result(b, '5.7'))).toEqual(withSshd);
    expect(result(a, '5.7').status).toBe('pass');
    // 5.2 AppArmor: applies only when docker info lists it.
    const infoB = JSON.parse((await weak.docker(['info', '--format', '{{json .SecurityOptions}}'])).stdout) as string[];
    expect(result(b, '5.2').status).toBe(infoB.some((o) => o.includes('apparmor')) ? 'fail' : 'not-applicable');
    // 7.x: not applicable without an active swarm.
    expect(result(b, '7.3').status).toBe('not-applicable');
    expect(result(b, '6.2')).toMatchObject({ status: 'manual', evidence: [{ value: String(containersB.length) }] });
  });

  it('policy: exit 1 when a required check fails, 0 when all pass, 2 on a bad policy or environment', async () => {
    const policy = path.join(work, 'policy.yaml');
    await writeFile(policy, 'hostHardening:\n  defaultEnvironment: prod\n  environments:\n    prod:\n      require: ["2.7", "5.16", "5.32"]\n    dev:\n      require: ["5.5"]\n');
    const weakRun = await audit(['--policy', policy, '--docker-host', weak.host]);
    expect(weakRun.code).toBe(1);
    expect(weakRun.stdout).toMatch(/Policy \(prod\): 3 required check\(s\) not satisfied: 2\.7, 5\.16, 5\.32/);
    const hardenedRun = await audit(['--policy', policy, '--docker-host', hardened.host, '--format', 'json']);
    expect(hardenedRun.code).toBe(0);
    expect((JSON.parse(hardenedRun.stdout) as AuditJson).policy?.violations).toEqual([]);
    const parsed = parseHostPolicy('hostHardening:\n  environments:\n    prod: { require: ["5.5"] }\n    dev: { require: ["5.5"] }\n', 'inline');
    const hardenedResults = (await runHostAudit({ dockerHost: hardened.host })).results;
    expect(() => evaluateHostPolicy(parsed, 'staging', hardenedResults)).toThrow(BadInputError);
    expect(() => evaluateHostPolicy(parsed, undefined, hardenedResults)).toThrow(/choose one with --env/);
    const bad = path.join(work, 'bad-policy.yaml');
    await writeFile(bad, 'hostHardening:\n  environments:\n    prod:\n      require: ["9.99"]\n');
    const badRun = await audit(['--policy', bad, '--docker-host', hardened.host]);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toMatch(/unknown CIS check 9\.99/);
  });

  it('formats: table with sections, summary and score; junit testcase per check; sarif 2.1.0', async () => {
    const report = await runHostAudit({ dockerHost: weak.host });
    const table = renderHostTable(report);
    expect(table).toMatch(/\[5\] Container Runtime/);
    expect(table).toMatch(/FAIL {3}5\.16 {4}Ensure that the host's process namespace is not shared\n {11}container b-hostpid: HostConfig.PidMode = host/);
    expect(table).toMatch(/Score: \d+(\.\d)?% of decided scored checks pass/);
    const json = JSON.parse(renderHostJson(report)) as AuditJson;
    const junit = renderHostJunit(report);
    expect((junit.match(/<testcase /g) ?? []).length).toBe(json.results.length);
    expect((junit.match(/<failure /g) ?? []).length).toBe(json.results.filter((r) => r.status === 'fail').length);
    const sarif = JSON.parse(renderHostSarif(report, 'test')) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toEqual(json.results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => `CIS-Docker-${r.id}`));
  });

  it('bad input: permission denied on the socket and on daemon.json (audit as nobody) → warn with the reason', async () => {
    const nobody = (await runCommand('id', ['-u', 'nobody'], { allowFailure: true })).stdout.trim();
    if (!/^\d+$/.test(nobody)) throw new Error('no user "nobody" on this host');
    await chmod(hardened.configFile, 0o600);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'setpriv',
        [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups', TSX, CLI, 'host', 'audit', '--format', 'json', '--docker-host', hardened.host],
        { env: { ...process.env, HOME: tmpdir() }, cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as AuditJson;
    expect(result(report, '5.5')).toMatchObject({ status: 'warn' });
    expect(result(report, '5.5').reason).toMatch(/EACCES|permission denied/);
    // Settings that only daemon.json holds cannot be read: the check says why.
    expect(result(report, '2.16')).toMatchObject({ status: 'warn' });
    expect(result(report, '2.16').reason).toMatch(/permission denied/);
  });

  it('bad input: a missing socket makes daemon and container checks warn with the reason, and the audit finishes', async () => {
    const report = await auditJson(['--docker-host', `unix://${path.join(work, 'no-such.sock')}`]);
    expect(result(report, '5.5')).toMatchObject({ status: 'warn' });
    expect(result(report, '5.5').reason).toMatch(/cannot reach the Docker Engine.*ENOENT/);
    expect(result(report, '4.1').status).toBe('warn');
    expect(report.results.length).toBeGreaterThan(100);
  });
});

describe('bulkhead host audit --root (offline host filesystem)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'bulkhead-host-root-'));
    await mkdir(path.join(root, 'etc', 'docker', 'certs.d', 'registry.example:5000'), { recursive: true });
    await mkdir(path.join(root, 'lib', 'systemd', 'system'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'group'), 'root:x:0:\ndocker:x:999:alice,bob\n');
    await writeFile(path.join(root, 'etc', 'docker', 'daemon.json'), JSON.stringify({ icc: false, 'live-restore': true, 'log-level': 'warn', 'userland-proxy': false, 'authorization-plugins': ['authz-broker'] }));
    await chmod(path.join(root, 'etc', 'docker', 'daemon.json'), 0o600);
    await writeFile(path.join(root, 'etc', 'docker', 'certs.d', 'registry.example:5000', 'ca.crt'), 'not really a cert\n', { mode: 0o644 });
    await writeFile(path.join(root, 'lib', 'systemd', 'system', 'docker.service'), '[Service]\n', { mode: 0o664 });
    await chmod(path.join(root, 'lib', 'systemd', 'system', 'docker.service'), 0o664);
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('evaluates daemon.json and file modes inside the root; daemon and container checks are not applicable', async () => {
    const report = await auditJson(['--root', root]);
    expect(result(report, '2.2')).toMatchObject({ status: 'pass', evidence: [{ subject: '/etc/docker/daemon.json', field: 'icc', value: 'false' }] });
    expect(result(report, '2.3').status).toBe('fail');
    expect(result(report, '2.12').status).toBe('pass');
    expect(result(report, '2.15').status).toBe('pass');
    const mode = async (rel: string): Promise<number> => Number.parseInt((await runCommand('stat', ['-c', '%a', path.join(root, rel)])).stdout.trim(), 8);
    expect(result(report, '3.2').status).toBe(((await mode('lib/systemd/system/docker.service')) & ~0o644) === 0 ? 'pass' : 'fail');
    expect(result(report, '3.2').status).toBe('fail');
    expect(result(report, '3.8').status).toBe(((await mode('etc/docker/certs.d/registry.example:5000/ca.crt')) & ~0o444) === 0 ? 'pass' : 'fail');
    expect(result(report, '3.18').status).toBe('pass');
    expect(result(report, '1.1.2')).toMatchObject({ status: 'info', evidence: [{ value: 'alice, bob' }] });
    expect(result(report, '5.5').status).toBe('not-applicable');
    expect(result(report, '3.16').status).toBe('not-applicable');
  });

  it('a malformed daemon.json makes the checks it decides warn with the reason', async () => {
    const broken = await mkdtemp(path.join(tmpdir(), 'bulkhead-host-broken-'));
    try {
      await mkdir(path.join(broken, 'etc', 'docker'), { recursive: true });
      await writeFile(path.join(broken, 'etc', 'docker', 'daemon.json'), '{"icc": false, "live-restore": "yes"');
      const report = await auditJson(['--root', broken]);
      expect(result(report, '2.2').status).toBe('warn');
      expect(result(report, '2.2').reason).toMatch(/daemon\.json is malformed/);
      await writeFile(path.join(broken, 'etc', 'docker', 'daemon.json'), '{"icc": false, "live-restore": "yes"}');
      const invalid = await auditJson(['--root', broken]);
      expect(result(invalid, '2.15').reason).toMatch(/daemon\.json is invalid: live-restore/);
      expect(result(invalid, '3.18').status).toBe('pass');
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('a root that is not a directory is bad input', async () => {
    await expect(runHostAudit({ root: path.join(root, 'etc', 'group') })).rejects.toThrow(BadInputError);
    await expect(runHostAudit({ root: path.join(root, 'etc', 'group') })).rejects.toThrow(/not a directory/);
  });
});
