/**
 * `deploy:` rules — settings of the run request an enforcement point supplies
 * (Docker create body, Kubernetes pod spec, normalized to DeployRequest).
 * Without a run request (a CLI or CI scan) the rule does not apply.
 */
import { z } from 'zod';
import type { DeployRequest } from '../../../domain/subject.js';
import { compileGlob } from '../../glob.js';
import { isRootUser } from '../../image-facts.js';
import { defineRuleKind, type RuleHit } from '../../rule-kind.js';

const LIMITS = ['memory', 'cpus', 'pids'] as const;

const schema = z.strictObject({
  denyPrivileged: z.boolean().optional(),
  /** Capabilities that may be added; any other in capAdd is a violation. */
  allowedCapabilities: z.array(z.string().min(1)).optional(),
  deniedCapabilities: z.array(z.string().min(1)).min(1).optional(),
  denyHostNamespaces: z.boolean().optional(),
  /** Bind-mount sources that are forbidden (globs), e.g. /var/run/docker.sock. */
  deniedMounts: z.array(z.string().min(1)).min(1).optional(),
  denyHostPathMounts: z.boolean().optional(),
  requireReadOnlyRootfs: z.boolean().optional(),
  requireNoNewPrivileges: z.boolean().optional(),
  denyUnconfined: z.boolean().optional(),
  requireLimits: z.array(z.enum(LIMITS)).min(1).optional(),
  denyRootUser: z.boolean().optional(),
});

type Params = z.infer<typeof schema>;
type DeployCheck = (d: DeployRequest, imageUser: string, hits: RuleHit[]) => void;

/** Docker accepts CAP_SYS_ADMIN and SYS_ADMIN alike; compare without the prefix. */
function capName(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, '');
}

export const deployRule = defineRuleKind<Params>({
  name: 'deploy',
  schema,
  compile(params, ctx) {
    const checks: DeployCheck[] = [];
    if (params.denyPrivileged) {
      checks.push((d, _u, hits) => {
        if (d.privileged) hits.push({ message: 'the container runs privileged', evidence: { field: 'deploy.privileged', value: 'true' }, remediation: 'drop --privileged; add only the capabilities needed' });
      });
    }
    if (params.allowedCapabilities || params.deniedCapabilities) {
      const allowed = params.allowedCapabilities ? new Set(params.allowedCapabilities.map(capName)) : undefined;
      const denied = new Set((params.deniedCapabilities ?? []).map(capName));
      checks.push((d, _u, hits) => {
        for (const cap of d.capAdd) {
          const name = capName(cap);
          const bad = denied.has(name) || name === 'ALL' ? 'denied' : allowed && !allowed.has(name) ? 'not allowed' : undefined;
          if (bad) hits.push({ message: `capability ${name} is ${bad}`, evidence: { field: 'deploy.capAdd', value: name }, remediation: `remove --cap-add ${name}` });
        }
      });
    }
    if (params.denyHostNamespaces) {
      checks.push((d, _u, hits) => {
        for (const [field, on] of [['hostNetwork', d.hostNetwork], ['hostPID', d.hostPID], ['hostIPC', d.hostIPC]] as const) {
          if (on) hits.push({ message: `the container shares the host's ${field.slice(4).toLowerCase()} namespace`, evidence: { field: `deploy.${field}`, value: 'true' }, remediation: `do not set ${field}` });
        }
      });
    }
    if (params.deniedMounts) {
      const globs: RegExp[] = [];
      params.deniedMounts.forEach((g, i) => {
        try {
          globs.push(compileGlob(g));
        } catch (error) {
          ctx.problems.push({ path: ['deniedMounts', i], message: (error as Error).message });
        }
      });
      checks.push((d, _u, hits) => {
        for (const m of d.mounts) {
          if (m.type !== 'bind') continue;
          const source = m.source.replace(/\/+$/, '') || '/';
          if (globs.some((re) => re.test(source))) {
            hits.push({ message: `host path ${source} is mounted at ${m.target}`, evidence: { field: 'deploy.mounts', value: `${source}:${m.target}` }, remediation: `do not mount ${source} into the container` });
          }
        }
      });
    }
    if (params.denyHostPathMounts) {
      checks.push((d, _u, hits) => {
        for (const m of d.mounts) {
          if (m.type === 'bind') hits.push({ message: `host path ${m.source} is bind-mounted at ${m.target}`, evidence: { field: 'deploy.mounts', value: `${m.source}:${m.target}` }, remediation: 'use a named volume instead of a host path' });
        }
      });
    }
    if (params.requireReadOnlyRootfs) {
      checks.push((d, _u, hits) => {
        if (!d.readOnlyRootfs) hits.push({ message: 'the root filesystem is writable', evidence: { field: 'deploy.readOnlyRootfs', value: 'false' }, remediation: 'run with --read-only (readOnlyRootFilesystem: true)' });
      });
    }
    if (params.requireNoNewPrivileges) {
      checks.push((d, _u, hits) => {
        if (!d.noNewPrivileges) hits.push({ message: 'no-new-privileges is not set', evidence: { field: 'deploy.noNewPrivileges', value: 'false' }, remediation: 'run with --security-opt no-new-privileges (allowPrivilegeEscalation: false)' });
      });
    }
    if (params.denyUnconfined) {
      checks.push((d, _u, hits) => {
        for (const [field, value] of [['seccompProfile', d.seccompProfile], ['apparmorProfile', d.apparmorProfile]] as const) {
          if (value?.toLowerCase() === 'unconfined') hits.push({ message: `${field.replace('Profile', '')} is unconfined`, evidence: { field: `deploy.${field}`, value }, remediation: `use the runtime default ${field.replace('Profile', '')} profile` });
        }
      });
    }
    if (params.requireLimits) {
      const wanted = params.requireLimits;
      checks.push((d, _u, hits) => {
        for (const limit of wanted) {
          const value = d.resources[limit];
          if (value === undefined || value <= 0) hits.push({ message: `no ${limit} limit is set`, evidence: { field: `deploy.resources.${limit}` }, remediation: `set a ${limit} limit (--${limit === 'cpus' ? 'cpus' : limit === 'pids' ? 'pids-limit' : 'memory'})` });
        }
      });
    }
    if (params.denyRootUser) {
      checks.push((d, imageUser, hits) => {
        const user = d.user ?? imageUser;
        if (isRootUser(user)) hits.push({ message: `the container runs as root (user ${JSON.stringify(user)})`, evidence: { field: d.user !== undefined ? 'deploy.user' : 'config.user', value: user }, remediation: 'run with --user set to a non-root uid' });
      });
    }
    if (checks.length === 0) ctx.problems.push({ path: [], message: 'a deploy rule needs at least one condition' });
    return {
      check(input) {
        const d = input.subject.deploy;
        if (!d) return { applies: false, reason: 'no run request in the subject (deploy rules apply at enforcement points)' };
        const hits: RuleHit[] = [];
        for (const c of checks) c(d, input.image.user, hits);
        return { applies: true, hits, checked: `${checks.length} run-request condition(s) checked` };
      },
    };
  },
});
