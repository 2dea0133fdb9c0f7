/**
 * CIS section 2: the daemon's configuration. Values the Engine reports
 * (/info: storage driver, logging driver, live restore, user namespaces,
 * insecure registries, experimental) are read from it; the others come from
 * the dockerd command line and daemon.json, as the benchmark's audit does.
 */
import type { DaemonConfig } from '../facts/daemon-config.js';
import type { HostFacts } from '../facts/host-facts.js';
import { verdict } from '../host-check.js';
import type { HostCheck, HostCheckStatus, HostCheckVerdict } from '../host-check.js';
import { engineEvidence, readSetting } from './daemon-setting.js';
import type { SettingReading } from './daemon-setting.js';

/** A check decided by one daemon setting. */
function settingCheck(
  base: Omit<HostCheck, 'evaluate'>,
  flag: string,
  configKey: keyof DaemonConfig | undefined,
  decide: (reading: SettingReading) => HostCheckStatus,
  shownDefault?: string,
): HostCheck {
  return {
    ...base,
    evaluate(facts) {
      const reading = readSetting(facts, flag, configKey, shownDefault);
      if (!reading.ok) return verdict('warn', [], reading.reason);
      return verdict(decide(reading.value), [reading.value.evidence]);
    },
  };
}

/** Prefers what the running daemon reports; falls back to its configuration when the Engine cannot be asked. */
function engineOrSetting(facts: HostFacts, fromEngine: (info: NonNullable<HostFacts['engine'] & { ok: true }>['value']) => HostCheckVerdict | undefined, fallback: () => HostCheckVerdict): HostCheckVerdict {
  if (facts.engine.ok) {
    const decided = fromEngine(facts.engine.value);
    if (decided) return decided;
  }
  const v = fallback();
  if (facts.mode === 'live' && !facts.engine.ok && v.status !== 'warn') {
    return { ...v, reason: [v.reason, `from the configuration: the Engine could not be asked (${facts.engine.reason})`].filter(Boolean).join('; ') };
  }
  return v;
}

const isFalse = (r: SettingReading): boolean => r.last === 'false';
const isTrue = (r: SettingReading): boolean => r.last === 'true';

