/**
 * Finds the pod spec in a Pod or in a workload controller's pod template
 * (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 * ReplicationController) and turns every container, init container and
 * ephemeral container into the policy engine's DeployRequest: its own
 * securityContext over the pod's, the pod's host namespaces, its volume
 * mounts resolved against the pod's volumes (hostPath → bind mount), its
 * resource limits. Only the fields read here are validated; the rest of the
 * object passes untouched.
 */
import { z } from 'zod';
import type { DeployMount, DeployRequest } from '../../domain/subject.js';
import { parseQuantity } from './quantity.js';

/** Where the pod spec sits in each kind's object, as JSON Pointer tokens. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

const seccompSchema = z.object({ type: z.string(), localhostProfile: z.string().optional() }).partial();
const securityContextSchema = z
  .object({
    privileged: z.boolean(),
    allowPrivilegeEscalation: z.boolean(),
    readOnlyRootFilesystem: z.boolean(),
    runAsUser: z.number().int(),
    runAsGroup: z.number().int(),
    runAsNonRoot: z.boolean(),
    capabilities: z.object({ add: z.array(z.string()), drop: z.array(z.string()) }).partial(),
    seccompProfile: seccompSchema,
    appArmorProfile: seccompSchema,
  })
  .partial();

const containerSchema = z.object({
  name: z.string(),
  image: z.string().optional(),
  securityContext: securityContextSchema.nullable().optional(),
  resources: z
    .object({ limits: z.record(z.string(), z.union([z.string(), z.number()])).nullable(), requests: z.record(z.string(), z.union([z.string(), z.number()])).nullable() })
    .partial()
    .nullable()
    .optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional(), subPath: z.string().optional() })).nullable().optional(),
});

const volumeSchema = z.object({
  name: z.string(),
  hostPath: z.object({ path: z.string() }).optional(),
  emptyDir: z.object({ medium: z.string().optional() }).nullable().optional(),
});

const podSpecSchema = z.object({
  containers: z.array(containerSchema).max(1000),
  initContainers: z.array(containerSchema).max(1000).nullable().optional(),
  ephemeralContainers: z.array(containerSchema).max(1000).nullable().optional(),
  volumes: z.array(volumeSchema).max(10_000).nullable().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  securityContext: securityContextSchema.nullable().optional(),
});

const metadataSchema = z
  .object({
    name: z.string(),
    labels: z.record(z.string(), z.string()).nullable(),
    annotations: z.record(z.string(), z.string()).nullable(),
  })
  .partial();

type PodSpec = z.infer<typeof podSpecSchema>;
type Container = z.infer<typeof containerSchema>;
type SecurityContext = z.infer<typeof securityContextSchema>;

export type ContainerKind = 'container' | 'initContainer' | 'ephemeralContainer';

export interface WorkloadContainer {
  readonly kind: ContainerKind;
  readonly name: string;
  /** The image exactly as written in the spec. */
  readonly image: string;
  /** JSON Pointer of the container's `image` field in the admitted object (for the pinning patch). */
  readonly imagePointer: string;
  readonly deploy: DeployRequest;
}

export interface Workload {
  readonly kind: string;
  readonly name?: string;
  /** The object's labels, then the pod template's (the template's win: they are the pods'). */
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly WorkloadContainer[];
}

export class WorkloadError extends Error {}

