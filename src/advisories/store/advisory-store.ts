/**
 * The advisory database as the rest of Bulkhead sees it: a read-only SQLite
 * handle answering lookups (`index()`), status and search, and `import()`,
 * which rewrites the file atomically (apply-batches.ts) and reopens it.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Advisory, AdvisoryIndex, VulnerabilityEnrichment } from '../../domain/advisory.js';
import type { Ecosystem } from '../../domain/ecosystem.js';
import { BadInputError } from '../../domain/errors.js';
import type { FeedBatch } from '../feed-batch.js';
import { applyBatches, type ApplyResult, type UnchangedFeed } from './apply-batches.js';
import { SCHEMA_VERSION } from './schema.js';

export interface SourceStatus {
  readonly name: string;
  readonly origin: string;
  readonly digest: string;
  readonly fetchedAt: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly advisories: number;
  readonly enrichments: number;
  readonly skipped: number;
}

export interface DatabaseStatus {
  readonly path: string;
  readonly snapshot?: string;
  readonly createdAt?: string;
  readonly advisories: number;
  readonly affected: number;
  readonly enrichments: number;
  readonly sources: readonly SourceStatus[];
}

export interface StoredAdvisory {
  readonly feed: string;
  readonly advisory: Advisory;
}

export interface SearchResult {
  readonly advisories: readonly StoredAdvisory[];
  readonly enrichment?: VulnerabilityEnrichment;
}

export interface AdvisoryStore {
  readonly path: string;
  /**
   * Lookups for matchers; reflects the file as it was when index() was called.
   * Advisories come back without `details` (long prose no finding needs); search() has it.
   */
  index(): AdvisoryIndex;
  status(): DatabaseStatus;
  /** By advisory id or alias (CVE-…, GHSA-…), else by package name in any ecosystem. */
  search(query: string, limit?: number): SearchResult;
  source(name: string): SourceStatus | undefined;
  /** Replaces the given feeds atomically; refused on a read-only store. */
  import(batches: readonly FeedBatch[], unchanged?: readonly UnchangedFeed[]): ApplyResult;
  /** Every stored row, for bundles. */
  rows(): { advisories: Iterable<{ feed: string; json: string }>; enrichments: Iterable<{ feed: string; cve: string; kind: string; json: string }> };
  close(): void;
}

const CACHE_LIMIT = 8192;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

interface StoredRow {
  readonly feed: string;
  readonly json: string;
  readonly details: string | null;
}

function withDetails(r: StoredRow): Advisory {
  const a = JSON.parse(r.json) as Advisory;
  return r.details === null ? a : { ...a, details: r.details };
}

function openReadHandle(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (!row || Number(row.value) !== SCHEMA_VERSION) {
      db.close();
      throw new BadInputError(`${file} is not a Bulkhead advisory database of schema ${SCHEMA_VERSION}`);
    }
  } catch (cause) {
    if (cause instanceof BadInputError) throw cause;
    throw new BadInputError(`${file} is not a usable advisory database: ${(cause as Error).message}`, { cause });
  }
  return db;
}

function createIndex(db: Database.Database): AdvisoryIndex {
  const snapshot = (db.prepare("SELECT value FROM meta WHERE key = 'snapshot'").get() as { value: string } | undefined)?.value ?? 'empty';
  const byDistro = db
    .prepare('SELECT a.rowid, a.json FROM affected f JOIN advisories a ON a.rowid = f.advisory WHERE f.ecosystem = ? AND f.name = ? AND f.distro = ?')
    .raw();
  // No DISTINCT: SQLite would build a temp b-tree per query; the same advisory under two distros is dropped below.
  const anyDistro = db.prepare('SELECT a.rowid, a.json FROM affected f JOIN advisories a ON a.rowid = f.advisory WHERE f.ecosystem = ? AND f.name = ?').raw();
  const enrich = db.prepare('SELECT kind, json FROM enrichment WHERE cve = ?');
  // One query for every CVE a lookup's advisories name, so matching a package costs one enrichment round trip, not one per CVE.
  const enrichMany = db.prepare('SELECT cve, kind, json FROM enrichment WHERE cve IN (SELECT value FROM json_each(?))').raw();
  const lookups = new Map<string, readonly Advisory[]>();
  const parsed = new Map<number, Advisory>();
  const enrichments = new Map<string, VulnerabilityEnrichment | undefined>();
  const remember = <K, V>(cache: Map<K, V>, key: K, value: V): V => {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as K);
    cache.set(key, value);
    return value;
  };
  const enrichmentOf = (cve: string, rows: readonly (readonly [string, string])[]): VulnerabilityEnrichment | undefined =>
    rows.length === 0 ? undefined : Object.assign({ cve }, ...rows.map(([kind, json]) => ({ [kind]: JSON.parse(json) as unknown })));
  const prefetchEnrichment = (list: readonly Advisory[]): void => {
    const wanted = new Set<string>();
    const want = (id: string): void => {
      if (id.startsWith('CVE-') && CVE_ID.test(id) && !enrichments.has(id)) wanted.add(id);
    };
    for (const a of list) {
      want(a.id);
      for (const id of a.aliases) want(id);
    }
    if (wanted.size === 0) return;
    const found = new Map<string, [string, string][]>();
    for (const [cve, kind, json] of enrichMany.all(JSON.stringify([...wanted])) as [string, string, string][]) {
      const rows = found.get(cve);
      if (rows) rows.push([kind, json]);
      else found.set(cve, [[kind, json]]);
    }
    for (const cve of wanted) remember(enrichments, cve, enrichmentOf(cve, found.get(cve) ?? []));
  };
  return {
    snapshot,
    lookup(ecosystem: Ecosystem, name: string, distro?: string) {
      const key = `${ecosystem}\0${name}\0${distro ?? '\u0001'}`;
      const hit = lookups.get(key);
      if (hit) return hit;
      // Language packages are stored with distro '' so one query shape serves both.
      const rows = (distro === undefined ? anyDistro.all(ecosystem, name) : byDistro.all(ecosystem, name, distro)) as [number, string][];
      const list: Advisory[] = [];
      // Only an any-distro lookup can return one advisory twice (once per distro); most lists are a row or two.
      const seen = distro === undefined && rows.length > 1 ? new Set<number>() : undefined;
      for (const [rowid, json] of rows) {
        if (seen) {
          if (seen.has(rowid)) continue;
          seen.add(rowid);
        }
        list.push(parsed.get(rowid) ?? remember(parsed, rowid, JSON.parse(json) as Advisory));
      }
      // Sorted here rather than in SQL: the lists are short and SQLite would build a temp b-tree per query.
      if (list.length > 1) list.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : x.source < y.source ? -1 : x.source > y.source ? 1 : 0));
      prefetchEnrichment(list);
      return remember(lookups, key, list);
    },
    enrichment(cve: string) {
      if (enrichments.has(cve)) return enrichments.get(cve);
      return remember(enrichments, cve, enrichmentOf(cve, (enrich.all(cve) as { kind: string; json: string }[]).map((r) => [r.kind, r.json] as const)));
    },
  };
}

