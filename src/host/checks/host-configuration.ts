/**
 * CIS section 1: host configuration — the Docker root on its own partition,
 * who may control the daemon, and audit rules for Docker's files.
 */
import { ruleWatches } from '../facts/audit-rules.js';
import type { DaemonFileKey } from '../facts/daemon-files.js';
import { fileFact } from '../facts/host-facts.js';
import { verdict } from '../host-check.js';
import type { HostCheck } from '../host-check.js';
import { lookupDaemonFile } from './daemon-file-lookup.js';

function auditRuleCheck(id: string, what: string, key: DaemonFileKey, level: 1 | 2): HostCheck {
  return {
    id,
    title: `Ensure auditing is configured for ${what}`,
    level,
    scored: true,
    audit: `The file's path must appear in \`auditctl -l\` as \`-w PATH\` or \`-F path=PATH\`. No auditctl → warn; file absent → not-applicable.`,
    remediation: `Add a rule such as \`-w ${what} -k docker\` to /etc/audit/rules.d/docker.rules and reload auditd (augenrules --load).`,
    evaluate(facts) {
      const file = lookupDaemonFile(facts, key);
      if (!file.ok) return verdict('warn', [], file.reason);
      if (!file.value) return verdict('not-applicable', [], `${what} not found on this host`);
      if (!facts.auditRules.ok) return verdict('warn', [{ subject: file.value.path, field: 'audit rule', value: 'unknown' }], facts.auditRules.reason);
      const watched = ruleWatches(facts.auditRules.value, file.value.path);
      return verdict(watched ? 'pass' : 'fail', [{ subject: file.value.path, field: 'audit rule', value: watched ? 'present' : 'missing' }]);
    },
  };
}

