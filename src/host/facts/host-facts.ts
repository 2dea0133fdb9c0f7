/**
 * Everything the checks read about one host, gathered once up front so that
 * checks stay pure and the Engine API is asked each question only once.
 */
import type { DaemonConfigFact } from './daemon-config.js';
import type { DaemonSettings } from './daemon-settings.js';
import type { DockerdProcess } from './dockerd-process.js';
import type { EngineFacts } from './engine-facts.js';
import type { FileLookup } from './file-facts.js';
import type { HostGroup } from './host-groups.js';
import type { Known } from './known.js';
import type { MountEntry } from './mount-info.js';
import type { ContainerProcess } from './container-processes.js';

export interface HostFacts {
  /** live: the local daemon and /proc; offline: a host filesystem under --root, files only. */
  readonly mode: 'live' | 'offline';
  readonly root: string;
  readonly engine: Known<EngineFacts>;
  readonly dockerd: Known<DockerdProcess>;
  readonly daemonConfig: Known<DaemonConfigFact>;
  readonly settings: DaemonSettings;
  /** stat results by host path, for every path a check asks about. */
  readonly files: ReadonlyMap<string, FileLookup>;
  /** Files found below /etc/docker/certs.d. */
  readonly registryCertificates: Known<readonly string[]>;
  readonly groups: Known<readonly HostGroup[]>;
  readonly auditRules: Known<readonly string[]>;
  readonly mounts: Known<readonly MountEntry[]>;
  readonly containerProcesses: Known<ReadonlyMap<string, readonly ContainerProcess[]>>;
  /** The Docker root directory (DockerRootDir, else --data-root, else /var/lib/docker). */
  readonly dockerRoot: string;
  /** The audited Engine socket, when it is a unix socket. */
  readonly dockerSocket: string;
  readonly containerdSocket: string;
  /** DOCKER_CONTENT_TRUST of the auditing environment (CIS 4.5). */
  readonly contentTrust: string | undefined;
}

export function fileFact(facts: HostFacts, hostPath: string): FileLookup {
  return facts.files.get(hostPath) ?? { ok: false, reason: `${hostPath} was not examined` };
}
