/**
 * The version scheme an OSV record's `affected[].package.ecosystem` implies.
 * Every ecosystem uses its Bulkhead scheme, except two. Alpine versions that apk
 * rejects are ordered the way OSV's reference does (osv-alpine-compare.ts).
 * Packagist: OSV's reference
 * implementation orders Packagist versions with a PHP version_compare()-like
 * rule on the raw strings, without Composer's normalization (so `1.0.0 > 1.0`),
 * and records must be read the way they were written.
 */
import { apk } from './apk.js';
import { compareOsvAlpine } from './osv-alpine-compare.js';
import { compareOsvPackagist } from './osv-packagist-compare.js';
import { composer } from './composer.js';
import { InvalidVersionError } from './invalid-version-error.js';
import { getScheme } from './registry.js';
import type { VersionScheme } from './scheme.js';

/** OSV ecosystem names (before any ':release' suffix), lower-cased, to scheme names. */
const OSV_ECOSYSTEMS: Readonly<Record<string, string>> = {
  debian: 'deb',
  ubuntu: 'deb',
  alpine: 'apk',
  'red hat': 'rpm',
  'rocky linux': 'rpm',
  almalinux: 'rpm',
  npm: 'semver',
  pypi: 'pep440',
  go: 'go',
  maven: 'maven',
  rubygems: 'gem',
  nuget: 'nuget',
  packagist: 'composer',
  'crates.io': 'cargo',
};

const osvPackagist: VersionScheme = {
  name: 'composer',
  valid: composer.valid,
  compare: (a, b) => {
    for (const v of [a, b]) if (!composer.valid(v)) throw new InvalidVersionError('composer', v, 'Composer cannot normalize it');
    return compareOsvPackagist(a, b);
  },
  compareLoose: compareOsvPackagist,
};

const osvAlpine: VersionScheme = {
  ...apk,
  compareLoose: (a, b) => (apk.valid(a) && apk.valid(b) ? apk.compare(a, b) : compareOsvAlpine(a, b)),
};

/**
 * The scheme for an OSV ecosystem string such as 'PyPI', 'Debian:12' or 'Alpine:v3.19';
 * undefined for ecosystems Bulkhead has no scheme for (Hex, Pub, CRAN, …).
 */
export function schemeForOsvEcosystem(ecosystem: string): VersionScheme | undefined {
  const base = ecosystem.split(':')[0]!.trim().toLowerCase();
  const name = OSV_ECOSYSTEMS[base];
  if (!name) return undefined;
  if (name === 'composer') return osvPackagist;
  if (name === 'apk') return osvAlpine;
  return getScheme(name);
}