function dig(object: unknown, path: readonly string[]): unknown {
  let at = object;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function seccompName(profile: z.infer<typeof seccompSchema> | undefined): string | undefined {
  switch (profile?.type) {
    case undefined:
      return undefined;
    case 'Unconfined':
      return 'unconfined';
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Localhost':
      return profile?.localhostProfile ? `localhost/${profile.localhostProfile}` : 'localhost';
    default:
      return profile?.type;
  }
}

/** The AppArmor profile from the field (1.30+), else the beta annotation older clusters use. */
function apparmorOf(name: string, own: SecurityContext, pod: SecurityContext, annotations: Readonly<Record<string, string>>): string | undefined {
  const fromField = seccompName(own.appArmorProfile ?? pod.appArmorProfile);
  if (fromField) return fromField;
  return annotations[`container.apparmor.security.beta.kubernetes.io/${name}`];
}

function mountsOf(container: Container, spec: PodSpec): DeployMount[] {
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  return (container.volumeMounts ?? []).map((m) => {
    const volume = volumes.get(m.name);
    const readOnly = m.readOnly === true;
    if (volume?.hostPath) {
      const source = m.subPath ? `${volume.hostPath.path.replace(/\/+$/, '')}/${m.subPath}` : volume.hostPath.path;
      return { source, target: m.mountPath, type: 'bind', readOnly };
    }
    if (volume?.emptyDir?.medium === 'Memory') return { source: m.name, target: m.mountPath, type: 'tmpfs', readOnly };
    return { source: m.name, target: m.mountPath, type: 'volume', readOnly };
  });
}

function userOf(own: SecurityContext, pod: SecurityContext): string | undefined {
  const uid = own.runAsUser ?? pod.runAsUser;
  if (uid === undefined) return undefined;
  const gid = own.runAsGroup ?? pod.runAsGroup;
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

function deployOf(container: Container, spec: PodSpec, annotations: Readonly<Record<string, string>>): DeployRequest {
  const own = container.securityContext ?? {};
  const pod = spec.securityContext ?? {};
  const limits = container.resources?.limits ?? {};
  const memory = parseQuantity(limits.memory);
  const cpus = parseQuantity(limits.cpu);
  const seccomp = seccompName(own.seccompProfile ?? pod.seccompProfile);
  const apparmor = apparmorOf(container.name, own, pod, annotations);
  const user = userOf(own, pod);
  return {
    privileged: own.privileged === true,
    capAdd: own.capabilities?.add ?? [],
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    mounts: mountsOf(container, spec),
    readOnlyRootfs: own.readOnlyRootFilesystem === true,
    // Kubernetes sets no_new_privs only when allowPrivilegeEscalation is false.
    noNewPrivileges: own.allowPrivilegeEscalation === false,
    ...(seccomp ? { seccompProfile: seccomp } : {}),
    ...(apparmor ? { apparmorProfile: apparmor } : {}),
    resources: { ...(memory !== undefined ? { memory } : {}), ...(cpus !== undefined ? { cpus } : {}) },
    ...(user !== undefined ? { user } : {}),
  };
}

function describeIssues(error: z.ZodError, at: readonly string[]): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${[...at, ...i.path].join('.')}: ${i.message}`)
    .join('; ');
}

/** The workload's containers, or undefined when the kind carries no pod spec. Throws WorkloadError on a malformed pod spec. */
export function workloadOf(kind: string, object: Readonly<Record<string, unknown>>): Workload | undefined {
  const path = POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  const parsedSpec = podSpecSchema.safeParse(dig(object, path));
  if (!parsedSpec.success) throw new WorkloadError(`${kind} ${describeIssues(parsedSpec.error, path)}`);
  const spec = parsedSpec.data;
  const meta = metadataSchema.safeParse(object.metadata ?? {});
  const templateMeta = path.length > 1 ? metadataSchema.safeParse(dig(object, [...path.slice(0, -1), 'metadata']) ?? {}) : undefined;
  const objectMeta = meta.success ? meta.data : {};
  const podMeta = templateMeta?.success ? templateMeta.data : objectMeta;
  const labels = { ...(objectMeta.labels ?? {}), ...(podMeta.labels ?? {}) };
  const annotations = podMeta.annotations ?? {};
  const pointer = `/${path.join('/')}`;
  const containers: WorkloadContainer[] = [];
  const lists: readonly [ContainerKind, 'containers' | 'initContainers' | 'ephemeralContainers'][] = [
    ['initContainer', 'initContainers'],
    ['container', 'containers'],
    ['ephemeralContainer', 'ephemeralContainers'],
  ];
  for (const [containerKind, field] of lists) {
    (spec[field] ?? []).forEach((c, i) => {
      if (c.image === undefined || c.image === '') throw new WorkloadError(`${kind} ${path.join('.')}.${field}[${i}] (${c.name}) names no image`);
      containers.push({ kind: containerKind, name: c.name, image: c.image, imagePointer: `${pointer}/${field}/${i}/image`, deploy: deployOf(c, spec, annotations) });
    });
  }
  return { kind, ...(objectMeta.name ? { name: objectMeta.name } : {}), labels, containers };
}