export const daemonConfigurationChecks: readonly HostCheck[] = [
  {
    id: '2.1',
    title: 'Run the Docker daemon as a non-root user, if possible',
    level: 1,
    scored: false,
    audit: 'Manual. Shows whether the daemon reports rootless mode (/info SecurityOptions name=rootless or --rootless).',
    remediation: 'Consider rootless mode (dockerd-rootless-setuptool.sh install) where its limitations are acceptable.',
    evaluate(facts) {
      const rootless = facts.engine.ok ? (facts.engine.value.info.SecurityOptions ?? []).some((o) => o.includes('name=rootless')) : undefined;
      return verdict('manual', rootless === undefined ? [] : [engineEvidence('rootless', rootless)], 'decide whether rootless mode fits this host');
    },
  },
  settingCheck(
    {
      id: '2.2',
      title: 'Ensure network traffic is restricted between containers on the default bridge',
      level: 1,
      scored: true,
      audit: '`icc` must be false on the dockerd command line (--icc=false) or in daemon.json ("icc": false).',
      remediation: 'Set "icc": false in daemon.json (or --icc=false) and connect containers that must talk through user-defined networks.',
    },
    'icc',
    undefined,
    (r) => (isFalse(r) ? 'pass' : 'fail'),
    'true (default)',
  ),
  settingCheck(
    {
      id: '2.3',
      title: "Ensure the logging level is set to 'info'",
      level: 1,
      scored: true,
      audit: '`log-level` (command line -l/--log-level or daemon.json) must be unset (default info) or "info".',
      remediation: 'Set "log-level": "info" in daemon.json or remove the log-level override.',
    },
    'log-level',
    undefined,
    (r) => (r.last === undefined || r.last === 'info' ? 'pass' : 'fail'),
    'info (default)',
  ),
  settingCheck(
    {
      id: '2.4',
      title: 'Ensure Docker is allowed to make changes to iptables',
      level: 1,
      scored: true,
      audit: '`iptables` must not be false (command line --iptables=false or daemon.json "iptables": false).',
      remediation: 'Remove --iptables=false / "iptables": false so that Docker manages its firewall rules.',
    },
    'iptables',
    undefined,
    (r) => (isFalse(r) ? 'fail' : 'pass'),
    'true (default)',
  ),
  {
    id: '2.5',
    title: 'Ensure insecure registries are not used',
    level: 1,
    scored: true,
    audit: 'Live: /info RegistryConfig — any index with Secure=false, or any InsecureRegistryCIDRs entry other than the built-in 127.0.0.0/8 and ::1/128, fails. Offline: --insecure-registry / "insecure-registries" must be empty.',
    remediation: 'Remove insecure registries from daemon.json / the command line and give those registries TLS certificates.',
    evaluate(facts) {
      return engineOrSetting(
        facts,
        (engine) => {
          const registry = engine.info.RegistryConfig;
          if (!registry) return undefined;
          const cidrs = (registry.InsecureRegistryCIDRs ?? []).filter((c) => c !== '127.0.0.0/8' && c !== '::1/128');
          const indexes = Object.entries(registry.IndexConfigs ?? {}).filter(([, v]) => v.Secure === false).map(([k]) => k);
          const insecure = [...indexes, ...cidrs];
          return verdict(insecure.length > 0 ? 'fail' : 'pass', [engineEvidence('insecure registries', insecure)]);
        },
        () => {
          const r = readSetting(facts, 'insecure-registry', 'insecure-registries', '(none)');
          return r.ok ? verdict(r.value.values.length > 0 ? 'fail' : 'pass', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
  {
    id: '2.6',
    title: 'Ensure aufs storage driver is not used',
    level: 1,
    scored: true,
    audit: 'Live: /info Driver must not be "aufs". Offline: --storage-driver / "storage-driver" must not be "aufs".',
    remediation: 'Move to overlay2 (the default on current kernels).',
    evaluate(facts) {
      return engineOrSetting(
        facts,
        (engine) => (engine.info.Driver ? verdict(engine.info.Driver === 'aufs' ? 'fail' : 'pass', [engineEvidence('Driver', engine.info.Driver)]) : undefined),
        () => {
          const r = readSetting(facts, 'storage-driver', undefined, '(default)');
          return r.ok ? verdict(r.value.last === 'aufs' ? 'fail' : 'pass', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
  {
    id: '2.7',
    title: 'Ensure TLS authentication for Docker daemon is configured',
    level: 1,
    scored: true,
    audit: 'When any -H/--host or "hosts" entry is tcp://, `tlsverify` must be true (which makes dockerd verify client certificates against tlscacert, with tlscert/tlskey). `--tls` without verification fails. No TCP socket → pass.',
    remediation: 'Serve TCP only with "tlsverify": true and "tlscacert", "tlscert", "tlskey" set, or do not expose the daemon on TCP.',
    evaluate(facts) {
      const hosts = readSetting(facts, 'host', 'hosts', '(default unix socket)');
      if (!hosts.ok) return verdict('warn', [], hosts.reason);
      const tcp = hosts.value.values.filter((h) => /^(tcp|https?):\/\//.test(h));
      if (tcp.length === 0) return verdict('pass', [hosts.value.evidence], 'the daemon does not listen on TCP');
      const evidence = [hosts.value.evidence];
      const verify = readSetting(facts, 'tlsverify', undefined, 'false (default)');
      if (!verify.ok) return verdict('warn', evidence, verify.reason);
      evidence.push(verify.value.evidence);
      for (const flag of ['tlscacert', 'tlscert', 'tlskey'] as const) {
        const r = readSetting(facts, flag, undefined, '(default)');
        if (r.ok) evidence.push(r.value.evidence);
      }
      return verdict(isTrue(verify.value) ? 'pass' : 'fail', evidence);
    },
  },
  {
    id: '2.8',
    title: 'Ensure the default ulimit is configured appropriately',
    level: 1,
    scored: false,
    audit: 'Manual. Shows --default-ulimit / "default-ulimits"; whether the limits suit the workload is a judgement.',
    remediation: 'Set "default-ulimits" in daemon.json (e.g. nofile, nproc) to values suited to this host.',
    evaluate(facts) {
      const r = readSetting(facts, 'default-ulimit', 'default-ulimits', '(none)');
      return r.ok ? verdict('manual', [r.value.evidence], 'confirm the default ulimits suit this host') : verdict('warn', [], r.reason);
    },
  },
  {
    id: '2.9',
    title: 'Enable user namespace support',
    level: 2,
    scored: true,
    audit: 'Live: /info SecurityOptions must contain name=userns. Offline: --userns-remap / "userns-remap" must be set.',
    remediation: 'Set "userns-remap": "default" (or a dedicated user) in daemon.json, with /etc/subuid and /etc/subgid ranges.',
    evaluate(facts) {
      return engineOrSetting(
        facts,
        (engine) => {
          const options = engine.info.SecurityOptions;
          if (!options) return undefined;
          return verdict(options.some((o) => o.includes('name=userns')) ? 'pass' : 'fail', [engineEvidence('SecurityOptions', options)]);
        },
        () => {
          const r = readSetting(facts, 'userns-remap', undefined, '(none)');
          return r.ok ? verdict(r.value.last ? 'pass' : 'fail', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
  settingCheck(
    {
      id: '2.10',
      title: 'Ensure the default cgroup usage has been confirmed',
      level: 2,
      scored: true,
      audit: '--cgroup-parent / "cgroup-parent" unset → pass; set → info (confirm the parent cgroup is intended).',
      remediation: 'Leave cgroup-parent at its default unless a dedicated parent cgroup is intended.',
    },
    'cgroup-parent',
    undefined,
    (r) => (r.last ? 'info' : 'pass'),
    '(default)',
  ),
  settingCheck(
    {
      id: '2.11',
      title: 'Ensure base device size is not changed until needed',
      level: 2,
      scored: true,
      audit: 'No --storage-opt / "storage-opts" entry may set dm.basesize (or the overlay2/btrfs/zfs `size` option).',
      remediation: 'Remove the base size storage option unless containers need larger root filesystems.',
    },
    'storage-opt',
    'storage-opts',
    (r) => (r.values.some((v) => /^(dm\.basesize|size|overlay2\.size|btrfs\.min_space)=/.test(v)) ? 'fail' : 'pass'),
    '(none)',
  ),
  settingCheck(
    {
      id: '2.12',
      title: 'Ensure that authorization for Docker client commands is enabled',
      level: 2,
      scored: true,
      audit: '--authorization-plugin / "authorization-plugins" must name at least one plugin.',
      remediation: 'Install an authorization plugin (for example Bulkhead\'s Docker authorization plugin) and list it in "authorization-plugins".',
    },
    'authorization-plugin',
    'authorization-plugins',
    (r) => (r.values.length > 0 ? 'pass' : 'fail'),
    '(none)',
  ),
  {
    id: '2.13',
    title: 'Ensure centralized and remote logging is configured',
    level: 2,
    scored: true,
    audit: 'Live: /info LoggingDriver; offline: --log-driver / "log-driver" (default json-file). json-file, local and none keep logs on the host → fail; any other driver (syslog, journald, fluentd, gelf, awslogs, splunk, …) → pass.',
    remediation: 'Set "log-driver" (and "log-opts") to a driver that ships logs off the host, e.g. syslog or fluentd.',
    evaluate(facts) {
      const local = (d: string | undefined): boolean => d === undefined || d === '' || d === 'json-file' || d === 'local' || d === 'none';
      return engineOrSetting(
        facts,
        (engine) => (engine.info.LoggingDriver ? verdict(local(engine.info.LoggingDriver) ? 'fail' : 'pass', [engineEvidence('LoggingDriver', engine.info.LoggingDriver)]) : undefined),
        () => {
          const r = readSetting(facts, 'log-driver', undefined, 'json-file (default)');
          return r.ok ? verdict(local(r.value.last) ? 'fail' : 'pass', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
  settingCheck(
    {
      id: '2.14',
      title: 'Ensure containers are restricted from acquiring new privileges',
      level: 2,
      scored: true,
      audit: '--no-new-privileges / "no-new-privileges" must be true.',
      remediation: 'Set "no-new-privileges": true in daemon.json.',
    },
    'no-new-privileges',
    undefined,
    (r) => (isTrue(r) ? 'pass' : 'fail'),
    'false (default)',
  ),
  {
    id: '2.15',
    title: 'Ensure live restore is enabled',
    level: 1,
    scored: true,
    audit: 'Live: /info LiveRestoreEnabled must be true; offline: --live-restore / "live-restore" must be true.',
    remediation: 'Set "live-restore": true in daemon.json (not available with Swarm mode).',
    evaluate(facts) {
      return engineOrSetting(
        facts,
        (engine) => {
          const on = engine.info.LiveRestoreEnabled;
          if (on === undefined || on === null) return undefined;
          return verdict(on ? 'pass' : 'fail', [engineEvidence('LiveRestoreEnabled', on)]);
        },
        () => {
          const r = readSetting(facts, 'live-restore', undefined, 'false (default)');
          return r.ok ? verdict(isTrue(r.value) ? 'pass' : 'fail', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
  settingCheck(
    {
      id: '2.16',
      title: 'Ensure Userland Proxy is Disabled',
      level: 1,
      scored: true,
      audit: '--userland-proxy / "userland-proxy" must be false (it defaults to true).',
      remediation: 'Set "userland-proxy": false in daemon.json (hairpin NAT is then done by iptables).',
    },
    'userland-proxy',
    undefined,
    (r) => (isFalse(r) ? 'pass' : 'fail'),
    'true (default)',
  ),
  {
    id: '2.17',
    title: 'Ensure that a daemon-wide custom seccomp profile is applied if appropriate',
    level: 2,
    scored: false,
    audit: 'Manual. Shows the seccomp profile the daemon reports (/info SecurityOptions name=seccomp,profile=…) or --seccomp-profile; an "unconfined" daemon-wide profile fails.',
    remediation: 'Keep the default profile or set "seccomp-profile" to a reviewed custom profile; never "unconfined".',
    evaluate(facts) {
      const fromSettings = readSetting(facts, 'seccomp-profile', undefined, 'default');
      const reported = facts.engine.ok ? (facts.engine.value.info.SecurityOptions ?? []).find((o) => o.includes('name=seccomp')) : undefined;
      const evidence = [...(reported ? [engineEvidence('seccomp', reported)] : []), ...(fromSettings.ok ? [fromSettings.value.evidence] : [])];
      const unconfined = (fromSettings.ok && fromSettings.value.last === 'unconfined') || Boolean(reported?.includes('profile=unconfined'));
      return unconfined ? verdict('fail', evidence) : verdict('manual', evidence, 'decide whether a custom daemon-wide seccomp profile is appropriate');
    },
  },
  {
    id: '2.18',
    title: 'Ensure that experimental features are not implemented in production',
    level: 1,
    scored: true,
    audit: 'Live: /version Experimental (or /info ExperimentalBuild) must be false; offline: --experimental / "experimental" must not be true.',
    remediation: 'Remove --experimental / "experimental": true on production hosts.',
    evaluate(facts) {
      return engineOrSetting(
        facts,
        (engine) => {
          const experimental = engine.version.ok ? engine.version.value.Experimental : engine.info.ExperimentalBuild;
          if (experimental === undefined || experimental === null) return undefined;
          return verdict(experimental ? 'fail' : 'pass', [{ subject: 'daemon (/version)', field: 'Experimental', value: String(experimental) }]);
        },
        () => {
          const r = readSetting(facts, 'experimental', undefined, 'false (default)');
          return r.ok ? verdict(isTrue(r.value) ? 'fail' : 'pass', [r.value.evidence]) : verdict('warn', [], r.reason);
        },
      );
    },
  },
];
