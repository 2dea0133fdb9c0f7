/** Builds the CEL input model (cel-input-model.ts) from one evaluation's subject. */
import type { Finding as DomainFinding } from '../../domain/finding.js';
import type { Package as DomainPackage } from '../../domain/package.js';
import type { EvaluationInput, VulnerabilityFacts } from '../evaluation-input.js';
import { CEL_CLASSES, CEL_PACKAGE as CelPackage, CEL_VULNERABILITY as CelVulnerability } from './cel-classes.js';

const { Image, Finding: FindingType, Mount, Deploy } = CEL_CLASSES;

/**
 * The activation for one evaluation, built on first use so only policies with CEL rules pay for it.
 * It is kept on the input itself: a WeakMap keyed by short-lived inputs keeps
 * thousands of objects alive through young-generation collections.
 */
export function celActivationFor(input: EvaluationInput): Record<string, unknown> {
  return (input.cel.activation ??= celActivation(input));
}

/*
 * The three lists are pure functions of the subject's lists (and, for
 * vulnerabilities, of the facts array, which evaluation-input reuses while
 * the day counts hold), so they are kept per list: an image's lists are
 * evaluated again under every run request an enforcement point sees.
 */
const celPackages = new WeakMap<readonly DomainPackage[], readonly object[]>();
const celVulnerabilities = new WeakMap<readonly VulnerabilityFacts[], readonly object[]>();
const celFindings = new WeakMap<readonly DomainFinding[], readonly object[]>();

function cached<K extends object>(map: WeakMap<K, readonly object[]>, key: K, build: () => readonly object[]): readonly object[] {
  let list = map.get(key);
  if (!list) {
    list = build();
    map.set(key, list);
  }
  return list;
}

function celActivation(input: EvaluationInput): Record<string, unknown> {
  const { subject, image } = input;
  const deploy = subject.deploy;
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
      return cached(celPackages, subject.packages, () => subject.packages.map((p) => new CelPackage(p)));
    },
    get vulnerabilities() {
      // Findings share a few day counts; a bigint is allocated per distinct one.
      const days = new Map<number, bigint>();
      return cached(celVulnerabilities, input.vulnerabilityFacts, () => input.vulnerabilities.map((f, i) => {
        const facts = input.vulnerabilityFacts[i];
        const fixDays = facts?.fixDays ?? -1;
        let fixAvailableDays = days.get(fixDays);
        if (fixAvailableDays === undefined) {
          fixAvailableDays = BigInt(fixDays);
          days.set(fixDays, fixAvailableDays);
        }
        return new CelVulnerability(f, facts?.cvss ?? 0, fixAvailableDays);
      }));
    },
    get findings() {
      return cached(celFindings, subject.findings, () => subject.findings
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
