/** Builds the CEL input model (cel-input-model.ts) from one evaluation's subject. */
import type { EvaluationInput } from '../evaluation-input.js';
import { CEL_CLASSES } from './cel-classes.js';

const { Image, Package, Vulnerability, Finding: FindingType, Mount, Deploy } = CEL_CLASSES;

const cache = new WeakMap<EvaluationInput, Record<string, unknown>>();

/** The activation for one evaluation, built on first use so only policies with CEL rules pay for it. */
export function celActivationFor(input: EvaluationInput): Record<string, unknown> {
  let activation = cache.get(input);
  if (!activation) {
    activation = celActivation(input);
    cache.set(input, activation);
  }
  return activation;
}

function celActivation(input: EvaluationInput): Record<string, unknown> {
  const { subject, image } = input;
  const deploy = subject.deploy;
  let packages: object[] | undefined;
  let vulnerabilities: object[] | undefined;
  let findings: object[] | undefined;
  return {
    image: new Image({
      reference: image.reference,
      registry: image.registry,
      repository: image.repository,
      tags: image.tags,
      digest: image.digest,
      pinnedByDigest: image.pinnedByDigest,
      user: image.user,
      runsAsRoot: image.runsAsRoot,
      labels: image.labels,
      env: image.env,
      healthcheck: image.healthcheck,
      exposedPorts: image.exposedPorts,
      created: image.created,
      ageDays: BigInt(image.ageDays),
      os: image.os,
      architecture: image.architecture,
      baseName: image.baseName,
      baseDigest: image.baseDigest,
      layers: BigInt(image.layers),
      history: image.history,
    }),
    // The three lists are built only when an expression reads them.
    get packages() {
      return (packages ??= subject.packages.map(
      (p) =>
        new Package({
      name: p.name,
      version: p.version,
      ecosystem: p.ecosystem,
      purl: p.purl,
      sourceName: p.source?.name ?? '',
      sourceVersion: p.source?.version ?? '',
      licenses: p.licenses,
      path: p.locations[0]?.path ?? '',
      layer: p.locations[0]?.layer ?? '',
      foundBy: p.foundBy,
    }),
    ));
    },
    get vulnerabilities() {
      return (vulnerabilities ??= input.vulnerabilities.map(
      (f, i) =>
        new Vulnerability({
      id: f.id,
      aliases: f.aliases,
      severity: f.severity,
      cvss: input.vulnerabilityFacts[i]?.cvss ?? 0,
      kev: f.kev !== undefined,
      epss: f.epss?.score ?? 0,
      fixable: f.status === 'fixed',
      fixedVersions: f.fixedVersions,
      status: f.status,
      fixAvailableDays: BigInt(input.vulnerabilityFacts[i]?.fixDays ?? -1),
      packageName: f.package?.name ?? '',
      packageVersion: f.package?.version ?? '',
      ecosystem: f.package?.ecosystem ?? '',
    }),
    ));
    },
    get findings() {
      return (findings ??= subject.findings
      .filter((f) => f.kind !== 'vulnerability')
      .map(
        (f) =>
          new FindingType({
        kind: f.kind,
        id: f.id,
        severity: f.severity,
        summary: f.summary ?? '',
        path: f.package?.path ?? '',
        layer: f.package?.layer ?? '',
      }),
      ));
    },
    deploy: new Deploy({
      present: deploy !== undefined,
      privileged: deploy?.privileged ?? false,
      capAdd: deploy?.capAdd ?? [],
      hostNetwork: deploy?.hostNetwork ?? false,
      hostPID: deploy?.hostPID ?? false,
      hostIPC: deploy?.hostIPC ?? false,
      mounts: (deploy?.mounts ?? []).map((m) => new Mount({ source: m.source, target: m.target, type: m.type, readOnly: m.readOnly })),
      readOnlyRootfs: deploy?.readOnlyRootfs ?? false,
      noNewPrivileges: deploy?.noNewPrivileges ?? false,
      seccompProfile: deploy?.seccompProfile ?? '',
      apparmorProfile: deploy?.apparmorProfile ?? '',
      user: deploy?.user ?? '',
      memory: BigInt(Math.floor(deploy?.resources.memory ?? 0)),
      cpus: deploy?.resources.cpus ?? 0,
      pids: BigInt(Math.floor(deploy?.resources.pids ?? 0)),
    }),
    environment: subject.environment ?? '',
    kubeNamespace: subject.namespace ?? '',
    labels: subject.labels ?? {},
  };
}
