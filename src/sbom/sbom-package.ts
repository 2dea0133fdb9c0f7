import type { Ecosystem } from '../domain/ecosystem.js';
import type { Confidence, DependencyScope, Package, PackageLocation, SourcePackage } from '../domain/package.js';
import { parsePurl } from '../domain/purl.js';
import type { PurlParts } from '../domain/purl.js';
import { ecosystemOfPurlType, nativeNameOfPurl } from './ecosystem-of-purl.js';

/** One package as an SBOM reader found it, before it becomes a Package. */
export interface SbomEntry {
  readonly id: string;
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  readonly licenses: readonly string[];
  /**
   * Whether the document's name is Bulkhead's own Package.name (documents
   * Bulkhead wrote). Otherwise the name is rebuilt from the purl: producers
   * disagree on component names, and matchers need the ecosystem's spelling.
   */
  readonly trustName: boolean;
  readonly foundBy: string;
  readonly arch?: string;
  readonly distro?: string;
  readonly source?: SourcePackage;
  readonly scope?: string;
  readonly confidence?: string;
  readonly locations?: readonly PackageLocation[];
  readonly metadata?: Readonly<Record<string, string>>;
}

const SCOPES: ReadonlySet<string> = new Set<DependencyScope>(['prod', 'dev', 'optional', 'peer']);
const CONFIDENCES: ReadonlySet<string> = new Set<Confidence>(['high', 'medium', 'low']);

/** Builds the Package, or explains through `warn` why the entry cannot be one. */
export function packageOfSbomEntry(entry: SbomEntry, warn: (message: string) => void): Package | undefined {
  const label = JSON.stringify(entry.name.slice(0, 200));
  if (entry.purl === undefined || entry.purl === '') {
    warn(`package ${label} has no purl; skipped`);
    return undefined;
  }
  let parts: PurlParts;
  try {
    parts = parsePurl(entry.purl);
  } catch {
    warn(`package ${label} has an invalid purl ${JSON.stringify(entry.purl.slice(0, 200))}; skipped`);
    return undefined;
  }
  const ecosystem: Ecosystem | undefined = ecosystemOfPurlType(parts.type);
  if (ecosystem === undefined) {
    warn(`package ${label}: purl type ${JSON.stringify(parts.type.slice(0, 50))} is not supported; skipped`);
    return undefined;
  }
  const qualifiers = parts.qualifiers ?? {};
  const name = entry.trustName && entry.name !== '' ? entry.name : nativeNameOfPurl(parts, ecosystem);
  const source = entry.source ?? upstreamOf(qualifiers['upstream']);
  const arch = entry.arch ?? qualifiers['arch'];
  const distro = entry.distro ?? qualifiers['distro'];
  const metadata = entry.metadata !== undefined && Object.keys(entry.metadata).length > 0 ? entry.metadata : undefined;
  return {
    id: entry.id,
    ecosystem,
    name,
    version: entry.version ?? parts.version ?? '',
    purl: entry.purl,
    ...(arch ? { arch } : {}),
    ...(source ? { source } : {}),
    ...(distro ? { distro } : {}),
    licenses: entry.licenses,
    locations: entry.locations ?? [],
    foundBy: entry.foundBy,
    ...(entry.scope !== undefined && SCOPES.has(entry.scope) ? { scope: entry.scope as DependencyScope } : {}),
    ...(entry.confidence !== undefined && CONFIDENCES.has(entry.confidence)
      ? { confidence: entry.confidence as Confidence }
      : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/** The purl `upstream` qualifier: source package as `name` or `name@version`. */
function upstreamOf(value: string | undefined): SourcePackage | undefined {
  if (value === undefined || value === '') return undefined;
  const at = value.indexOf('@');
  if (at <= 0) return { name: value };
  return { name: value.slice(0, at), version: value.slice(at + 1) || undefined };
}
