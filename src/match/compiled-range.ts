/**
 * OSV range evaluation with the events sorted once per range rather than on
 * every call: advisory indexes hand out the same parsed records to every
 * package that looks them up, so a range is compiled once and then walked
 * linearly for each installed version. Same semantics as version/osv-range's
 * rangeIncludes (checked against it by a property test).
 */
import type { AffectedRange } from '../domain/advisory.js';
import type { Ordering } from '../version/index.js';
import { recordMemo } from './record-memo.js';

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

interface CacheEntry {
  readonly cmp: Compare;
  readonly compiled: CompiledRange;
  /** A range compared by a second scheme (rare: SEMVER ranges read by another ecosystem's scheme). */
  others?: Map<Compare, CompiledRange>;
}

const cache = recordMemo<AffectedRange, CacheEntry>('compiled range');

export function compileRange(range: AffectedRange, cmp: Compare): CompiledRange {
  const entry = cache.get(range, (r) => ({ cmp, compiled: compile(r, cmp) }));
  if (entry.cmp === cmp) return entry.compiled;
  entry.others ??= new Map();
  let compiled = entry.others.get(cmp);
  if (compiled === undefined) {
    compiled = compile(range, cmp);
    entry.others.set(cmp, compiled);
  }
  return compiled;
}

/** "0" means "before every version"; at equal versions an interval opens before it closes. */
function order(x: Flat, y: Flat, cmp: Compare): number {
  const rx = x.kind === 'introduced' && x.version === '0' ? 0 : 1;
  const ry = y.kind === 'introduced' && y.version === '0' ? 0 : 1;
  return rx - ry || (rx === 0 ? 0 : cmp(x.version, y.version)) || KIND_ORDER[x.kind] - KIND_ORDER[y.kind];
}

function compile(range: AffectedRange, cmp: Compare): CompiledRange {
  const events: Flat[] = [];
  let limits: string[] | undefined;
  for (const e of range.events) {
    if (typeof e.introduced === 'string') events.push({ kind: 'introduced', version: e.introduced });
    if (typeof e.fixed === 'string') events.push({ kind: 'fixed', version: e.fixed });
    if (typeof e.last_affected === 'string') events.push({ kind: 'last_affected', version: e.last_affected });
    if (typeof e.limit === 'string') events.push({ kind: 'limit', version: e.limit });
  }
  // Feeds almost always list events in order already; checking that costs one comparison per event, a sort more.
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) sorted = order(events[i - 1]!, events[i]!, cmp) <= 0;
  // Array.prototype.sort is stable, so equal events keep their listed order.
  if (!sorted) events.sort((x, y) => order(x, y, cmp));
  for (const e of events) if (e.kind === 'limit') (limits ??= []).push(e.version);
  return { events, limits: limits ?? NO_LIMITS };
}

const NO_LIMITS: readonly string[] = [];

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
