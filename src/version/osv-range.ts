/**
 * Decides whether a version falls inside an OSV `affected[]` entry, following
 * the OSV schema's evaluation rules: the explicit `versions` list, then each
 * ECOSYSTEM or SEMVER range (GIT ranges name commits, not versions, and are
 * skipped), whose events are sorted by version ("0" first) and walked in order:
 * `introduced` opens an affected interval, `fixed` closes it at that version,
 * `last_affected` closes it after that version, and a `limit` caps the range.
 *
 * Comparison uses the scheme's `compareLoose`, because advisories carry
 * versions that the ecosystem's strict parser would refuse and a scan must not
 * stop on them. SEMVER ranges always use SemVer ordering, whatever the scheme.
 */
import type { Ordering, VersionScheme } from './scheme.js';
import { semver } from './semver.js';

export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

export interface OsvRange {
  readonly type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | (string & {});
  readonly events: readonly OsvEvent[];
}

export interface OsvAffected {
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Flat {
  readonly kind: Kind;
  readonly version: string;
}

const KIND_ORDER: Readonly<Record<Kind, number>> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

function flatten(events: readonly OsvEvent[]): Flat[] {
  const out: Flat[] = [];
  for (const e of events) {
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const v = e[kind];
      if (typeof v === 'string') out.push({ kind, version: v });
    }
  }
  return out;
}

function sortEvents(events: Flat[], cmp: (a: string, b: string) => Ordering): Flat[] {
  // "0" means "before every version"; at equal versions an interval opens before it closes.
  const rank = (e: Flat): number => (e.kind === 'introduced' && e.version === '0' ? 0 : 1);
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => rank(x.e) - rank(y.e) || (rank(x.e) === 0 ? 0 : cmp(x.e.version, y.e.version)) || KIND_ORDER[x.e.kind] - KIND_ORDER[y.e.kind] || x.i - y.i)
    .map(({ e }) => e);
}

/** True when `version` is inside one range (limits included). */
export function rangeIncludes(cmp: (a: string, b: string) => Ordering, version: string, range: OsvRange): boolean {
  const events = sortEvents(flatten(range.events), cmp);
  const limits = events.filter((e) => e.kind === 'limit');
  // A limit of "*" is unbounded; otherwise versions at or past every limit are out of range.
  if (limits.length > 0 && !limits.some((l) => l.version === '*' || cmp(version, l.version) < 0)) return false;
  let affected = false;
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (e.version === '0' || cmp(version, e.version) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (cmp(version, e.version) >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (cmp(version, e.version) > 0) affected = false;
    }
  }
  return affected;
}

/**
 * OSV's is_affected(): listed explicitly in `versions` (exactly, or equal under
 * the scheme when both sides are valid), or inside any ECOSYSTEM/SEMVER range.
 */
export function isAffected(scheme: VersionScheme, version: string, affected: OsvAffected): boolean {
  for (const listed of affected.versions ?? []) {
    if (listed === version) return true;
    if (scheme.valid(listed) && scheme.valid(version) && scheme.compare(listed, version) === 0) return true;
  }
  for (const range of affected.ranges ?? []) {
    if (range.type === 'ECOSYSTEM' && rangeIncludes(scheme.compareLoose, version, range)) return true;
    if (range.type === 'SEMVER' && rangeIncludes(semver.compareLoose, version, range)) return true;
  }
  return false;
}
