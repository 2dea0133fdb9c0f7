/**
 * Go module versions as golang.org/x/mod/semver reads them: a required `v`,
 * the shorthands `v1` and `v1.2` (meaning v1.0.0 and v1.2.0), SemVer
 * pre-release and build suffixes. Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5)
 * are pre-releases and sort as such; `+incompatible` is build metadata and is
 * ignored. OSV's Go ecosystem writes versions without the `v`; `compareLoose`
 * accepts both spellings.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';
import { comparePrereleaseIdentifiers, compareSemverLike } from './semver-like.js';

export interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Includes the leading '-', or ''. */
  readonly prerelease: string;
  /** Includes the leading '+', or ''. */
  readonly build: string;
  /** True for the v1 / v1.2 shorthands, which cannot carry a suffix. */
  readonly short: boolean;
}

const NUM = '(0|[1-9]\\d*)';
const IDENT = '[0-9A-Za-z-]+';
const GO = new RegExp(`^v${NUM}(?:\\.${NUM}(?:\\.${NUM}(-${IDENT}(?:\\.${IDENT})*)?(\\+${IDENT}(?:\\.${IDENT})*)?)?)?$`);

// Matching compares the same few thousand advisory versions over and over; parsing dominated it.
const PARSED_LIMIT = 16_384;
const parsedCache = new Map<string, GoVersion | null>();

/** semver.parse(): undefined where IsValid is false. Results are shared (readonly) and memoized. */
export function parseGoVersion(v: string): GoVersion | undefined {
  const hit = parsedCache.get(v);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseUncached(v);
  if (parsedCache.size >= PARSED_LIMIT) parsedCache.clear();
  if (v.length <= 256) parsedCache.set(v, parsed ?? null);
  return parsed;
}

function parseUncached(v: string): GoVersion | undefined {
  const m = GO.exec(v);
  if (!m) return undefined;
  const prerelease = m[4] ?? '';
  // Numeric pre-release identifiers may not have leading zeros.
  if (prerelease && prerelease.slice(1).split('.').some((id) => /^0\d+$/.test(id))) return undefined;
  return { major: m[1]!, minor: m[2] ?? '0', patch: m[3] ?? '0', prerelease, build: m[5] ?? '', short: m[3] === undefined };
}

/** semver.Canonical(): vMAJOR.MINOR.PATCH[-pre], build dropped; '' when invalid. */
export function canonicalGoVersion(v: string): string {
  const p = parseGoVersion(v);
  if (!p) return '';
  // x/mod keeps "+incompatible" out of the canonical form like any other build suffix.
  return `v${p.major}.${p.minor}.${p.patch}${p.prerelease}`;
}

export function compareGoParsed(a: GoVersion, b: GoVersion): Ordering {
  const r = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (r !== 0) return r;
  if (a.prerelease === '' || b.prerelease === '') return a.prerelease === b.prerelease ? 0 : a.prerelease === '' ? 1 : -1;
  return comparePrereleaseIdentifiers(a.prerelease.slice(1).split('.'), b.prerelease.slice(1).split('.'));
}

/**
 * semver.Compare() exactly: never throws; an invalid version is less than every
 * valid one and equal to every other invalid one.
 */
export function compareGoModVersions(a: string, b: string): Ordering {
  const x = parseGoVersion(a);
  const y = parseGoVersion(b);
  if (!x || !y) return x === y ? 0 : x ? 1 : -1;
  return compareGoParsed(x, y);
}

function strict(v: string): GoVersion {
  const p = parseGoVersion(v);
  if (!p) throw new InvalidVersionError('go', v, 'not a Go module version (vMAJOR[.MINOR[.PATCH[-pre][+build]]])');
  return p;
}

const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);

export const go: VersionScheme = {
  name: 'go',
  valid: (v) => parseGoVersion(v) !== undefined,
  compare: (a, b) => compareGoParsed(strict(a), strict(b)),
  compareLoose: (a, b) => {
    const x = parseGoVersion(withV(a));
    const y = parseGoVersion(withV(b));
    return x && y ? compareGoParsed(x, y) : compareSemverLike(a, b);
  },
};
