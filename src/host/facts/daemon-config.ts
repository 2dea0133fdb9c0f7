/**
 * /etc/docker/daemon.json (or dockerd's --config-file): read bounded, parsed
 * and validated. A missing file is an empty configuration; a malformed one is
 * an unknown fact whose reason the affected checks report.
 */
import { z } from 'zod';
import { readBounded } from './read-bounded.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

const stringList = z.array(z.string());
export const daemonConfigSchema = z.object({
  icc: z.boolean().optional(),
  'log-level': z.string().optional(),
  iptables: z.boolean().optional(),
  'insecure-registries': stringList.optional(),
  'storage-driver': z.string().optional(),
  'storage-opts': stringList.optional(),
  tls: z.boolean().optional(),
  tlsverify: z.boolean().optional(),
  tlscacert: z.string().optional(),
  tlscert: z.string().optional(),
  tlskey: z.string().optional(),
  hosts: stringList.optional(),
  'default-ulimits': z.record(z.string(), z.unknown()).optional(),
  'userns-remap': z.string().optional(),
  'cgroup-parent': z.string().optional(),
  'authorization-plugins': stringList.optional(),
  'log-driver': z.string().optional(),
  'live-restore': z.boolean().optional(),
  'userland-proxy': z.boolean().optional(),
  experimental: z.boolean().optional(),
  'no-new-privileges': z.boolean().optional(),
  'seccomp-profile': z.string().optional(),
  'data-root': z.string().optional(),
  bridge: z.string().optional(),
  containerd: z.string().optional(),
});
export type DaemonConfig = z.infer<typeof daemonConfigSchema>;

export interface DaemonConfigFact {
  /** The path as the host names it (not prefixed with --root). */
  readonly path: string;
  readonly present: boolean;
  readonly config: DaemonConfig;
}

export async function readDaemonConfig(hostPath: string, fsPath: string): Promise<Known<DaemonConfigFact>> {
  let raw: Buffer;
  try {
    raw = await readBounded(fsPath, MAX_CONFIG_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known({ path: hostPath, present: false, config: {} });
    return unknown(`${hostPath}: ${reasonOf(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return unknown(`${hostPath} is malformed: ${reasonOf(error)}`);
  }
  const parsed = daemonConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unknown(`${hostPath} is invalid: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`);
  }
  return known({ path: hostPath, present: true, config: parsed.data });
}
