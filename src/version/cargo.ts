/**
 * crates.io versions as Cargo reads them (the `semver` crate): exactly the
 * SemVer 2.0.0 grammar, no `v` prefix or whitespace, numeric parts within u64.
 * Ordering is SemVer precedence. The crate's `Ord` additionally breaks ties on
 * build metadata; Cargo's requirement matching and OSV both ignore it, and so
 * does this scheme, so `1.0.0+a` and `1.0.0+b` compare equal. Requirement
 * matching (`^1.2`, `>=1, <2`) is in cargo-range.ts, re-exported as `satisfies`.
 */
import { compareDigits } from './compare-digits.js';
import type { VersionScheme } from './scheme.js';
import { parseSemVer, semverScheme, type SemVer } from './semver.js';

export { satisfies } from './cargo-range.js';

const U64_MAX = '18446744073709551615';

function parseCargoVersion(v: string): SemVer | undefined {
  const p = parseSemVer(v);
  if (!p) return undefined;
  for (const part of [p.major, p.minor, p.patch]) if (compareDigits(part, U64_MAX) > 0) return undefined;
  return p;
}

export const cargo: VersionScheme = semverScheme('cargo', parseCargoVersion, 'not a SemVer 2.0.0 version');
