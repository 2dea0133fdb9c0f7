/**
 * Decides what one advisory statement (an AffectedPackage) says about one
 * installed version: not affected, or affected with a status, the fixed
 * versions above it and the range text that matched (the finding's evidence).
 */
import type { AffectedPackage, AffectedRange } from '../domain/advisory.js';
import type { FindingStatus } from '../domain/finding.js';
import { semver, type VersionScheme } from '../version/index.js';
import { compiledIncludes, compileRange } from './compiled-range.js';
import { recordMemo } from './record-memo.js';

export type Verdict =
  | { readonly affected: false; readonly notAffectedStatement: boolean }
  | { readonly affected: true; readonly status: FindingStatus; readonly fixedVersions: readonly string[]; readonly range?: string };

const NOT_AFFECTED: Verdict = { affected: false, notAffectedStatement: false };

export function evaluateAffected(scheme: VersionScheme, version: string, affected: AffectedPackage): Verdict {
  if (affected.status === 'not-affected') return { affected: false, notAffectedStatement: true };
  // One pass over the ranges: which one holds the version (evidence) and which fixes lie above it.
  let matched: AffectedRange | undefined;
  let hasRanges = false;
  const fixed: string[] = [];
  for (const range of affected.ranges) {
    if (!usable(range)) continue;
    hasRanges = true;
    const cmp = range.type === 'SEMVER' ? semver.compareLoose : scheme.compareLoose;
    if (matched === undefined && compiledIncludes(compileRange(range, cmp), cmp, version)) matched = range;
    for (const event of range.events) if (event.fixed !== undefined && !fixed.includes(event.fixed) && cmp(event.fixed, version) > 0) fixed.push(event.fixed);
  }
  const listed = matched === undefined && isListed(scheme, version, affected.versions);
  const inside = matched !== undefined || listed;
  const range = matched ? { range: rangeText(matched) } : listed ? { range: `listed: ${version}` } : {};
  if (affected.status !== 'affected') {
    // A distro's open statuses cover every version unless the statement narrows them.
    if ((hasRanges || affected.versions.length > 0) && !inside) return NOT_AFFECTED;
    return { affected: true, status: affected.status, fixedVersions: [], ...range };
  }
  // A resolved statement with nothing to compare (a fix in version "0" read as no events) affects nothing.
  if (!inside) return NOT_AFFECTED;
  if (fixed.length > 1) fixed.sort(scheme.compareLoose);
  return { affected: true, status: fixed.length > 0 ? 'fixed' : 'unfixed', fixedVersions: fixed, ...range };
}

/** OSV's explicit `versions`: the same string, or equal under the scheme when both sides are valid. */
function isListed(scheme: VersionScheme, version: string, versions: readonly string[]): boolean {
  if (versions.length === 0) return false;
  if (versions.includes(version)) return true;
  return scheme.valid(version) && versions.some((v) => scheme.valid(v) && scheme.compare(v, version) === 0);
}

function usable(range: AffectedRange): boolean {
  return range.type === 'ECOSYSTEM' || range.type === 'SEMVER';
}

const texts = recordMemo<AffectedRange, string>('range text');

/** '>=0, <1.0.1e-2+deb7u5'; several intervals are joined with ' || '. Cached per range (indexes share records). */
export function rangeText(range: AffectedRange): string {
  return texts.get(range, formatRange);
}

function formatRange(range: AffectedRange): string {
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
