/**
 * The subject format of policy test fixtures (`bulkhead policy test`): a
 * compact, hand-writable form of Subject with defaults for everything a
 * case does not care about. Validated strictly, so a typo in a fixture fails
 * the test run instead of testing something else.
 */
import { z } from 'zod';
import { ECOSYSTEMS } from '../../domain/ecosystem.js';
import type { Finding } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Package } from '../../domain/package.js';
import { SEVERITY_LEVELS, type SeverityLevel } from '../../domain/severity.js';
import type { Subject } from '../../domain/subject.js';
import { parseImageReference, repositoryName } from '../../image/sources/image-reference.js';

const str = z.string();
const strList = z.array(str).default([]);

const imageSchema = z.strictObject({
  reference: str.optional(),
  digest: str.optional(),
  created: str.optional(),
  user: str.optional(),
  env: strList,
  labels: z.record(str, str).default({}),
  healthcheck: z.array(str).optional(),
  exposedPorts: strList,
  history: strList,
});

const packageSchema = z.strictObject({
  name: str.min(1),
  version: str.min(1),
  ecosystem: z.enum(ECOSYSTEMS).default('deb'),
  licenses: strList,
  source: z.strictObject({ name: str.min(1), version: str.optional() }).optional(),
  path: str.optional(),
  layer: str.optional(),
});

const vulnerabilitySchema = z.strictObject({
  id: str.min(1),
  aliases: strList,
  package: str.optional(),
  version: str.optional(),
  ecosystem: z.enum(ECOSYSTEMS).default('deb'),
  severity: z.enum(SEVERITY_LEVELS).default('unknown'),
  cvss: z.number().min(0).max(10).optional(),
  kev: z.boolean().default(false),
  epss: z.number().min(0).max(1).optional(),
  fixedVersions: strList,
  published: str.optional(),
  fixAvailableSince: str.optional(),
});

const findingSchema = z.strictObject({
  kind: z.enum(['secret', 'config', 'license']),
  id: str.min(1),
  severity: z.enum(SEVERITY_LEVELS).default('unknown'),
  summary: str.optional(),
  path: str.optional(),
  layer: str.optional(),
});

const deploySchema = z.strictObject({
  privileged: z.boolean().default(false),
  capAdd: strList,
  hostNetwork: z.boolean().default(false),
  hostPID: z.boolean().default(false),
  hostIPC: z.boolean().default(false),
  mounts: z.array(z.strictObject({ source: str, target: str, type: str.default('bind'), readOnly: z.boolean().default(false) })).default([]),
  readOnlyRootfs: z.boolean().default(false),
  noNewPrivileges: z.boolean().default(false),
  seccompProfile: str.optional(),
  apparmorProfile: str.optional(),
  resources: z.strictObject({ memory: z.number().optional(), cpus: z.number().optional(), pids: z.number().optional() }).default({}),
  user: str.optional(),
});

/** An API request at the Docker defender, for `access:` rules (see AccessRequest). */
const accessSchema = z.strictObject({
  action: str.min(1),
  user: str.optional(),
  groups: strList,
  targetLabels: z.record(str, str).optional(),
  image: str.optional(),
  execUser: str.optional(),
  targetRunsAsRoot: z.boolean().optional(),
});

export const subjectFixtureSchema = z.strictObject({
  image: imageSchema.optional(),
  packages: z.array(packageSchema).default([]),
  vulnerabilities: z.array(vulnerabilitySchema).default([]),
  findings: z.array(findingSchema).default([]),
  files: z.record(str, z.union([str, z.strictObject({ content: str, layer: str.optional() })])).optional(),
  deploy: deploySchema.optional(),
  access: accessSchema.optional(),
  environment: str.optional(),
  namespace: str.optional(),
  labels: z.record(str, str).optional(),
});

export type SubjectFixture = z.infer<typeof subjectFixtureSchema>;

function toPackage(p: z.infer<typeof packageSchema>): Package {
  return {
    id: `${p.ecosystem}:${p.name}@${p.version}`,
    ecosystem: p.ecosystem,
    name: p.name,
    version: p.version,
    purl: `pkg:${p.ecosystem}/${p.name}@${p.version}`,
    licenses: p.licenses,
    locations: p.path ? [{ path: p.path, ...(p.layer ? { layer: p.layer } : {}) }] : [],
    foundBy: 'fixture',
    ...(p.source ? { source: p.source } : {}),
  };
}

