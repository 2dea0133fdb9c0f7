/**
 * SPDX 2.3 JSON writer, by hand: no maintained library writes SPDX 2.3 JSON.
 * The document DESCRIBES the image package, which CONTAINS every package;
 * dependencies are DEPENDS_ON. Declared licenses that are not SPDX become
 * LicenseRef-… entries of hasExtractedLicensingInfos, so licenseDeclared is
 * always a valid expression. Written piece by piece (json-pieces.ts), a few
 * packages or relationships at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Inventory } from '../../domain/inventory.js';
import type { Package } from '../../domain/package.js';
import { imageSubject } from '../image-subject.js';
import { jsonArrayOf, jsonLater, jsonPieces } from '../json-pieces.js';
import { parseSpdxExpression } from '../spdx-license-expression.js';
import { createSpdxIdAllocator } from './spdx-element-id.js';

export interface SpdxOptions {
  /** documentNamespace; a fresh urn:uuid when absent. Fixed in golden tests. */
  readonly documentNamespace?: string;
  /** creationInfo.created; now when absent. */
  readonly created?: Date;
}

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded?: string;
  licenseDeclared?: string;
  copyrightText?: string;
  sourceInfo?: string;
  description?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose: string;
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
  comment?: string;
}

const SPDX_ROOT_ID = 'SPDXRef-DocumentRoot';
const SPDX_OS_ID = 'SPDXRef-OperatingSystem';
const SPDX_PACKAGE_PREFIX = 'SPDXRef-Package-';

/** The document as one string: spdxPieces joined. */
export function toSpdx(inv: Inventory, options: SpdxOptions = {}): string {
  return [...spdxPieces(inv, options)].join('');
}

/**
 * The document piece by piece (a batch of packages or relationships each):
 * packages are described, written and dropped a batch at a time, so the
 * document never exists whole.
 */
export function* spdxPieces(inv: Inventory, options: SpdxOptions = {}): Generator<string, void, undefined> {
  const subject = imageSubject(inv);
  const licenses = createLicenseRefs();
  const packageId = createSpdxIdAllocator(SPDX_PACKAGE_PREFIX);

  const root: SpdxPackage = {
    name: subject.name,
    SPDXID: SPDX_ROOT_ID,
    versionInfo: subject.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    externalRefs: subject.purl ? [purlRef(subject.purl)] : undefined,
    primaryPackagePurpose: subject.kind === 'container' ? 'CONTAINER' : 'FILE',
  };
  const distro: SpdxPackage | undefined =
    inv.distro === undefined
      ? undefined
      : {
          name: inv.distro.id,
          SPDXID: SPDX_OS_ID,
          versionInfo: inv.distro.versionId,
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: false,
          description: inv.distro.prettyName,
          primaryPackagePurpose: 'OPERATING_SYSTEM',
        };

  // Element ids are handed out in package order before anything is written.
  const unique: { readonly pkg: Package; readonly id: string }[] = [];
  const seen = new Set<string>();
  for (const pkg of inv.packages) {
    if (seen.has(pkg.id)) continue;
    seen.add(pkg.id);
    unique.push({ pkg, id: packageId(pkg.id) });
  }

  function* packages(): Generator<SpdxPackage, void, undefined> {
    yield root;
    if (distro !== undefined) yield distro;
    for (const { pkg, id } of unique) yield spdxPackage(pkg, id, licenses.declared(pkg.licenses));
  }

  function* relationships(): Generator<SpdxRelationship, void, undefined> {
    yield { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: SPDX_ROOT_ID };
    if (distro !== undefined) yield { spdxElementId: SPDX_ROOT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: SPDX_OS_ID };
    for (const { id } of unique) yield { spdxElementId: SPDX_ROOT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: id };
    for (const rel of inv.relationships) {
      if (!seen.has(rel.from) || !seen.has(rel.to)) continue;
      const from = packageId(rel.from);
      const to = packageId(rel.to);
      if (rel.type === 'depends-on') yield { spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to };
      if (rel.type === 'contains') yield { spdxElementId: from, relationshipType: 'CONTAINS', relatedSpdxElement: to };
      if (rel.type === 'owns') yield { spdxElementId: from, relationshipType: 'OTHER', relatedSpdxElement: to, comment: 'owns' };
    }
  }

  const created = (options.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subject.name,
    documentNamespace: options.documentNamespace ?? `urn:uuid:${randomUUID()}`,
    creationInfo: { created, creators: [`Tool: ${inv.tool.name}-${inv.tool.version}`] },
    packages: jsonArrayOf(packages()),
    // Known only once every package's licenses have been written.
    hasExtractedLicensingInfos: jsonLater(() => {
      const extracted = licenses.extracted();
      return extracted.length > 0 ? extracted : undefined;
    }),
    relationships: jsonArrayOf(relationships()),
  };
  yield* jsonPieces(document);
  yield '\n';
}

