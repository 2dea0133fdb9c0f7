/**
 * The advisory database's SQLite schema. Every feed's rows carry the feed
 * name so a re-import replaces exactly that feed; `affected` is the lookup
 * table matchers hit (ecosystem, name, distro → advisory row).
 */
export const SCHEMA_VERSION = 1;

/** Indexes SCHEMA_SQL creates that no constraint needs; a bulk write into an empty database builds them afterwards. */
export const SECONDARY_INDEXES = ['affected_lookup', 'affected_advisory', 'aliases_alias', 'aliases_advisory', 'advisories_id', 'enrichment_feed'] as const;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  origin TEXT NOT NULL,
  digest TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  advisories INTEGER NOT NULL,
  enrichments INTEGER NOT NULL,
  skipped INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS advisories (
  rowid INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  json TEXT NOT NULL,
  -- Long prose kept out of \`json\` so lookups parse only what matchers use.
  details TEXT,
  UNIQUE (feed, id)
);
CREATE TABLE IF NOT EXISTS affected (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  distro TEXT NOT NULL,
  advisory INTEGER NOT NULL
);
-- Covering: a lookup reads only this index, then the advisory rows it points at.
CREATE INDEX IF NOT EXISTS affected_lookup ON affected (ecosystem, name, distro, advisory);
CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory);
CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, advisory INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases (alias);
CREATE INDEX IF NOT EXISTS aliases_advisory ON aliases (advisory);
CREATE INDEX IF NOT EXISTS advisories_id ON advisories (id);
CREATE TABLE IF NOT EXISTS enrichment (
  cve TEXT NOT NULL,
  kind TEXT NOT NULL,
  feed TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (cve, kind, feed)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS enrichment_feed ON enrichment (feed);
`;
