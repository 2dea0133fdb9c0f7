/**
 * Gathers HostFacts from the real sources: the Engine API, /proc, daemon.json,
 * file stats, auditctl and the mount table. Nothing here throws for a broken
 * source; the fact carries the reason and the checks report it.
 */
import path from 'node:path';
import { BadInputError } from '../../domain/errors.js';
import { DEFAULT_DOCKER_HOST } from '../../image/sources/docker-daemon-client.js';
import { readAuditRules } from './audit-rules.js';
import { readContainerProcesses } from './container-processes.js';
import { readDaemonConfig } from './daemon-config.js';
import { daemonSettings } from './daemon-settings.js';
import { findDockerd } from './dockerd-process.js';
import { collectEngineFacts } from './engine-facts.js';
import { listFilesInRoot, resolveInRoot, statInRoot } from './file-facts.js';
import type { FileLookup } from './file-facts.js';
import type { HostFacts } from './host-facts.js';
import { readGroups } from './host-groups.js';
import { unknown } from './known.js';
import { readMountInfo } from './mount-info.js';
import { DAEMON_FILES } from './daemon-files.js';

export interface CollectOptions {
  /** Audit an offline host filesystem mounted here (file checks only). */
  readonly root?: string;
  /** Engine address; default DOCKER_HOST or the standard socket. */
  readonly dockerHost?: string;
  readonly procRoot?: string;
  readonly timeoutMs?: number;
}

export async function collectHostFacts(options: CollectOptions = {}): Promise<HostFacts> {
  const offline = options.root !== undefined;
  const root = offline ? path.resolve(options.root as string) : '/';
  if (offline) {
    const st = await statInRoot('/', root);
    if (!st.ok || st.value?.kind !== 'directory') throw new BadInputError(`--root ${options.root}: not a directory`);
  }
  const procRoot = options.procRoot ?? '/proc';
  const address = options.dockerHost ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST;
  const socketPath = address.startsWith('unix://') ? address.slice('unix://'.length) : undefined;

  const [engine, dockerd, auditRules, mounts, containerProcesses] = offline
    ? [unknown<never>('offline audit (--root): no daemon'), unknown<never>('offline audit (--root): no dockerd process'), unknown<never>('offline audit (--root): auditctl reports the running kernel, not the audited filesystem'), unknown<never>('offline audit (--root): no mount table'), unknown<never>('offline audit (--root): no processes')]
    : await Promise.all([
        collectEngineFacts({ address, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }),
        findDockerd(procRoot, socketPath),
        readAuditRules(),
        readMountInfo(),
        readContainerProcesses(procRoot),
      ]);

  const configFlag = dockerd.ok ? dockerd.value.args.values.get('config-file')?.at(-1) : undefined;
  const configPath = configFlag ?? '/etc/docker/daemon.json';
  const configFs = resolveInRoot(root, configPath);
  const daemonConfig = configFs ? await readDaemonConfig(configPath, configFs) : unknown<never>(`${configPath} is outside the audited root`);
  const settings = daemonSettings(offline ? undefined : dockerd, daemonConfig);

  const first = (flag: string, key?: Parameters<typeof settings.get>[1]): string | undefined => {
    const s = settings.get(flag, key);
    return s.ok ? s.value.values.at(-1) : undefined;
  };
  const dockerRoot = (engine.ok ? engine.value.info.DockerRootDir : undefined) ?? first('data-root') ?? '/var/lib/docker';
  const dockerSocket = socketPath ?? '/var/run/docker.sock';
  const containerdSocket = first('containerd') ?? '/run/containerd/containerd.sock';

  const paths = new Set<string>([...DAEMON_FILES.flatMap((f) => f.candidates), configPath, dockerSocket, containerdSocket, dockerRoot]);
  for (const flag of ['tlscacert', 'tlscert', 'tlskey'] as const) {
    const value = first(flag);
    if (value) paths.add(value);
  }
  const registryCertificates = await listFilesInRoot(root, '/etc/docker/certs.d');
  if (registryCertificates.ok) for (const p of registryCertificates.value) paths.add(p);
  const files = new Map<string, FileLookup>();
  await Promise.all([...paths].map(async (p) => files.set(p, await statInRoot(root, p))));

  const groupsFs = resolveInRoot(root, '/etc/group');
  const groups = groupsFs ? await readGroups(groupsFs) : unknown<never>('/etc/group is outside the audited root');

  return {
    mode: offline ? 'offline' : 'live',
    root,
    engine,
    dockerd,
    daemonConfig,
    settings,
    files,
    registryCertificates,
    groups,
    auditRules,
    mounts,
    containerProcesses,
    dockerRoot,
    dockerSocket,
    containerdSocket,
    contentTrust: process.env.DOCKER_CONTENT_TRUST,
  };
}
