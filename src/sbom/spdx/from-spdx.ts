/**
 * SPDX 2.2/2.3 JSON → packages, dependencies, image and distro. Packages
 * are recognised by their PACKAGE-MANAGER purl; the described CONTAINER
 * package is the image and an OPERATING_SYSTEM package without a purl the
 * distro.
 */
import type { Distro } from '../../domain/distro.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { ScanWarning } from '../../domain/inventory.js';
import type { Package, Relationship } from '../../domain/package.js';
import { parsePurl } from '../../domain/purl.js';
import type { SbomContent } from '../sbom-content.js';
import { packageOfSbomEntry } from '../sbom-package.js';
import { spdxConjuncts } from '../spdx-license-expression.js';
import type { SpdxDocument, SpdxDocumentPackage } from './spdx-document.js';

const READER = 'sbom/spdx';

export function fromSpdx(doc: SpdxDocument): SbomContent {
  const warnings: ScanWarning[] = [];
  const warn = (message: string): void => void warnings.push({ message, source: READER });
  const ours = (doc.creationInfo?.creators ?? []).some((creator) => /^Tool:\s*bulkhead-/.test(creator));
  const licenseNames = new Map<string, string>();
  for (const info of doc.hasExtractedLicensingInfos ?? []) {
    const name = info.name ?? info.extractedText;
    // Only short texts read as license names; a whole license text does not.
    if (name !== undefined && name !== '' && name.length <= 200 && !name.includes('\n')) licenseNames.set(info.licenseId, name);
  }

  const described = new Set(doc.documentDescribes ?? []);
  for (const rel of doc.relationships ?? []) {
    if (rel.spdxElementId === doc.SPDXID && rel.relationshipType === 'DESCRIBES') described.add(rel.relatedSpdxElement);
    if (rel.relatedSpdxElement === doc.SPDXID && rel.relationshipType === 'DESCRIBED_BY') described.add(rel.spdxElementId);
  }

  const packages: Package[] = [];
  const idOf = new Map<string, string>();
  let image: ImageMetadata | undefined;
  let distro: Distro | undefined;
  for (const entry of doc.packages ?? []) {
    const purl = purlOf(entry);
    const purpose = entry.primaryPackagePurpose;
    if (purpose === 'CONTAINER' || purlType(purl) === 'oci' || purlType(purl) === 'docker') {
      if (described.has(entry.SPDXID)) image ??= imageOf(entry, purl);
      continue;
    }
    if (purpose === 'OPERATING_SYSTEM' && purl === undefined) {
      distro ??= {
        id: entry.name,
        ...(entry.versionInfo ? { versionId: entry.versionInfo } : {}),
        ...(entry.description ? { prettyName: entry.description } : {}),
        idLike: [],
        source: READER,
      };
      continue;
    }
    if (idOf.has(entry.SPDXID)) {
      warn(`duplicate SPDXID ${JSON.stringify(entry.SPDXID.slice(0, 200))}; later package skipped`);
      continue;
    }
    const supplier = entry.supplier && entry.supplier !== 'NOASSERTION' ? entry.supplier : undefined;
    const pkg = packageOfSbomEntry(
      {
        id: entry.SPDXID,
        name: entry.name,
        version: entry.versionInfo,
        purl,
        licenses: licensesOf(entry, ours, licenseNames),
        trustName: ours,
        foundBy: READER,
        metadata: supplier ? { supplier } : undefined,
      },
      warn,
    );
    if (pkg === undefined) continue;
    idOf.set(entry.SPDXID, pkg.id);
    packages.push(pkg);
  }

  const relationships: Relationship[] = [];
  for (const rel of doc.relationships ?? []) {
    const a = idOf.get(rel.spdxElementId);
    const b = idOf.get(rel.relatedSpdxElement);
    if (a === undefined || b === undefined || a === b) continue;
    if (rel.relationshipType === 'DEPENDS_ON') relationships.push({ from: a, to: b, type: 'depends-on' });
    else if (rel.relationshipType === 'DEPENDENCY_OF') relationships.push({ from: b, to: a, type: 'depends-on' });
    else if (rel.relationshipType === 'CONTAINS') relationships.push({ from: a, to: b, type: 'contains' });
    else if (rel.relationshipType === 'CONTAINED_BY') relationships.push({ from: b, to: a, type: 'contains' });
    else if (rel.relationshipType === 'OTHER' && rel.comment === 'owns') relationships.push({ from: a, to: b, type: 'owns' });
  }
  return { reader: READER, packages, relationships, image, distro, warnings };
}

function purlOf(entry: SpdxDocumentPackage): string | undefined {
  return entry.externalRefs?.find(
    (ref) =>
      (ref.referenceCategory === 'PACKAGE-MANAGER' || ref.referenceCategory === 'PACKAGE_MANAGER') &&
      ref.referenceType === 'purl',
  )?.referenceLocator;
}

function purlType(purl: string | undefined): string | undefined {
  const match = purl === undefined ? null : /^pkg:\/*([A-Za-z0-9.+-]+)\//.exec(purl);
  return match?.[1]?.toLowerCase();
}

function licensesOf(entry: SpdxDocumentPackage, ours: boolean, names: ReadonlyMap<string, string>): string[] {
  const expression = [entry.licenseDeclared, entry.licenseConcluded].find(
    (value) => value !== undefined && value !== '' && value !== 'NOASSERTION' && value !== 'NONE',
  );
  if (expression === undefined) return [];
  // Bulkhead writes several declared licenses as one AND, names as LicenseRefs: undo both.
  const parts = (ours ? spdxConjuncts(expression) : undefined) ?? [expression.trim()];
  return parts.map((part) => names.get(part) ?? part);
}

const DIGEST = /^sha(256|512):[a-f0-9]+$/;

function imageOf(entry: SpdxDocumentPackage, purl: string | undefined): ImageMetadata {
  let arch = '';
  try {
    arch = purl ? (parsePurl(purl).qualifiers?.['arch'] ?? '') : '';
  } catch {
    arch = '';
  }
  const digest = entry.versionInfo !== undefined && DIGEST.test(entry.versionInfo) ? entry.versionInfo : '';
  return {
    configDigest: digest,
    repoTags: /^[\w.\-/:]+:[\w][\w.-]*$/.test(entry.name) ? [entry.name] : [],
    repoDigests: [],
    os: '',
    architecture: arch,
    config: { env: [], exposedPorts: [], volumes: [], labels: {} },
    history: [],
    layers: [],
  };
}
