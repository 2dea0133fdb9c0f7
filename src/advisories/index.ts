/**
 * Bulkhead's advisory knowledge base: feed parsers (OSV, Debian Security
 * Tracker, Alpine secdb, NVD, CISA KEV, EPSS) that turn untrusted feed data
 * into validated Advisory and enrichment records, the SQLite store matchers
 * query through AdvisoryIndex, `db update` downloads, `db import` inputs and
 * the export bundle for air-gapped hosts.
 */
export { openAdvisoryStore, type AdvisoryStore, type DatabaseStatus, type SearchResult, type SourceStatus, type StoredAdvisory } from './store/advisory-store.js';
export { defaultDatabasePath } from './store/default-database-path.js';
export type { ApplyResult } from './store/apply-batches.js';
export { normalizePackageName } from './package-name.js';
export { createSkipLog, type FeedBatch, type EnrichmentRecord, type SkipLog } from './feed-batch.js';
export { parseOsvRecord } from './feeds/osv/parse-osv.js';
export { mapOsvEcosystem } from './feeds/osv/osv-ecosystem.js';
export { parseDebianTracker, DEBIAN_RELEASES } from './feeds/debian/parse-debian-tracker.js';
export { parseSecdb } from './feeds/alpine/parse-secdb.js';
export { parseNvdDocument } from './feeds/nvd/parse-nvd.js';
export { parseKev } from './feeds/kev/parse-kev.js';
export { parseEpssCsv } from './feeds/epss/parse-epss.js';
export { importPaths } from './import/import-paths.js';
export { parseFeedData } from './import/parse-feed-data.js';
export { exportBundle, type ExportResult } from './bundle/export-bundle.js';
export { resolveFeedConfig, SOURCE_NAMES, DEFAULT_SOURCES, type FeedConfig, type SourceName } from './update/feed-config.js';
export { updateDatabase } from './update/update-database.js';
