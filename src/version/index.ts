/**
 * Version schemes: how each ecosystem spells and orders versions (deb, rpm,
 * apk, semver/npm, pep440, maven, go, gem, nuget, composer, cargo), their
 * range languages where matching needs them, and OSV range evaluation.
 * Matchers ask `schemeForEcosystem` or `schemeForOsvEcosystem` for a scheme and
 * call `compareLoose` on advisory data; the CLI's `version compare` uses
 * `getScheme` with `valid` and `compare`.
 */
export { SCHEME_NAMES, type SchemeName, type Ordering, type VersionScheme } from './scheme.js';
export { InvalidVersionError } from './invalid-version-error.js';
export { getScheme, schemeForEcosystem } from './registry.js';
export { schemeForOsvEcosystem } from './osv-ecosystem-scheme.js';
export { isAffected, rangeIncludes, type OsvAffected, type OsvRange, type OsvEvent } from './osv-range.js';
export { deb, parseDebVersion, type DebVersion } from './deb.js';
export { rpm, rpmvercmp, parseRpmEvr, compareRpmEvr, type RpmEvr } from './rpm.js';
export { apk, compareApkVersions } from './apk.js';
export { semver } from './semver.js';
export { satisfies as semverSatisfies } from './semver-range.js';
export { parseSemverRange, type SemverRange } from './semver-range.js';
export { pep440 } from './pep440.js';
export { satisfies as pep440Satisfies } from './pep440-specifier.js';
export { parsePep440SpecifierSet, type Pep440SpecifierSet } from './pep440-specifier.js';
export { maven } from './maven.js';
export { satisfies as mavenSatisfies } from './maven-range.js';
export { parseMavenRange, type MavenRange } from './maven-range.js';
export { go, canonicalGoVersion, compareGoModVersions } from './go.js';
export { gem } from './gem.js';
export { nuget } from './nuget.js';
export { composer, normalizeComposerVersion } from './composer.js';
export { cargo, satisfies as cargoSatisfies } from './cargo.js';
export { parseCargoRequirement, type CargoRequirement } from './cargo-range.js';
