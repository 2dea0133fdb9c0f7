/**
 * npm versions: SemVer 2.0.0 precedence (build metadata ignored) with the
 * acceptance rules of node-semver's strict parser, which npm uses: an optional
 * leading `v`, surrounding whitespace trimmed, at most 256 characters, and
 * numeric parts no larger than Number.MAX_SAFE_INTEGER.
 * Range matching (`^1.2`, `~1.2.3`, `1.x || >=2.1.0 <3`, …) is in semver-range.ts.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, SchemeName, VersionScheme } from './scheme.js';
import { comparePrereleaseIdentifiers, compareSemverLike } from './semver-like.js';


export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const BUILD_ID = '[0-9a-zA-Z-]+';
/** SemVer 2.0.0's grammar: groups are major, minor, patch, prerelease, build. */
export const SEMVER_CORE = `(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?`;
const STRICT = new RegExp(`^${SEMVER_CORE}$`);
const NPM = new RegExp(`^v?${SEMVER_CORE}$`);
const MAX_LENGTH = 256;
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

function fromMatch(m: RegExpExecArray): SemVer {
  return {
    major: m[1]!,
    minor: m[2]!,
    patch: m[3]!,
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5] ? m[5].split('.') : [],
  };
}

/** Parses exactly the SemVer 2.0.0 grammar (no `v`, no whitespace); undefined when it does not match. */
export function parseSemVer(v: string): SemVer | undefined {
  const m = STRICT.exec(v);
  return m ? fromMatch(m) : undefined;
}

/** Parses a version as node-semver's `new SemVer(v)` does; undefined where it would throw. */
export function parseNpmVersion(v: string): SemVer | undefined {
  if (v.length > MAX_LENGTH) return undefined;
  const m = NPM.exec(v.trim());
  if (!m) return undefined;
  const parsed = fromMatch(m);
  for (const part of [parsed.major, parsed.minor, parsed.patch]) if (compareDigits(part, MAX_SAFE) > 0) return undefined;
  return parsed;
}

/** SemVer 2.0.0 precedence (rule 11). */
export function compareSemVer(a: SemVer, b: SemVer): Ordering {
  const r = compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (r !== 0) return r;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return a.prerelease.length === b.prerelease.length ? 0 : a.prerelease.length === 0 ? 1 : -1;
  }
  return comparePrereleaseIdentifiers(a.prerelease, b.prerelease);
}

/** Builds a SemVer-based scheme from a parser; cargo and npm differ only in what they accept. */
export function semverScheme(name: SchemeName, parse: (v: string) => SemVer | undefined, rule: string): VersionScheme {
  const strict = (v: string): SemVer => {
    const p = parse(v);
    if (!p) throw new InvalidVersionError(name, v, rule);
    return p;
  };
  return {
    name,
    valid: (v) => parse(v) !== undefined,
    compare: (a, b) => compareSemVer(strict(a), strict(b)),
    compareLoose: (a, b) => {
      const x = parse(a);
      const y = parse(b);
      return x && y ? compareSemVer(x, y) : compareSemverLike(a, b);
    },
  };
}

export const semver: VersionScheme = semverScheme('semver', parseNpmVersion, 'not a SemVer 2.0.0 version (node-semver strict parsing)');
