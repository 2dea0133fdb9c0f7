/**
 * Advisories as Bulkhead stores them, whatever feed they came from: what is
 * affected (by ecosystem, distro release and the name matchers look up),
 * with the feed's own ranges, explicit versions and distro statuses.
 */
import type { Ecosystem } from './ecosystem.js';
import type { SeverityRating } from './severity.js';

/** A distro's verdict for one package in one release; range-based feeds use 'affected'. */
export type AffectedStatus =
  | 'affected'
  | 'not-affected'
  | 'unfixed'
  | 'will-not-fix'
  | 'postponed'
  | 'undetermined';

/** OSV range event: exactly one key set. */
export interface VersionEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

export interface AffectedRange {
  readonly type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  readonly events: readonly VersionEvent[];
}

export interface AffectedPackage {
  readonly ecosystem: Ecosystem;
  /** Distro release the statement is for ('debian-12', 'alpine-3.19', 'ubuntu-22.04'); absent for language ecosystems. */
  readonly distro?: string;
  /**
   * The name matchers look up: the source package for deb and rpm, the origin
   * for apk, the ecosystem-normalized name for language packages (PEP 503,
   * `group:artifact` for Maven, module path for Go, `stdlib` for the toolchain).
   */
  readonly name: string;
  readonly ranges: readonly AffectedRange[];
  /** Explicitly listed affected versions (OSV `versions`). */
  readonly versions: readonly string[];
  readonly status: AffectedStatus;
  /** Distro urgency / severity for this package, where the feed gives one. */
  readonly severity?: SeverityRating;
  /** When the fix became available, where the source says so (ISO date). */
  readonly fixAvailableSince?: string;
}

export interface Reference {
  readonly type: string;
  readonly url: string;
}

export interface Advisory {
  /** The feed's id: CVE-…, GHSA-…, GO-…, RUSTSEC-…, DSA-…, ALPINE-… */
  readonly id: string;
  readonly aliases: readonly string[];
  /** Feed that supplied it: 'osv:Debian', 'osv:npm', 'debian-tracker', 'alpine-secdb', … */
  readonly source: string;
  readonly published?: string;
  readonly modified?: string;
  readonly withdrawn?: string;
  readonly summary?: string;
  readonly details?: string;
  readonly severity: readonly SeverityRating[];
  readonly cwes: readonly string[];
  readonly affected: readonly AffectedPackage[];
  readonly references: readonly Reference[];
}

/** Facts about a CVE from scoring feeds (never used for matching). */
export interface VulnerabilityEnrichment {
  readonly cve: string;
  readonly kev?: { readonly dateAdded: string; readonly dueDate?: string; readonly knownRansomware?: boolean; readonly name?: string };
  readonly epss?: { readonly score: number; readonly percentile: number; readonly date?: string };
  readonly nvd?: { readonly severity: readonly SeverityRating[]; readonly cwes: readonly string[]; readonly published?: string; readonly summary?: string };
}

/** What matchers search: advisories by (ecosystem, lookup name, distro), plus CVE enrichment. */
export interface AdvisoryIndex {
  /** Identifies the advisory data state; findings record it. */
  readonly snapshot: string;
  /**
   * Advisories with an AffectedPackage for this ecosystem and name; for OS
   * ecosystems only those for the given distro release.
   */
  lookup(ecosystem: Ecosystem, name: string, distro?: string): readonly Advisory[];
  enrichment(cve: string): VulnerabilityEnrichment | undefined;
}
