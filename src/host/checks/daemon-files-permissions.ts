/**
 * CIS section 3: ownership and permissions of the daemon's files, sockets
 * and certificates. "N or more restrictive" is read bitwise: no permission
 * bit outside N may be set (docker-bench compares the octal numbers, which
 * would pass e.g. 0o607 against 644; we deliberately do not).
 */
import type { DaemonFileKey } from '../facts/daemon-files.js';
import { octal } from '../facts/file-facts.js';
import type { FileFact } from '../facts/file-facts.js';
import { fileFact } from '../facts/host-facts.js';
import type { HostFacts } from '../facts/host-facts.js';
import type { Known } from '../facts/known.js';
import { combine, verdict } from '../host-check.js';
import type { HostCheck, HostCheckVerdict } from '../host-check.js';
import { lookupDaemonFile } from './daemon-file-lookup.js';
import { readSetting } from './daemon-setting.js';

type Target = (facts: HostFacts) => Known<readonly FileFact[]> | { ok: true; value: readonly FileFact[]; absent: string };

function daemonFile(key: DaemonFileKey, name: string): Target {
  return (facts) => {
    const f = lookupDaemonFile(facts, key);
    if (!f.ok) return f;
    return f.value ? { ok: true, value: [f.value] } : { ok: true, value: [], absent: `${name} not found on this host` };
  };
}

function pathTarget(pick: (facts: HostFacts) => Known<string | undefined>, name: string): Target {
  return (facts) => {
    const p = pick(facts);
    if (!p.ok) return p;
    if (!p.value) return { ok: true, value: [], absent: `no ${name} configured` };
    const f = fileFact(facts, p.value);
    if (!f.ok) return f;
    return f.value ? { ok: true, value: [f.value] } : { ok: true, value: [], absent: `${p.value} not found on this host` };
  };
}

const tlsFile = (flag: 'tlscacert' | 'tlscert' | 'tlskey', name: string): Target =>
  pathTarget((facts) => {
    const r = readSetting(facts, flag);
    return r.ok ? { ok: true, value: r.value.last } : r;
  }, name);

const registryCertificates: Target = (facts) => {
  if (!facts.registryCertificates.ok) return facts.registryCertificates;
  const found: FileFact[] = [];
  for (const p of facts.registryCertificates.value) {
    const f = fileFact(facts, p);
    if (!f.ok) return f;
    if (f.value) found.push(f.value);
  }
  return found.length > 0 ? { ok: true, value: found } : { ok: true, value: [], absent: 'no files under /etc/docker/certs.d' };
};

function groupName(facts: HostFacts, gid: number): string {
  return facts.groups.ok ? (facts.groups.value.find((g) => g.gid === gid)?.name ?? String(gid)) : String(gid);
}

function evaluateTarget(facts: HostFacts, target: Target, each: (file: FileFact) => HostCheckVerdict): HostCheckVerdict {
  const t = target(facts);
  if (!t.ok) return verdict('warn', [], t.reason);
  if (t.value.length === 0) return verdict('not-applicable', [], 'absent' in t ? t.absent : 'not found');
  return combine(t.value.map(each), 'not found');
}

function ownership(id: string, title: string, target: Target, owner: 'root:root' | 'root:docker', fix: string): HostCheck {
  return {
    id,
    title,
    level: 1,
    scored: true,
    audit: `stat: owner must be uid 0 and group ${owner === 'root:root' ? 'gid 0' : 'the docker group'}. Missing file → not-applicable.`,
    remediation: `chown ${owner} ${fix}`,
    evaluate(facts) {
      return evaluateTarget(facts, target, (file) => {
        const group = groupName(facts, file.gid);
        const ok = file.uid === 0 && (owner === 'root:root' ? file.gid === 0 : group === 'docker');
        return verdict(ok ? 'pass' : 'fail', [{ subject: file.path, field: 'owner', value: `${file.uid === 0 ? 'root' : file.uid}:${group}` }]);
      });
    },
  };
}

function permissions(id: string, title: string, target: Target, allowed: number, fix: string): HostCheck {
  return {
    id,
    title,
    level: 1,
    scored: true,
    audit: `stat: no permission bit outside ${octal(allowed)} may be set (setuid/setgid/sticky included). Missing file → not-applicable.`,
    remediation: `chmod ${octal(allowed)} ${fix}`,
    evaluate(facts) {
      return evaluateTarget(facts, target, (file) =>
        verdict((file.mode & ~allowed) === 0 ? 'pass' : 'fail', [{ subject: file.path, field: 'mode', value: octal(file.mode) }]),
      );
    },
  };
}

