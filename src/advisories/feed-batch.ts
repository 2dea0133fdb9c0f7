/**
 * What a feed parser hands the store: the records of one feed (a source the
 * store replaces as a whole on the next import of the same feed), with the
 * count and first few reasons of records it had to skip.
 */
import type { Advisory, VulnerabilityEnrichment } from '../domain/advisory.js';

/** One scoring fact about a CVE; `kind` says which part of VulnerabilityEnrichment it fills. */
export type EnrichmentRecord =
  | { readonly cve: string; readonly kind: 'kev'; readonly data: NonNullable<VulnerabilityEnrichment['kev']> }
  | { readonly cve: string; readonly kind: 'epss'; readonly data: NonNullable<VulnerabilityEnrichment['epss']> }
  | { readonly cve: string; readonly kind: 'nvd'; readonly data: NonNullable<VulnerabilityEnrichment['nvd']> };

export interface FeedBatch {
  /** Store key of the feed: 'osv:Go', 'debian-tracker', 'alpine-secdb:v3.19/main', 'kev', … */
  readonly feed: string;
  /** Where it came from (URL or file path), for `db status`. */
  readonly origin: string;
  /** sha256 of the raw input; the snapshot id is derived from these. */
  readonly digest: string;
  readonly advisories: readonly Advisory[];
  readonly enrichments: readonly EnrichmentRecord[];
  readonly skipped: number;
  /** First few skip reasons, for the user; the full count is `skipped`. */
  readonly warnings: readonly string[];
  readonly etag?: string;
  readonly lastModified?: string;
}

/** Collects skip reasons without letting a hostile feed grow the list without bound. */
export interface SkipLog {
  skipped: number;
  readonly warnings: string[];
  skip(reason: string): void;
}

export function createSkipLog(maxWarnings = 50): SkipLog {
  const log: SkipLog = {
    skipped: 0,
    warnings: [],
    skip(reason) {
      log.skipped++;
      if (log.warnings.length < maxWarnings) log.warnings.push(reason.length > 300 ? `${reason.slice(0, 300)}…` : reason);
    },
  };
  return log;
}
