/**
 * Applies VEX statements to findings. A suppressing statement (not_affected,
 * fixed, resolved, false_positive) whose vulnerability is the finding's id or
 * one of its aliases, and whose product is the finding's package (by purl,
 * version and qualifiers optional on the statement side, or by bom-ref) or the
 * scanned image itself (pkg:oci / pkg:docker purl naming its digest or
 * repository), marks the finding suppressed. Suppressed findings stay in the
 * result so reports can show why they are not counted.
 */
import type { Finding } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import { parsePurl, type PurlParts } from '../../domain/purl.js';
import type { VexProduct, VexStatement } from './vex-statement.js';

export function applyVex(findings: readonly Finding[], statements: readonly VexStatement[], image?: ImageMetadata): Finding[] {
  const active = statements.filter((s) => s.suppresses);
  if (active.length === 0) return [...findings];
  const byVulnerability = new Map<string, VexStatement[]>();
  for (const s of active) for (const v of s.vulnerabilities) byVulnerability.set(v, [...(byVulnerability.get(v) ?? []), s]);
  const imageIds = imageIdentifiers(image);
  return findings.map((finding) => {
    if (finding.suppressed || !finding.package) return finding;
    const candidates = [finding.id, ...finding.aliases].flatMap((id) => byVulnerability.get(id) ?? []);
    const pkg = finding.package;
    const hit = candidates.find((s) => s.products.some((p) => productCovers(p, pkg, imageIds)));
    if (!hit) return finding;
    return {
      ...finding,
      suppressed: {
        by: 'vex',
        status: hit.status,
        ...(hit.justification ? { justification: hit.justification } : {}),
        ...(hit.statement ? { statement: hit.statement } : {}),
        document: hit.document,
      },
    };
  });
}

/**
 * With subcomponents, the statement is about those components inside the
 * product: the product must be this image (or an identifier we cannot check
 * against it) and a subcomponent must name the package. Without, the product
 * itself is the package or the whole image.
 */
function productCovers(product: VexProduct, pkg: { readonly id: string; readonly purl: string }, ids: ImageIds): boolean {
  const names = (id: string): boolean => id === pkg.id || purlCovers(id, pkg.purl);
  if (product.subcomponents.length > 0) {
    const here = product.ids.some((id) => imageProduct(id, ids)) || !product.ids.some(isImagePurl);
    return here && product.subcomponents.some(names);
  }
  return product.ids.some((id) => names(id) || imageProduct(id, ids));
}

function isImagePurl(id: string): boolean {
  const p = tryParse(id);
  return p !== undefined && (p.type === 'oci' || p.type === 'docker');
}

function tryParse(purl: string): PurlParts | undefined {
  if (!purl.startsWith('pkg:')) return undefined;
  try {
    return parsePurl(purl);
  } catch {
    return undefined;
  }
}

/** The statement's purl names this package: type, namespace and name equal; version and qualifiers only where the statement gives them. */
function purlCovers(statementPurl: string, packagePurl: string): boolean {
  if (statementPurl === packagePurl) return true;
  const s = tryParse(statementPurl);
  const p = tryParse(packagePurl);
  if (!s || !p) return false;
  if (s.type !== p.type || (s.namespace ?? '') !== (p.namespace ?? '') || s.name !== p.name) return false;
  if (s.version !== undefined && s.version !== p.version) return false;
  for (const [key, value] of Object.entries(s.qualifiers ?? {})) if (value !== undefined && p.qualifiers?.[key] !== value) return false;
  return true;
}

interface ImageIds {
  readonly digests: ReadonlySet<string>;
  readonly repositories: ReadonlySet<string>;
}

function imageIdentifiers(image: ImageMetadata | undefined): ImageIds {
  const digests = new Set<string>();
  const repositories = new Set<string>();
  if (image) {
    digests.add(image.configDigest);
    if (image.manifestDigest) digests.add(image.manifestDigest);
    for (const rd of image.repoDigests) {
      const [repo, digest] = rd.split('@');
      if (digest) digests.add(digest);
      if (repo) repositories.add(lastSegment(repo));
    }
    for (const tag of image.repoTags) repositories.add(lastSegment(tag.replace(/:[^:/]+$/, '')));
  }
  return { digests, repositories };
}

function lastSegment(repo: string): string {
  return repo.split('/').at(-1) ?? repo;
}

/** A statement about the image as a whole (pkg:oci/NAME@DIGEST, pkg:docker/NAME@…) covers every package in it. */
function imageProduct(product: string, ids: ImageIds): boolean {
  const p = tryParse(product);
  if (!p || (p.type !== 'oci' && p.type !== 'docker')) return false;
  if (p.version !== undefined) return ids.digests.has(p.version);
  return ids.repositories.has(p.name);
}