function spdxPackage(pkg: Package, id: string, licenseDeclared: string): SpdxPackage {
  const all = [...new Set(pkg.locations.map((location) => location.path))];
  // A package spread over thousands of files would otherwise bloat every document.
  const paths = all.length > 10 ? [...all.slice(0, 10), `… ${all.length - 10} more`] : all;
  return {
    name: pkg.name,
    SPDXID: id,
    versionInfo: pkg.version || undefined,
    supplier: supplierOf(pkg),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared,
    copyrightText: 'NOASSERTION',
    sourceInfo: paths.length > 0 ? `found by ${pkg.foundBy} in ${paths.join(', ')}` : `found by ${pkg.foundBy}`,
    externalRefs: pkg.purl ? [purlRef(pkg.purl)] : undefined,
    primaryPackagePurpose: pkg.ecosystem === 'binary' ? 'APPLICATION' : 'LIBRARY',
  };
}

function purlRef(purl: string): { referenceCategory: string; referenceType: string; referenceLocator: string } {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

/** SPDX supplier syntax from what catalogers record: rpm vendor, dpkg/apk maintainer. */
function supplierOf(pkg: Package): string | undefined {
  const meta = pkg.metadata ?? {};
  const given = meta['supplier'];
  if (typeof given === 'string' && /^(Person|Organization): \S/.test(given)) return oneLine(given);
  const vendor = meta['vendor'];
  if (typeof vendor === 'string' && vendor.trim() !== '') return `Organization: ${oneLine(vendor)}`;
  const maintainer = meta['maintainer'];
  if (typeof maintainer === 'string' && maintainer.trim() !== '') {
    // "Name <mail>" is the Debian/Alpine spelling; SPDX wants "Name (mail)".
    const match = /^(.*?)\s*<([^>]*)>\s*$/.exec(maintainer);
    return match ? `Person: ${oneLine(match[1] ?? '')} (${oneLine(match[2] ?? '')})` : `Person: ${oneLine(maintainer)}`;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface ExtractedLicense {
  licenseId: string;
  extractedText: string;
  name: string;
}

/** Turns declared license strings into one licenseDeclared expression, minting LicenseRefs for names. */
function createLicenseRefs(): { declared(texts: readonly string[]): string; extracted(): ExtractedLicense[] } {
  const allocate = createSpdxIdAllocator('LicenseRef-');
  const extracted = new Map<string, ExtractedLicense>();
  return {
    declared(texts) {
      const unique = [...new Set(texts.map((text) => text.trim()).filter((text) => text !== ''))];
      const parts = unique.map((text) => {
        const parsed = parseSpdxExpression(text);
        // Someone else's LicenseRef/DocumentRef has no definition in this document: wrap it in one of ours.
        const spdx = parsed?.kind === 'expression' && /(LicenseRef|DocumentRef)-/.test(parsed.expression) ? undefined : parsed;
        if (spdx?.kind === 'id') return spdx.id;
        if (spdx?.kind === 'expression') return unique.length > 1 && /\s/.test(spdx.expression) ? `(${spdx.expression})` : spdx.expression;
        const licenseId = allocate(text);
        if (!extracted.has(text)) extracted.set(text, { licenseId, extractedText: text, name: text });
        return licenseId;
      });
      return parts.length === 0 ? 'NOASSERTION' : parts.join(' AND ');
    },
    extracted: () => [...extracted.values()],
  };
}
