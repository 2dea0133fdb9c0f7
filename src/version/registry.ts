/**
 * Looks schemes up by name (with the aliases people and feeds use) and by
 * Bulkhead ecosystem.
 */
import { BadInputError } from '../domain/errors.js';
import type { Ecosystem } from '../domain/ecosystem.js';
import { apk } from './apk.js';
import { cargo } from './cargo.js';
import { composer } from './composer.js';
import { deb } from './deb.js';
import { gem } from './gem.js';
import { go } from './go.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import { SCHEME_NAMES, type SchemeName, type VersionScheme } from './scheme.js';
import { semver } from './semver.js';

const SCHEMES = { deb, rpm, apk, semver, pep440, maven, go, gem, nuget, composer, cargo } as const satisfies Record<SchemeName, VersionScheme>;

/** Other spellings, lower-case. */
const ALIASES: Readonly<Record<string, SchemeName>> = {
  npm: 'semver',
  pypi: 'pep440',
  python: 'pep440',
  golang: 'go',
  rubygems: 'gem',
  'crates.io': 'cargo',
  crates: 'cargo',
  packagist: 'composer',
  debian: 'deb',
  ubuntu: 'deb',
  dpkg: 'deb',
  alpine: 'apk',
  redhat: 'rpm',
  'red hat': 'rpm',
  rhel: 'rpm',
  rocky: 'rpm',
  'rocky linux': 'rpm',
  alma: 'rpm',
  almalinux: 'rpm',
  centos: 'rpm',
  fedora: 'rpm',
};

/**
 * A scheme by name or alias, case-insensitive.
 * @throws BadInputError naming the valid schemes when nothing matches.
 */
export function getScheme(name: string): VersionScheme {
  const key = name.trim().toLowerCase();
  const scheme = (SCHEMES as Record<string, VersionScheme>)[key] ?? (ALIASES[key] ? SCHEMES[ALIASES[key]] : undefined);
  if (!scheme) {
    throw new BadInputError(
      `unknown version scheme ${JSON.stringify(name)}; valid schemes: ${SCHEME_NAMES.join(', ')} (aliases: ${Object.keys(ALIASES).join(', ')})`,
    );
  }
  return scheme;
}

const BY_ECOSYSTEM = {
  deb,
  apk,
  rpm,
  npm: semver,
  pypi: pep440,
  go,
  maven,
  gem,
  cargo,
  composer,
  nuget,
  // Versions scraped from binaries (openssl 1.1.1k, busybox 1.36.1) are dotted numbers with
  // letter tails; semver's lenient ordering is the closest general fit.
  binary: semver,
} as const satisfies Record<Ecosystem, VersionScheme>;

/** The scheme that orders versions of packages in `ecosystem`. */
export function schemeForEcosystem(ecosystem: Ecosystem): VersionScheme {
  return BY_ECOSYSTEM[ecosystem];
}
