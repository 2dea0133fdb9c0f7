/**
 * Turns one matched advisory statement into a Finding: primary id (the CVE
 * where a distro tracks by CVE), severity (the distro's or ecosystem's own
 * rating first, then the highest CVSS including NVD's, then unknown), CVE
 * enrichment (EPSS, KEV) and the package as found in the image.
 */
import type { AdvisoryIndex, Advisory, AffectedPackage, VulnerabilityEnrichment } from '../domain/advisory.js';
import type { Finding, FindingEvidence, FindingPackage } from '../domain/finding.js';
import type { LayerRef } from '../domain/image.js';
import type { Package } from '../domain/package.js';
import { SEVERITY_RANK, type SeverityLevel, type SeverityRating } from '../domain/severity.js';
import type { Verdict } from './evaluate-affected.js';
import { recordMemo } from './record-memo.js';

const CVE = /CVE-\d{4}-\d{4,}/;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

export interface FindingInput {
  readonly pkg: Package;
  readonly advisory: Advisory;
  readonly affected: AffectedPackage;
  readonly verdict: Verdict & { affected: true };
  readonly evidence: FindingEvidence;
  readonly index: AdvisoryIndex;
  /** The package as findings show it (computed once per package). */
  readonly findingPackage: FindingPackage;
}

export function buildFinding(input: FindingInput): Finding {
  const { advisory, affected, verdict, index } = input;
  const { id, aliases } = primaryId(advisory, affected.distro !== undefined);
  const cve = CVE_ID.test(id) ? id : aliases.find((a) => CVE_ID.test(a));
  const enrichment: VulnerabilityEnrichment | undefined = cve ? index.enrichment(cve) : undefined;
  const nvd = enrichment?.nvd;
  // Most findings have one source of ratings and CWEs: reuse the advisory's arrays rather than copying them.
  const ratings =
    !affected.severity && !nvd?.severity.length ? uniqueRatings(advisory.severity) : uniqueRatings([...(affected.severity ? [affected.severity] : []), ...advisory.severity, ...(nvd?.severity ?? [])]);
  const cwes = nvd?.cwes.length ? [...new Set([...advisory.cwes, ...nvd.cwes])] : uniqueStrings(advisory.cwes);
  const summary = advisory.summary ?? enrichment?.nvd?.summary ?? firstLine(advisory.details);
  const published = advisory.published ?? enrichment?.nvd?.published;
  return {
    kind: 'vulnerability',
    id,
    aliases,
    package: input.findingPackage,
    severity: severityOf(affected, advisory, enrichment),
    ratings,
    ...(enrichment?.epss ? { epss: { score: enrichment.epss.score, percentile: enrichment.epss.percentile } } : {}),
    ...(enrichment?.kev ? { kev: { dateAdded: enrichment.kev.dateAdded, ...(enrichment.kev.dueDate ? { dueDate: enrichment.kev.dueDate } : {}) } } : {}),
    fixedVersions: verdict.fixedVersions,
    status: verdict.status,
    ...(published ? { published } : {}),
    ...(affected.fixAvailableSince ? { fixAvailableSince: affected.fixAvailableSince } : {}),
    ...(summary ? { summary } : {}),
    references: advisory.references,
    evidence: { ...input.evidence, ...(verdict.range ? { range: verdict.range } : {}) },
    ...(cwes.length > 0 ? { cwes } : {}),
  };
}

/**
 * Distros track vulnerabilities by CVE even where the record is a DSA/DLA or
 * 'DEBIAN-CVE-…': the CVE becomes the id and the record's id an alias, so
 * one vulnerability reads the same across feeds.
 */
const ids = recordMemo<Advisory, { distro?: PrimaryId; language?: PrimaryId }>('primary ids');
type PrimaryId = { readonly id: string; readonly aliases: readonly string[] };

export function primaryId(advisory: Advisory, distro: boolean): PrimaryId {
  const entry = ids.get(advisory, () => ({}));
  const key = distro ? 'distro' : 'language';
  return (entry[key] ??= computePrimaryId(advisory, distro));
}

function computePrimaryId(advisory: Advisory, distro: boolean): PrimaryId {
  const all = [advisory.id, ...advisory.aliases];
  let id = advisory.id;
  if (distro && !/^CVE-/.test(advisory.id)) {
    const embedded = CVE.exec(advisory.id)?.[0];
    const cves = [...new Set(advisory.aliases.filter((a) => /^CVE-\d{4}-\d{4,}$/.test(a)))];
    id = embedded ?? (cves.length === 1 ? cves[0]! : advisory.id);
  }
  return { id, aliases: [...new Set(all.filter((a) => a !== id))] };
}

function severityOf(affected: AffectedPackage, advisory: Advisory, enrichment: VulnerabilityEnrichment | undefined): SeverityLevel {
  if (affected.severity && affected.severity.level !== 'unknown') return affected.severity.level;
  const own = advisory.severity.find((r) => r.type === 'rating' && r.level !== 'unknown');
  if (own) return own.level;
  let best: SeverityLevel = 'unknown';
  for (const r of [...advisory.severity, ...(enrichment?.nvd?.severity ?? [])]) {
    if (r.type !== 'rating' && SEVERITY_RANK[r.level] > SEVERITY_RANK[best]) best = r.level;
  }
  return best;
}

function uniqueRatings(ratings: readonly SeverityRating[]): readonly SeverityRating[] {
  if (ratings.length < 2) return ratings;
  const seen = new Set<string>();
  return ratings.filter((r) => {
    const key = `${r.source}|${r.type}|${r.vector ?? ''}|${r.score ?? ''}|${r.level}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function uniqueStrings(values: readonly string[]): readonly string[] {
  return values.length < 2 || new Set(values).size === values.length ? values : [...new Set(values)];
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0]?.trim();
  return line ? line.slice(0, 300) : undefined;
}

export function findingPackage(pkg: Package, layers: ReadonlyMap<string, LayerRef>): FindingPackage {
  const location = pkg.locations.find((l) => l.layer !== undefined) ?? pkg.locations[0];
  const createdBy = location?.layer ? layers.get(location.layer)?.createdBy : undefined;
  return {
    id: pkg.id,
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    ...(location ? { path: location.path } : {}),
    ...(location?.layer ? { layer: location.layer } : {}),
    ...(createdBy ? { createdBy } : {}),
  };
}