export const hostConfigurationChecks: readonly HostCheck[] = [
  {
    id: '1.1.1',
    title: 'Ensure a separate partition for containers has been created',
    level: 2,
    scored: true,
    audit: 'The Docker root directory (DockerRootDir from /info, else --data-root, else /var/lib/docker) must be a mount point in /proc/self/mountinfo, as `mountpoint -q` checks.',
    remediation: 'Create a separate partition (or logical volume) for the Docker root directory and mount it there at boot (/etc/fstab).',
    evaluate(facts) {
      if (!facts.mounts.ok) return verdict('warn', [], facts.mounts.reason);
      const mount = facts.mounts.value.find((m) => m.mountPoint === facts.dockerRoot);
      const evidence = [{ subject: facts.dockerRoot, field: 'mount point', value: mount ? `${mount.fsType} ${mount.source}` : 'no (on its parent\'s filesystem)' }];
      return verdict(mount ? 'pass' : 'fail', evidence);
    },
  },
  {
    id: '1.1.2',
    title: 'Ensure only trusted users are allowed to control Docker daemon',
    level: 1,
    scored: true,
    audit: 'Lists the members of the docker group from /etc/group (and the socket\'s group); whether each is trusted is a judgement, so the result is info.',
    remediation: 'Remove untrusted users from the docker group: gpasswd -d USER docker.',
    evaluate(facts) {
      if (!facts.groups.ok) return verdict('warn', [], facts.groups.reason);
      const socket = fileFact(facts, facts.dockerSocket);
      const socketGid = socket.ok && socket.value ? socket.value.gid : undefined;
      const groups = facts.groups.value.filter((g) => g.name === 'docker' || (socketGid !== undefined && socketGid !== 0 && g.gid === socketGid));
      if (groups.length === 0) return verdict('pass', [{ subject: '/etc/group', field: 'docker group', value: 'absent' }]);
      return verdict(
        'info',
        groups.map((g) => ({ subject: '/etc/group', field: `group ${g.name} members`, value: g.members.join(', ') || '(none)' })),
        'confirm that every member is trusted: membership grants root on the host',
      );
    },
  },
  auditRuleCheck('1.1.3', 'the Docker daemon (dockerd)', 'dockerd', 2),
  auditRuleCheck('1.1.4', '/run/containerd', 'run-containerd', 1),
  auditRuleCheck('1.1.5', '/var/lib/docker', 'var-lib-docker', 2),
  auditRuleCheck('1.1.6', '/etc/docker', 'etc-docker', 2),
  auditRuleCheck('1.1.7', 'the docker.service unit', 'docker.service', 2),
  {
    id: '1.1.8',
    title: 'Ensure auditing is configured for containerd.sock',
    level: 2,
    scored: true,
    audit: 'The containerd socket (--containerd, else /run/containerd/containerd.sock) must be watched in `auditctl -l`.',
    remediation: 'Add `-w /run/containerd/containerd.sock -k docker` to the audit rules and reload auditd.',
    evaluate(facts) {
      const sock = fileFact(facts, facts.containerdSocket);
      if (!sock.ok) return verdict('warn', [], sock.reason);
      if (!sock.value) return verdict('not-applicable', [], `${facts.containerdSocket} not found on this host`);
      if (!facts.auditRules.ok) return verdict('warn', [], facts.auditRules.reason);
      const watched = ruleWatches(facts.auditRules.value, facts.containerdSocket);
      return verdict(watched ? 'pass' : 'fail', [{ subject: facts.containerdSocket, field: 'audit rule', value: watched ? 'present' : 'missing' }]);
    },
  },
  auditRuleCheck('1.1.9', 'the docker.socket unit', 'docker.socket', 2),
  auditRuleCheck('1.1.10', '/etc/default/docker', 'etc-default-docker', 2),
  {
    id: '1.1.11',
    title: 'Ensure auditing is configured for the /etc/docker/daemon.json file',
    level: 2,
    scored: true,
    audit: 'daemon.json (the --config-file in force) must be watched in `auditctl -l`.',
    remediation: 'Add `-w /etc/docker/daemon.json -k docker` to the audit rules and reload auditd.',
    evaluate(facts) {
      const path = facts.daemonConfig.ok ? facts.daemonConfig.value.path : '/etc/docker/daemon.json';
      const file = fileFact(facts, path);
      if (!file.ok) return verdict('warn', [], file.reason);
      if (!file.value) return verdict('not-applicable', [], `${path} not found on this host`);
      if (!facts.auditRules.ok) return verdict('warn', [], facts.auditRules.reason);
      const watched = ruleWatches(facts.auditRules.value, path);
      return verdict(watched ? 'pass' : 'fail', [{ subject: path, field: 'audit rule', value: watched ? 'present' : 'missing' }]);
    },
  },
  auditRuleCheck('1.1.12', '/etc/containerd/config.toml', 'containerd-config', 2),
  auditRuleCheck('1.1.13', '/etc/sysconfig/docker', 'etc-sysconfig-docker', 2),
  auditRuleCheck('1.1.14', '/usr/bin/containerd', 'containerd', 2),
  auditRuleCheck('1.1.15', '/usr/bin/containerd-shim', 'containerd-shim', 2),
  auditRuleCheck('1.1.16', '/usr/bin/containerd-shim-runc-v1', 'containerd-shim-runc-v1', 2),
  auditRuleCheck('1.1.17', '/usr/bin/containerd-shim-runc-v2', 'containerd-shim-runc-v2', 2),
  auditRuleCheck('1.1.18', '/usr/bin/runc', 'runc', 2),
  {
    id: '1.2.1',
    title: 'Ensure the container host has been Hardened',
    level: 1,
    scored: false,
    audit: 'Manual: compare the host against its OS benchmark (e.g. CIS Debian/RHEL) or a hardened image.',
    remediation: 'Follow your operating system\'s hardening guide; consider a container-optimised OS.',
    evaluate: () => verdict('manual', [], 'review the host against its operating system benchmark'),
  },
  {
    id: '1.2.2',
    title: 'Ensure that the version of Docker is up to date',
    level: 1,
    scored: false,
    audit: 'Manual: the server version from /version is shown for comparison with the current release.',
    remediation: 'Upgrade Docker to a supported release with current security fixes.',
    evaluate(facts) {
      if (!facts.engine.ok) return verdict('manual', [], `compare the installed Docker with the current release (${facts.engine.reason})`);
      const v = facts.engine.value.info.ServerVersion ?? (facts.engine.value.version.ok ? facts.engine.value.version.value.Version : undefined);
      return verdict('manual', [{ subject: 'daemon', field: 'ServerVersion', value: v ?? 'unknown' }], 'compare with the current Docker release');
    },
  },
];
