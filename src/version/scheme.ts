/** The contract every version scheme implements, and the names schemes go by. */

export const SCHEME_NAMES = [
  'deb',
  'rpm',
  'apk',
  'semver',
  'pep440',
  'maven',
  'go',
  'gem',
  'nuget',
  'composer',
  'cargo',
] as const;

export type SchemeName = (typeof SCHEME_NAMES)[number];

/** The sign of a comparison, normalised so callers can switch on it. */
export type Ordering = -1 | 0 | 1;

export interface VersionScheme {
  readonly name: SchemeName;
  /** True when the ecosystem's own tool accepts `v` as a version. */
  valid(v: string): boolean;
  /**
   * The ecosystem's ordering of two valid versions.
   * @throws InvalidVersionError when either side is not `valid`.
   */
  compare(a: string, b: string): Ordering;
  /**
   * Never throws: a total preorder over every string. It agrees with `compare`
   * wherever both sides are valid; elsewhere it follows what the reference tools
   * do with bad input (apk and dpkg compare anyway, OSV's semantic package
   * parses leniently). Advisory matching uses this, because feeds carry
   * versions no package manager would accept and a scan must not stop on them.
   */
  compareLoose(a: string, b: string): Ordering;
}

/** Clamps any number to an Ordering. */
export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
