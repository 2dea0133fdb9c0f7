/**
 * The body of POST /containers/create (and of POST /exec create), read
 * leniently — Docker sends many fields this module does not care about, and
 * old clients omit most — into the normalized DeployRequest the policy's
 * deploy rules judge, plus the image and labels the decision needs.
 */
import { z } from 'zod';
import type { DeployMount, DeployRequest } from '../../domain/subject.js';

const stringList = z.array(z.string()).nullish().catch(null);
const bool = z.boolean().nullish().catch(null);
const num = z.number().nullish().catch(null);
const labels = z.record(z.string(), z.string()).nullish().catch(null);

const mountSchema = z.looseObject({ Type: z.string().nullish(), Source: z.string().nullish(), Target: z.string().nullish(), ReadOnly: z.boolean().nullish() });

const hostConfigSchema = z.looseObject({
  Privileged: bool,
  CapAdd: stringList,
  NetworkMode: z.string().nullish().catch(null),
  PidMode: z.string().nullish().catch(null),
  IpcMode: z.string().nullish().catch(null),
  Binds: stringList,
  Mounts: z.array(mountSchema).nullish().catch(null),
  ReadonlyRootfs: bool,
  SecurityOpt: stringList,
  Memory: num,
  NanoCpus: num,
  CpuQuota: num,
  CpuPeriod: num,
  PidsLimit: num,
  RestartPolicy: z.looseObject({ Name: z.string().nullish() }).nullish().catch(null),
});

export const createBodySchema = z.looseObject({
  Image: z.string().max(4096),
  User: z.string().max(1024).nullish().catch(null),
  Labels: labels,
  HostConfig: hostConfigSchema.nullish().catch(null),
});

export interface CreateRequest {
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly deploy: DeployRequest;
}

/** `-v src:dst[:opts]`: a source that is not an absolute path is a named volume. */
function bindMount(spec: string): DeployMount | undefined {
  const parts = spec.split(':');
  if (parts.length < 2) return undefined;
  const [source = '', target = '', opts = ''] = parts;
  return { source, target, type: source.startsWith('/') ? 'bind' : 'volume', readOnly: opts.split(',').includes('ro') };
}

function securityOption(options: readonly string[], key: string): string | undefined {
  for (const o of options) {
    const m = /^([a-z-]+)[=:](.*)$/s.exec(o);
    if (m && m[1] === key) return (m[2] ?? '').trim().startsWith('{') ? 'custom' : m[2];
  }
  return undefined;
}

/** Parses a create body; throws a ZodError when it has no image (nothing to judge). */
export function parseCreateRequest(body: unknown): CreateRequest {
  const parsed = createBodySchema.parse(body);
  const hc = parsed.HostConfig ?? {};
  const security = hc.SecurityOpt ?? [];
  const mounts: DeployMount[] = [];
  for (const b of hc.Binds ?? []) {
    const m = bindMount(b);
    if (m) mounts.push(m);
  }
  for (const m of hc.Mounts ?? []) {
    mounts.push({ source: m.Source ?? '', target: m.Target ?? '', type: m.Type ?? 'volume', readOnly: m.ReadOnly ?? false });
  }
  const cpus = hc.NanoCpus ? hc.NanoCpus / 1e9 : hc.CpuQuota && hc.CpuPeriod ? hc.CpuQuota / hc.CpuPeriod : undefined;
  const nnp = security.some((o) => o === 'no-new-privileges' || /^no-new-privileges[=:]true$/.test(o));
  const seccomp = securityOption(security, 'seccomp');
  const apparmor = securityOption(security, 'apparmor');
  const deploy: DeployRequest = {
    privileged: hc.Privileged ?? false,
    capAdd: hc.CapAdd ?? [],
    hostNetwork: hc.NetworkMode === 'host',
    hostPID: hc.PidMode === 'host',
    hostIPC: hc.IpcMode === 'host',
    mounts,
    readOnlyRootfs: hc.ReadonlyRootfs ?? false,
    noNewPrivileges: nnp,
    ...(seccomp !== undefined ? { seccompProfile: seccomp } : {}),
    ...(apparmor !== undefined ? { apparmorProfile: apparmor } : {}),
    resources: {
      ...(hc.Memory ? { memory: hc.Memory } : {}),
      ...(cpus ? { cpus } : {}),
      ...(hc.PidsLimit && hc.PidsLimit > 0 ? { pids: hc.PidsLimit } : {}),
    },
    ...(parsed.User ? { user: parsed.User } : {}),
  };
  return { image: parsed.Image, labels: parsed.Labels ?? {}, deploy };
}

export const execBodySchema = z.looseObject({ User: z.string().max(1024).nullish().catch(null), Privileged: bool, Cmd: stringList });
