/**
 * CIS section 5: container runtime, evaluated for every running container
 * from its /containers/{id}/json document (and, for sshd, the processes in
 * its cgroup). A check fails when any container fails it; the evidence names
 * each failing container and the inspect field that decided.
 */
import { verdict } from '../host-check.js';
import type { HostCheck } from '../host-check.js';
import type { HostFacts } from '../facts/host-facts.js';
import { containerCheck, subjectOf } from './container-check.js';

const SENSITIVE_DIRS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr']);

function hostHasSecurityOption(facts: HostFacts, name: string): boolean {
  return facts.engine.ok && (facts.engine.value.info.SecurityOptions ?? []).some((o) => o.includes(`name=${name}`));
}

function portBindings(inspect: Parameters<Parameters<typeof containerCheck>[0]['decide']>[0]): { port: string; hostIp: string; hostPort: number }[] {
  const ports = inspect.NetworkSettings?.Ports ?? inspect.HostConfig?.PortBindings ?? {};
  const out: { port: string; hostIp: string; hostPort: number }[] = [];
  for (const [port, bindings] of Object.entries(ports)) {
    for (const b of bindings ?? []) out.push({ port, hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort ?? 0) });
  }
  return out;
}

const normalize = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

const manual = (id: string, title: string, level: 1 | 2, what: string): HostCheck => ({
  id,
  title,
  level,
  scored: false,
  audit: `Manual: ${what}`,
  remediation: what,
  evaluate: () => verdict('manual', [], what),
});