function toVulnerability(v: z.infer<typeof vulnerabilitySchema>): Finding {
  const severity: SeverityLevel = v.severity;
  return {
    kind: 'vulnerability',
    id: v.id,
    aliases: v.aliases,
    ...(v.package ? { package: { id: v.package, ecosystem: v.ecosystem, name: v.package, version: v.version ?? '', purl: `pkg:${v.ecosystem}/${v.package}@${v.version ?? ''}` } } : {}),
    severity,
    ratings: v.cvss !== undefined ? [{ source: 'fixture', type: 'CVSS_V3', score: v.cvss, level: severity }] : [],
    ...(v.kev ? { kev: { dateAdded: '1970-01-01' } } : {}),
    ...(v.epss !== undefined ? { epss: { score: v.epss, percentile: 0 } } : {}),
    fixedVersions: v.fixedVersions,
    status: v.fixedVersions.length > 0 ? 'fixed' : 'unfixed',
    ...(v.published ? { published: v.published } : {}),
    ...(v.fixAvailableSince ? { fixAvailableSince: v.fixAvailableSince } : {}),
    references: [],
    evidence: { source: 'fixture', matchedBy: 'direct', lookupName: v.package ?? '' },
  };
}

function toFinding(f: z.infer<typeof findingSchema>): Finding {
  return {
    kind: f.kind,
    id: f.id,
    aliases: [],
    ...(f.path ? { package: { id: f.path, ecosystem: 'binary', name: f.path, version: '', purl: '', path: f.path, ...(f.layer ? { layer: f.layer } : {}) } } : {}),
    severity: f.severity,
    ratings: [],
    fixedVersions: [],
    status: 'undetermined',
    ...(f.summary ? { summary: f.summary } : {}),
    references: [],
    evidence: { source: 'fixture', matchedBy: 'direct', lookupName: f.id },
  };
}

function toImage(i: z.infer<typeof imageSchema>): Subject['image'] {
  let ref;
  try {
    ref = i.reference ? parseImageReference(i.reference) : undefined;
  } catch {
    ref = undefined;
  }
  const metadata: ImageMetadata = {
    configDigest: 'sha256:' + '0'.repeat(64),
    repoTags: [],
    repoDigests: [],
    os: 'linux',
    architecture: 'amd64',
    ...(i.created ? { created: i.created } : {}),
    config: {
      ...(i.user !== undefined ? { user: i.user } : {}),
      env: i.env,
      exposedPorts: i.exposedPorts,
      volumes: [],
      labels: i.labels,
      ...(i.healthcheck ? { healthcheck: { test: i.healthcheck } } : {}),
    },
    history: i.history.map((createdBy) => ({ createdBy, emptyLayer: false })),
    layers: [],
  };
  return {
    ...(i.reference ? { reference: i.reference } : {}),
    ...(ref ? { registry: ref.domain, repository: repositoryName(ref), pinnedByDigest: ref.digest !== undefined } : {}),
    tags: ref?.tag ? [ref.tag] : [],
    ...((i.digest ?? ref?.digest) ? { digest: i.digest ?? ref?.digest } : {}),
    metadata,
  };
}

export function subjectFromFixture(f: SubjectFixture): Subject {
  const image = f.image ? toImage(f.image) : undefined;
  return {
    ...(image ? { image } : {}),
    packages: f.packages.map(toPackage),
    findings: [...f.vulnerabilities.map(toVulnerability), ...f.findings.map(toFinding)],
    ...(f.files ? { files: Object.fromEntries(Object.entries(f.files).map(([p, c]) => [p, typeof c === 'string' ? { content: c } : c])) } : {}),
    ...(f.deploy ? { deploy: f.deploy } : {}),
    ...(f.access ? { access: f.access } : {}),
    ...(f.environment ? { environment: f.environment } : {}),
    ...(f.namespace ? { namespace: f.namespace } : {}),
    ...(f.labels ? { labels: f.labels } : {}),
  };
}

