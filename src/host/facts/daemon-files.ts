/**
 * The Docker files CIS names, with the places distributions install them.
 * The first candidate that exists is the one audited.
 */
export interface DaemonFile {
  readonly key: string;
  readonly candidates: readonly string[];
}

export const DAEMON_FILES = [
  { key: 'dockerd', candidates: ['/usr/bin/dockerd', '/usr/sbin/dockerd', '/usr/local/bin/dockerd'] },
  { key: 'run-containerd', candidates: ['/run/containerd'] },
  { key: 'var-lib-docker', candidates: ['/var/lib/docker'] },
  { key: 'etc-docker', candidates: ['/etc/docker'] },
  { key: 'docker.service', candidates: ['/usr/lib/systemd/system/docker.service', '/lib/systemd/system/docker.service', '/etc/systemd/system/docker.service'] },
  { key: 'docker.socket', candidates: ['/usr/lib/systemd/system/docker.socket', '/lib/systemd/system/docker.socket', '/etc/systemd/system/docker.socket'] },
  { key: 'etc-default-docker', candidates: ['/etc/default/docker'] },
  { key: 'etc-sysconfig-docker', candidates: ['/etc/sysconfig/docker'] },
  { key: 'containerd-config', candidates: ['/etc/containerd/config.toml'] },
  { key: 'containerd', candidates: ['/usr/bin/containerd', '/usr/sbin/containerd', '/usr/local/bin/containerd'] },
  { key: 'containerd-shim', candidates: ['/usr/bin/containerd-shim', '/usr/local/bin/containerd-shim'] },
  { key: 'containerd-shim-runc-v1', candidates: ['/usr/bin/containerd-shim-runc-v1', '/usr/local/bin/containerd-shim-runc-v1'] },
  { key: 'containerd-shim-runc-v2', candidates: ['/usr/bin/containerd-shim-runc-v2', '/usr/local/bin/containerd-shim-runc-v2'] },
  { key: 'runc', candidates: ['/usr/bin/runc', '/usr/sbin/runc', '/usr/local/bin/runc', '/usr/local/sbin/runc'] },
] as const satisfies readonly DaemonFile[];

export type DaemonFileKey = (typeof DAEMON_FILES)[number]['key'];
