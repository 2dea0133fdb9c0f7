/**
 * OSV range evaluation with the events sorted once per range rather than on
 * every call: advisory indexes hand out the same parsed records to every
 * package that looks them up, so a range is compiled once and then walked
 * linearly for each installed version. Same semantics as version/osv-range's
 * rangeIncludes (checked against it by a property test).
 */
import type { AffectedRange } from '../domain/advisory.js';
import type { Ordering } from '../version/index.js';

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Flat {
  readonly kind: Kind;
  readonly version: string;
}
const KIND_ORDER: Readonly<Record<Kind, number>> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };
type Compare = (a: string, b: string) => Ordering;

export interface CompiledRange {
  readonly events: readonly Flat[];
  readonly limits: readonly string[];
}

const cache = new WeakMap<AffectedRange, Map<Compare, CompiledRange>>();

export function compileRange(range: AffectedRange, cmp: Compare): CompiledRange {
  let byCmp = cache.get(range);
  if (byCmp === undefined) {
    byCmp = new Map();
    cache.set(range, byCmp);
  }
  let compiled = byCmp.get(cmp);
  if (compiled === undefined) {
    const flat: Flat[] = [];
    for (const e of range.events) {
      for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
        const v = e[kind];
        if (typeof v === 'string') flat.push({ kind, version: v });
      }
    }
    // "0" means "before every version"; at equal versions an interval opens before it closes.
    const rank = (e: Flat): number => (e.kind === 'introduced' && e.version === '0' ? 0 : 1);
    const events = flat
      .map((e, i) => ({ e, i }))
      .sort((x, y) => rank(x.e) - rank(y.e) || (rank(x.e) === 0 ? 0 : cmp(x.e.version, y.e.version)) || KIND_ORDER[x.e.kind] - KIND_ORDER[y.e.kind] || x.i - y.i)
      .map(({ e }) => e);
    compiled = { events, limits: events.filter((e) => e.kind === 'limit').map((e) => e.version) };
    byCmp.set(cmp, compiled);
  }
  return compiled;
}

export function compiledIncludes(compiled: CompiledRange, cmp: Compare, version: string): boolean {
  if (compiled.limits.length > 0 && !compiled.limits.some((l) => l === '*' || cmp(version, l) < 0)) return false;
  let affected = false;
  for (const e of compiled.events) {
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