export const containerRuntimeChecks: readonly HostCheck[] = [
  {
    id: '5.1',
    title: 'Ensure swarm mode is not Enabled, if not needed',
    level: 1,
    scored: true,
    audit: '/info Swarm.LocalNodeState must not be "active"; an active swarm fails (confirm it is needed, then accept the finding by policy).',
    remediation: 'docker swarm leave on hosts that do not need Swarm.',
    evaluate(facts) {
      if (facts.mode === 'offline') return verdict('not-applicable', [], 'offline audit (--root): swarm state is read through the daemon');
      if (!facts.engine.ok) return verdict('warn', [], facts.engine.reason);
      const state = facts.engine.value.info.Swarm?.LocalNodeState ?? 'inactive';
      return verdict(state === 'active' ? 'fail' : 'pass', [{ subject: 'daemon (/info)', field: 'Swarm.LocalNodeState', value: state || 'inactive' }]);
    },
  },
  containerCheck({
    id: '5.2',
    title: 'Ensure that, if applicable, an AppArmor Profile is enabled',
    level: 1,
    scored: true,
    audit: 'AppArmorProfile must be set and not "unconfined". Not applicable when the daemon does not report apparmor in /info SecurityOptions.',
    remediation: 'Run containers with the default (docker-default) or a custom AppArmor profile: --security-opt apparmor=PROFILE.',
    precondition: (facts) => (hostHasSecurityOption(facts, 'apparmor') ? undefined : verdict('not-applicable', [], 'AppArmor is not enabled on this host')),
    decide(c, name) {
      const profile = c.AppArmorProfile ?? '';
      return verdict(profile === '' || profile === 'unconfined' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'AppArmorProfile', value: profile || '(none)' }]);
    },
  }),
  containerCheck({
    id: '5.3',
    title: 'Ensure that, if applicable, SELinux security options are set',
    level: 2,
    scored: true,
    audit: 'HostConfig.SecurityOpt must contain a label= option. Not applicable when the daemon does not report selinux in /info SecurityOptions.',
    remediation: 'Start the daemon with --selinux-enabled and run containers with --security-opt label=…',
    precondition: (facts) => (hostHasSecurityOption(facts, 'selinux') ? undefined : verdict('not-applicable', [], 'SELinux is not enabled in the daemon')),
    decide(c, name) {
      const opts = c.HostConfig?.SecurityOpt ?? [];
      const labels = opts.filter((o) => /^label[=:]/.test(o));
      return verdict(labels.length > 0 && !labels.some((l) => /disable/.test(l)) ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.SecurityOpt', value: opts.join(', ') || '(none)' }]);
    },
  }),
  containerCheck({
    id: '5.4',
    title: 'Ensure that Linux kernel capabilities are restricted within containers',
    level: 1,
    scored: true,
    audit: 'HostConfig.CapAdd must be empty (CapDrop is shown; dropping ALL and adding back only what is needed is the benchmark\'s advice).',
    remediation: 'Remove --cap-add; run with --cap-drop ALL and add back only required capabilities.',
    decide(c, name) {
      const add = (c.HostConfig?.CapAdd ?? []).filter(Boolean);
      const drop = (c.HostConfig?.CapDrop ?? []).filter(Boolean);
      return verdict(add.length > 0 ? 'fail' : 'pass', [
        { subject: subjectOf(name), field: 'HostConfig.CapAdd', value: add.join(', ') || '(none)' },
        { subject: subjectOf(name), field: 'HostConfig.CapDrop', value: drop.join(', ') || '(none)' },
      ]);
    },
  }),
  containerCheck({
    id: '5.5',
    title: 'Ensure that privileged containers are not used',
    level: 1,
    scored: true,
    audit: 'HostConfig.Privileged must be false.',
    remediation: 'Do not run containers with --privileged; grant only the capabilities and devices needed.',
    decide: (c, name) => verdict(c.HostConfig?.Privileged ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.Privileged', value: String(Boolean(c.HostConfig?.Privileged)) }]),
  }),
  containerCheck({
    id: '5.6',
    title: 'Ensure sensitive host system directories are not mounted on containers',
    level: 1,
    scored: true,
    audit: 'No read-write mount (Mounts[].RW) may have as Source one of /, /boot, /dev, /etc, /lib, /proc, /sys, /usr.',
    remediation: 'Do not bind-mount sensitive host directories; if unavoidable, mount them read-only.',
    decide(c, name) {
      const bad = (c.Mounts ?? []).filter((m) => m.RW && SENSITIVE_DIRS.has(normalize(m.Source ?? '')));
      return verdict(bad.length > 0 ? 'fail' : 'pass', [
        { subject: subjectOf(name), field: 'Mounts', value: bad.length > 0 ? bad.map((m) => `${m.Source}:${m.Destination}:rw`).join(', ') : 'no sensitive read-write mounts' },
      ]);
    },
  }),
  containerCheck({
    id: '5.7',
    title: 'Ensure sshd is not run within containers',
    level: 1,
    scored: true,
    audit: 'No process in the container\'s cgroup (found by scanning /proc/<pid>/cgroup for the container id) may be named sshd (comm or argv[0]), as `docker exec ps -el | grep sshd` would show.',
    remediation: 'Remove sshd from the image; use docker exec for access.',
    decide(c, name, facts, container) {
      if (!facts.containerProcesses.ok) return verdict('warn', [], facts.containerProcesses.reason);
      const procs = facts.containerProcesses.value.get(container.id) ?? facts.containerProcesses.value.get(c.Id) ?? [];
      if (procs.length === 0 && (c.State?.Pid ?? 0) > 0) {
        return verdict('warn', [{ subject: subjectOf(name), field: 'processes', value: 'none found' }], `container ${name}: no processes found in its cgroup (different PID namespace or cgroup layout?)`);
      }
      const sshd = procs.filter((p) => p.comm === 'sshd' || /(^|\/)sshd$/.test(p.argv0));
      return verdict(sshd.length > 0 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'processes named sshd', value: sshd.length > 0 ? sshd.map((p) => `pid ${p.pid}`).join(', ') : 'none' }]);
    },
  }),
  containerCheck({
    id: '5.8',
    title: 'Ensure privileged ports are not mapped within containers',
    level: 1,
    scored: true,
    audit: 'No NetworkSettings.Ports binding may use a HostPort below 1024.',
    remediation: 'Map container ports to host ports 1024 and above.',
    decide(c, name) {
      const low = portBindings(c).filter((b) => b.hostPort > 0 && b.hostPort < 1024);
      return verdict(low.length > 0 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'NetworkSettings.Ports', value: low.length > 0 ? low.map((b) => `${b.hostIp || '*'}:${b.hostPort}->${b.port}`).join(', ') : 'no privileged host ports' }]);
    },
  }),
  manual('5.9', 'Ensure that only needed ports are open on the container', 1, 'review each container\'s published ports (docker port CONTAINER) against what the service needs.'),
  containerCheck({
    id: '5.10',
    title: "Ensure that the host's network namespace is not shared",
    level: 1,
    scored: true,
    audit: 'HostConfig.NetworkMode must not be "host".',
    remediation: 'Do not run containers with --network host.',
    decide: (c, name) => verdict(c.HostConfig?.NetworkMode === 'host' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.NetworkMode', value: c.HostConfig?.NetworkMode ?? '(unset)' }]),
  }),
  containerCheck({
    id: '5.11',
    title: "Ensure that the memory usage for containers is limited",
    level: 1,
    scored: true,
    audit: 'HostConfig.Memory must be greater than 0.',
    remediation: 'Run containers with --memory (e.g. --memory 512m).',
    decide: (c, name) => verdict((c.HostConfig?.Memory ?? 0) > 0 ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.Memory', value: String(c.HostConfig?.Memory ?? 0) }]),
  }),
  containerCheck({
    id: '5.12',
    title: 'Ensure that CPU priority is set appropriately on containers',
    level: 1,
    scored: true,
    audit: 'HostConfig.CpuShares must be set to something other than 0 or 1024 (the default).',
    remediation: 'Run containers with --cpu-shares reflecting their priority.',
    decide(c, name) {
      const shares = c.HostConfig?.CpuShares ?? 0;
      return verdict(shares === 0 || shares === 1024 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.CpuShares', value: String(shares) }]);
    },
  }),
  containerCheck({
    id: '5.13',
    title: "Ensure that the container's root filesystem is mounted as read only",
    level: 1,
    scored: true,
    audit: 'HostConfig.ReadonlyRootfs must be true.',
    remediation: 'Run containers with --read-only and writable volumes or tmpfs only where needed.',
    decide: (c, name) => verdict(c.HostConfig?.ReadonlyRootfs ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.ReadonlyRootfs', value: String(Boolean(c.HostConfig?.ReadonlyRootfs)) }]),
  }),
  containerCheck({
    id: '5.14',
    title: 'Ensure that incoming container traffic is bound to a specific host interface',
    level: 1,
    scored: true,
    audit: 'No NetworkSettings.Ports binding may have HostIp 0.0.0.0, :: or empty.',
    remediation: 'Publish ports on a specific address: -p 127.0.0.1:8080:80.',
    decide(c, name) {
      const any = portBindings(c).filter((b) => b.hostIp === '' || b.hostIp === '0.0.0.0' || b.hostIp === '::');
      return verdict(any.length > 0 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'NetworkSettings.Ports', value: any.length > 0 ? any.map((b) => `${b.hostIp || '*'}:${b.hostPort}->${b.port}`).join(', ') : 'no wildcard bindings' }]);
    },
  }),
  containerCheck({
    id: '5.15',
    title: "Ensure that the 'on-failure' container restart policy is set to '5'",
    level: 1,
    scored: true,
    audit: 'HostConfig.RestartPolicy: "always" and "unless-stopped" fail; "on-failure" passes with MaximumRetryCount 1–5 and fails with 0 (unlimited) or more; "no" passes.',
    remediation: 'Use --restart on-failure:5 (or no restart policy).',
    decide(c, name) {
      const policy = c.HostConfig?.RestartPolicy?.Name ?? '';
      const count = c.HostConfig?.RestartPolicy?.MaximumRetryCount ?? 0;
      const ok = policy === '' || policy === 'no' || (policy === 'on-failure' && count > 0 && count <= 5);
      return verdict(ok ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.RestartPolicy', value: `${policy || 'no'}${policy === 'on-failure' ? `:${count}` : ''}` }]);
    },
  }),
  containerCheck({
    id: '5.16',
    title: "Ensure that the host's process namespace is not shared",
    level: 1,
    scored: true,
    audit: 'HostConfig.PidMode must not be "host".',
    remediation: 'Do not run containers with --pid host.',
    decide: (c, name) => verdict(c.HostConfig?.PidMode === 'host' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.PidMode', value: c.HostConfig?.PidMode || '(private)' }]),
  }),
  containerCheck({
    id: '5.17',
    title: "Ensure that the host's IPC namespace is not shared",
    level: 1,
    scored: true,
    audit: 'HostConfig.IpcMode must not be "host".',
    remediation: 'Do not run containers with --ipc host.',
    decide: (c, name) => verdict(c.HostConfig?.IpcMode === 'host' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.IpcMode', value: c.HostConfig?.IpcMode || '(private)' }]),
  }),
  containerCheck({
    id: '5.18',
    title: 'Ensure that host devices are not directly exposed to containers',
    level: 2,
    scored: false,
    audit: 'HostConfig.Devices must be empty; each device shown is to be confirmed (info), as the benchmark leaves the judgement to the reviewer.',
    remediation: 'Do not pass host devices (--device) unless required, and then with the least cgroup permissions (e.g. :r).',
    decide(c, name) {
      const devices = c.HostConfig?.Devices ?? [];
      return verdict(devices.length > 0 ? 'info' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.Devices', value: devices.map((d) => `${d.PathOnHost}:${d.PathInContainer}:${d.CgroupPermissions}`).join(', ') || '(none)' }], devices.length > 0 ? 'confirm each device is required' : undefined);
    },
  }),
  containerCheck({
    id: '5.19',
    title: 'Ensure that the default ulimit is overwritten at runtime if needed',
    level: 1,
    scored: false,
    audit: 'Manual: HostConfig.Ulimits is shown for each container.',
    remediation: 'Override --ulimit per container only where the daemon default does not fit.',
    decide(c, name) {
      const limits = c.HostConfig?.Ulimits ?? [];
      return verdict('manual', [{ subject: subjectOf(name), field: 'HostConfig.Ulimits', value: limits.map((u) => `${u.Name}=${u.Soft}:${u.Hard}`).join(', ') || '(daemon default)' }], 'confirm per-container ulimit overrides are intended');
    },
  }),
  containerCheck({
    id: '5.20',
    title: 'Ensure mount propagation mode is not set to shared',
    level: 1,
    scored: true,
    audit: 'No Mounts[].Propagation may be "shared" or "rshared".',
    remediation: 'Do not mount volumes with shared propagation (:shared / bind-propagation=shared).',
    decide(c, name) {
      const shared = (c.Mounts ?? []).filter((m) => m.Propagation === 'shared' || m.Propagation === 'rshared');
      return verdict(shared.length > 0 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'Mounts[].Propagation', value: shared.map((m) => `${m.Destination}:${m.Propagation}`).join(', ') || 'no shared mounts' }]);
    },
  }),
  containerCheck({
    id: '5.21',
    title: "Ensure that the host's UTS namespace is not shared",
    level: 1,
    scored: true,
    audit: 'HostConfig.UTSMode must not be "host".',
    remediation: 'Do not run containers with --uts host.',
    decide: (c, name) => verdict(c.HostConfig?.UTSMode === 'host' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.UTSMode', value: c.HostConfig?.UTSMode || '(private)' }]),
  }),
  containerCheck({
    id: '5.22',
    title: 'Ensure the default seccomp profile is not Disabled',
    level: 1,
    scored: true,
    audit: 'HostConfig.SecurityOpt must not contain seccomp=unconfined (or seccomp:unconfined).',
    remediation: 'Remove --security-opt seccomp=unconfined.',
    decide(c, name) {
      const opts = c.HostConfig?.SecurityOpt ?? [];
      const off = opts.some((o) => /^seccomp[=:]unconfined$/.test(o));
      return verdict(off ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.SecurityOpt', value: opts.join(', ') || '(none)' }]);
    },
  }),
  manual('5.23', 'Ensure that docker exec commands are not used with the privileged option', 2, 'review the daemon\'s audit log for exec_create events with Privileged=true.'),
  manual('5.24', "Ensure that docker exec commands are not used with the user=root option", 2, 'review the daemon\'s audit log for exec_create events with User=root.'),
  containerCheck({
    id: '5.25',
    title: 'Ensure that cgroup usage is confirmed',
    level: 1,
    scored: true,
    audit: 'HostConfig.CgroupParent empty → pass; set → info (confirm the parent is intended).',
    remediation: 'Do not set --cgroup-parent unless it is intended.',
    decide(c, name) {
      const parent = c.HostConfig?.CgroupParent ?? '';
      return verdict(parent ? 'info' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.CgroupParent', value: parent || '(default)' }], parent ? 'confirm the cgroup parent is intended' : undefined);
    },
  }),
  containerCheck({
    id: '5.26',
    title: 'Ensure that the container is restricted from acquiring additional privileges',
    level: 1,
    scored: true,
    audit: 'HostConfig.SecurityOpt must contain no-new-privileges (or :true / =true). We also pass a container when the daemon sets no-new-privileges for all containers (2.14), since then it applies although inspect does not show it.',
    remediation: 'Run containers with --security-opt no-new-privileges (or set it daemon-wide).',
    decide(c, name, facts) {
      const opts = c.HostConfig?.SecurityOpt ?? [];
      const own = opts.some((o) => /^no-new-privileges([=:]true)?$/.test(o));
      const daemonWide = facts.settings.get('no-new-privileges');
      const wide = daemonWide.ok && daemonWide.value.values.at(-1) === 'true';
      return verdict(own || wide ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.SecurityOpt', value: `${opts.join(', ') || '(none)'}${wide ? ' (daemon-wide no-new-privileges)' : ''}` }]);
    },
  }),
  containerCheck({
    id: '5.27',
    title: 'Ensure that container health is checked at runtime',
    level: 1,
    scored: true,
    audit: 'State.Health.Status must be present (the container has a health check) and not "unhealthy".',
    remediation: 'Give the image a HEALTHCHECK or run with --health-cmd; fix unhealthy containers.',
    decide(c, name) {
      const status = c.State?.Health?.Status;
      return verdict(status && status !== 'unhealthy' ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'State.Health.Status', value: status ?? '(no health check)' }]);
    },
  }),
  manual('5.28', 'Ensure that Docker commands always make use of the latest version of their image', 1, 'pull images before running them (docker pull) or pin by digest and update deliberately.'),
  containerCheck({
    id: '5.29',
    title: 'Ensure that the PIDs cgroup limit is used',
    level: 1,
    scored: true,
    audit: 'HostConfig.PidsLimit must be greater than 0 (0, -1 and unset mean unlimited).',
    remediation: 'Run containers with --pids-limit (e.g. 100).',
    decide(c, name) {
      const limit = c.HostConfig?.PidsLimit ?? 0;
      return verdict(limit > 0 ? 'pass' : 'fail', [{ subject: subjectOf(name), field: 'HostConfig.PidsLimit', value: String(limit) }]);
    },
  }),
  containerCheck({
    id: '5.30',
    title: "Ensure that Docker's default bridge \"docker0\" is not used",
    level: 2,
    scored: false,
    audit: 'NetworkSettings.Networks must not include "bridge" (the default bridge network).',
    remediation: 'Attach containers to user-defined networks instead of the default bridge.',
    decide(c, name) {
      const networks = Object.keys(c.NetworkSettings?.Networks ?? {});
      return verdict(networks.includes('bridge') ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'NetworkSettings.Networks', value: networks.join(', ') || '(none)' }]);
    },
  }),
  containerCheck({
    id: '5.31',
    title: "Ensure that the host's user namespaces are not shared",
    level: 1,
    scored: true,
    audit: 'HostConfig.UsernsMode must not be "host".',
    remediation: 'Do not run containers with --userns host.',
    decide: (c, name) => verdict(c.HostConfig?.UsernsMode === 'host' ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'HostConfig.UsernsMode', value: c.HostConfig?.UsernsMode || '(default)' }]),
  }),
  containerCheck({
    id: '5.32',
    title: 'Ensure that the Docker socket is not mounted inside any containers',
    level: 1,
    scored: true,
    audit: 'No Mounts[].Source may be a docker.sock (the audited socket or any path ending in docker.sock).',
    remediation: 'Do not mount the Docker socket into containers; use an authorization plugin or a restricted API proxy.',
    decide(c, name, facts) {
      const mounted = (c.Mounts ?? []).filter((m) => (m.Source ?? '').endsWith('docker.sock') || m.Source === facts.dockerSocket);
      return verdict(mounted.length > 0 ? 'fail' : 'pass', [{ subject: subjectOf(name), field: 'Mounts', value: mounted.map((m) => `${m.Source}:${m.Destination}`).join(', ') || 'no Docker socket' }]);
    },
  }),
];