const service = daemonFile('docker.service', 'docker.service');
const socketUnit = daemonFile('docker.socket', 'docker.socket');
const etcDocker = daemonFile('etc-docker', '/etc/docker');
const etcDefault = daemonFile('etc-default-docker', '/etc/default/docker');
const etcSysconfig = daemonFile('etc-sysconfig-docker', '/etc/sysconfig/docker');
const dockerSock = pathTarget((f) => ({ ok: true, value: f.dockerSocket }), 'Docker socket');
const containerdSock = pathTarget((f) => ({ ok: true, value: f.containerdSocket }), 'containerd socket');
const daemonJson = pathTarget((f) => (f.daemonConfig.ok || f.mode === 'offline' ? { ok: true, value: f.daemonConfig.ok ? f.daemonConfig.value.path : '/etc/docker/daemon.json' } : { ok: true, value: '/etc/docker/daemon.json' }), 'daemon.json');

export const daemonFilesChecks: readonly HostCheck[] = [
  ownership('3.1', 'Ensure that the docker.service file ownership is set to root:root', service, 'root:root', '<path to docker.service>'),
  permissions('3.2', 'Ensure that docker.service file permissions are appropriately set', service, 0o644, '<path to docker.service>'),
  ownership('3.3', 'Ensure that docker.socket file ownership is set to root:root', socketUnit, 'root:root', '<path to docker.socket>'),
  permissions('3.4', 'Ensure that docker.socket file permissions are set to 644 or more restrictive', socketUnit, 0o644, '<path to docker.socket>'),
  ownership('3.5', 'Ensure that the /etc/docker directory ownership is set to root:root', etcDocker, 'root:root', '/etc/docker'),
  permissions('3.6', 'Ensure that /etc/docker directory permissions are set to 755 or more restrictively', etcDocker, 0o755, '/etc/docker'),
  ownership('3.7', 'Ensure that registry certificate file ownership is set to root:root', registryCertificates, 'root:root', '/etc/docker/certs.d/<registry-name>/*'),
  permissions('3.8', 'Ensure that registry certificate file permissions are set to 444 or more restrictively', registryCertificates, 0o444, '/etc/docker/certs.d/<registry-name>/*'),
  ownership('3.9', 'Ensure that TLS CA certificate file ownership is set to root:root', tlsFile('tlscacert', 'TLS CA certificate'), 'root:root', '<path to TLS CA certificate file>'),
  permissions('3.10', 'Ensure that TLS CA certificate file permissions are set to 444 or more restrictively', tlsFile('tlscacert', 'TLS CA certificate'), 0o444, '<path to TLS CA certificate file>'),
  ownership('3.11', 'Ensure that Docker server certificate file ownership is set to root:root', tlsFile('tlscert', 'TLS server certificate'), 'root:root', '<path to Docker server certificate file>'),
  permissions('3.12', 'Ensure that the Docker server certificate file permissions are set to 444 or more restrictively', tlsFile('tlscert', 'TLS server certificate'), 0o444, '<path to Docker server certificate file>'),
  ownership('3.13', 'Ensure that the Docker server certificate key file ownership is set to root:root', tlsFile('tlskey', 'TLS server key'), 'root:root', '<path to Docker server certificate key file>'),
  permissions('3.14', 'Ensure that the Docker server certificate key file permissions are set to 400', tlsFile('tlskey', 'TLS server key'), 0o400, '<path to Docker server certificate key file>'),
  ownership('3.15', 'Ensure that the Docker socket file ownership is set to root:docker', dockerSock, 'root:docker', '/var/run/docker.sock'),
  permissions('3.16', 'Ensure that the Docker socket file permissions are set to 660 or more restrictively', dockerSock, 0o660, '/var/run/docker.sock'),
  ownership('3.17', 'Ensure that the daemon.json file ownership is set to root:root', daemonJson, 'root:root', '/etc/docker/daemon.json'),
  permissions('3.18', 'Ensure that daemon.json file permissions are set to 644 or more restrictive', daemonJson, 0o644, '/etc/docker/daemon.json'),
  ownership('3.19', 'Ensure that the /etc/default/docker file ownership is set to root:root', etcDefault, 'root:root', '/etc/default/docker'),
  permissions('3.20', 'Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively', etcSysconfig, 0o644, '/etc/sysconfig/docker'),
  ownership('3.21', 'Ensure that the /etc/sysconfig/docker file ownership is set to root:root', etcSysconfig, 'root:root', '/etc/sysconfig/docker'),
  permissions('3.22', 'Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively', etcDefault, 0o644, '/etc/default/docker'),
  ownership('3.23', 'Ensure that the Containerd socket file ownership is set to root:root', containerdSock, 'root:root', '/run/containerd/containerd.sock'),
  permissions('3.24', 'Ensure that the Containerd socket file permissions are set to 660 or more restrictively', containerdSock, 0o660, '/run/containerd/containerd.sock'),
];
