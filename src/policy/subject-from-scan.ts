/**
 * Builds a policy Subject from what the scan pipeline produced: the inventory
 * (image metadata, packages) and, once matching and checks run, their
 * findings and the file contents application-config rules ask for.
 */
import type { Finding } from '../domain/finding.js';
import type { Inventory } from '../domain/inventory.js';
import type { DeployRequest, Subject, SubjectEnvironment, SubjectFile } from '../domain/subject.js';
import { formatReference, parseImageReference, repositoryName } from '../image/sources/image-reference.js';

export interface ScanResultForPolicy {
  readonly inventory: Inventory;
  readonly findings?: readonly Finding[];
  readonly advisorySnapshot?: string;
  readonly files?: Readonly<Record<string, SubjectFile>>;
}

export interface SubjectContext {
  readonly environment?: SubjectEnvironment;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly deploy?: DeployRequest;
}

/** Strips the transport prefix of registry/docker targets so the rest parses as an image reference. */
function imageReferenceOf(target: Inventory['target']): string | undefined {
  if (target.kind !== 'registry' && target.kind !== 'docker') return undefined;
  return target.reference.replace(/^(registry|docker):/, '');
}

export function subjectFromScan(scan: ScanResultForPolicy, context: SubjectContext = {}): Subject {
  const inv = scan.inventory;
  const raw = imageReferenceOf(inv.target);
  let ref;
  try {
    ref = raw ? parseImageReference(raw) : undefined;
  } catch {
    ref = undefined;
  }
  const meta = inv.image;
  const image = meta
    ? {
        ...(ref ? { reference: formatReference(ref), registry: ref.domain, repository: repositoryName(ref), pinnedByDigest: ref.digest !== undefined } : {}),
        tags: ref?.tag ? [ref.tag] : [],
        ...((ref?.digest ?? meta.manifestDigest) ? { digest: ref?.digest ?? meta.manifestDigest } : {}),
        metadata: meta,
      }
    : undefined;
  return {
    ...(image ? { image } : {}),
    packages: inv.packages,
    findings: scan.findings ?? [],
    ...(scan.files ? { files: scan.files } : {}),
    ...(context.deploy ? { deploy: context.deploy } : {}),
    ...(context.environment ? { environment: context.environment } : {}),
    ...(context.namespace ? { namespace: context.namespace } : {}),
    ...(context.labels ? { labels: context.labels } : {}),
    basis: { inventoryId: inv.id, ...(scan.advisorySnapshot ? { advisorySnapshot: scan.advisorySnapshot } : {}) },
  };
}
