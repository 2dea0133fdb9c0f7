/**
 * Decides what one advisory statement (an AffectedPackage) says about one
 * installed version: not affected, or affected with a status, the fixed
 * versions above it and the range text that matched (the finding's evidence).
 */
import type { AffectedPackage, AffectedRange } from '../domain/advisory.js';
import type { FindingStatus } from '../domain/finding.js';
import { isAffected, rangeIncludes, semver, type VersionScheme } from '../version/index.js';

export type Verdict =
  | { readonly affected: false; readonly notAffectedStatement: boolean }
  | { readonly affected: true; readonly status: FindingStatus; readonly fixedVersions: readonly string[]; readonly range?: string };

const NOT_AFFECTED: Verdict = { affected: false, notAffectedStatement: false };

export function evaluateAffected(scheme: VersionScheme, version: string, affected: AffectedPackage): Verdict {
  if (affected.status === 'not-affected') return { affected: false, notAffectedStatement: true };
  const hasData = affected.ranges.some(usable) || affected.versions.length > 0;
  if (affected.status !== 'affected') {
    // A distro's open statuses cover every version unless the statement narrows them.
    if (hasData && !isAffected(scheme, version, affected)) return NOT_AFFECTED;
    const matched = affected.ranges.find((r) => usable(r) && includes(scheme, version, r));
    return { affected: true, status: affected.status, fixedVersions: [], ...(matched ? { range: rangeText(matched) } : {}) };
  }
  // A resolved statement with nothing to compare (a fix in version "0" read as no events) affects nothing.
  if (!hasData || !isAffected(scheme, version, affected)) return NOT_AFFECTED;
  const listed = affected.versions.includes(version) || affected.versions.some((v) => scheme.compareLoose(v, version) === 0);
  const matched = affected.ranges.find((r) => usable(r) && includes(scheme, version, r));
  const fixed = new Set<string>();
  for (const range of affected.ranges) {
    if (!usable(range)) continue;
    const cmp = range.type === 'SEMVER' ? semver.compareLoose : scheme.compareLoose;
    for (const event of range.events) if (event.fixed !== undefined && cmp(event.fixed, version) > 0) fixed.add(event.fixed);
  }
  const fixedVersions = [...fixed].sort(scheme.compareLoose);
  return {
    affected: true,
    status: fixedVersions.length > 0 ? 'fixed' : 'unfixed',
    fixedVersions,
    ...(matched ? { range: rangeText(matched) } : listed ? { range: `listed: ${version}` } : {}),
  };
}

function usable(range: AffectedRange): boolean {
  return range.type === 'ECOSYSTEM' || range.type === 'SEMVER';
}

function includes(scheme: VersionScheme, version: string, range: AffectedRange): boolean {
  return rangeIncludes(range.type === 'SEMVER' ? semver.compareLoose : scheme.compareLoose, version, range);
}

/** '>=0, <1.0.1e-2+deb7u5'; several intervals are joined with ' || '. */
export function rangeText(range: AffectedRange): string {
  const parts: string[] = [];
  let current: string[] = [];
  for (const e of range.events) {
    if (e.introduced !== undefined) {
      if (current.length > 0) parts.push(current.join(', '));
      current = [`>=${e.introduced}`];
    }
    if (e.fixed !== undefined) current.push(`<${e.fixed}`);
    if (e.last_affected !== undefined) current.push(`<=${e.last_affected}`);
    if (e.limit !== undefined) current.push(`<${e.limit} (limit)`);
  }
  if (current.length > 0) parts.push(current.join(', '));
  return parts.join(' || ');
}