function sourceFromRow(r: Record<string, unknown>): SourceStatus {
  return {
    name: r['name'] as string,
    origin: r['origin'] as string,
    digest: r['digest'] as string,
    fetchedAt: r['fetched_at'] as string,
    ...(r['etag'] ? { etag: r['etag'] as string } : {}),
    ...(r['last_modified'] ? { lastModified: r['last_modified'] as string } : {}),
    advisories: r['advisories'] as number,
    enrichments: r['enrichments'] as number,
    skipped: r['skipped'] as number,
  };
}

/**
 * Opens (read-only) the database at `file`. A missing file is a BadInputError
 * when `readonly`; otherwise an empty database is created there first.
 */
export function openAdvisoryStore(file: string, options: { readonly?: boolean } = {}): AdvisoryStore {
  if (!existsSync(file)) {
    if (options.readonly) throw new BadInputError(`no advisory database at ${file}; run "bulkhead db update" or "bulkhead db import"`);
    applyBatches(file, []);
  }
  let db = openReadHandle(file);
  const store: AdvisoryStore = {
    path: file,
    index: () => createIndex(db),
    status() {
      const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      const snapshot = meta.get('snapshot');
      const createdAt = meta.get('created_at');
      return {
        path: file,
        ...(snapshot ? { snapshot } : {}),
        ...(createdAt ? { createdAt } : {}),
        advisories: count('advisories'),
        affected: count('affected'),
        enrichments: (db.prepare('SELECT count(DISTINCT cve) AS n FROM enrichment').get() as { n: number }).n,
        sources: (db.prepare('SELECT * FROM sources ORDER BY name').all() as Record<string, unknown>[]).map(sourceFromRow),
      };
    },
    source(name) {
      const row = db.prepare('SELECT * FROM sources WHERE name = ?').get(name) as Record<string, unknown> | undefined;
      return row ? sourceFromRow(row) : undefined;
    },
    search(query, limit = 100) {
      const q = query.trim();
      const byId = db
        .prepare(
          `SELECT feed, json, details FROM advisories WHERE id = @q COLLATE NOCASE
           UNION SELECT a.feed, a.json, a.details FROM aliases s JOIN advisories a ON a.rowid = s.advisory WHERE s.alias = @q COLLATE NOCASE LIMIT @limit`,
        )
        .all({ q, limit }) as StoredRow[];
      const rows =
        byId.length > 0
          ? byId
          : (db
              .prepare(
                `SELECT DISTINCT a.feed AS feed, a.json AS json, a.details AS details FROM affected f JOIN advisories a ON a.rowid = f.advisory
                 WHERE f.name = @q OR f.name = lower(@q) OR f.name = @pep503 LIMIT @limit`,
              )
              .all({ q, pep503: q.toLowerCase().replace(/[-_.]+/g, '-'), limit }) as StoredRow[]);
      const advisories = rows.map((r) => ({ feed: r.feed, advisory: withDetails(r) }));
      const cve = /^CVE-\d{4}-\d+$/i.test(q) ? q.toUpperCase() : undefined;
      const enrichment = cve ? createIndex(db).enrichment(cve) : undefined;
      return { advisories, ...(enrichment ? { enrichment } : {}) };
    },
    import(batches, unchanged = []) {
      if (options.readonly) throw new BadInputError(`${file} was opened read-only`);
      const result = applyBatches(file, batches, unchanged);
      db.close();
      db = openReadHandle(file);
      return result;
    },
    rows: () => ({
      advisories: (function* () {
        for (const r of db.prepare('SELECT feed, json, details FROM advisories ORDER BY feed, id').iterate() as Iterable<StoredRow>) {
          yield { feed: r.feed, json: r.details === null ? r.json : JSON.stringify(withDetails(r)) };
        }
      })(),
      // Generators, so a statement only runs (and holds the connection) while it is consumed.
      enrichments: (function* () {
        yield* db.prepare('SELECT feed, cve, kind, json FROM enrichment ORDER BY feed, cve, kind').iterate() as Iterable<{ feed: string; cve: string; kind: string; json: string }>;
      })(),
    }),
    close: () => db.close(),
  };
  return store;
}
