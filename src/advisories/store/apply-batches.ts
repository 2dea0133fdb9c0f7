/**
 * Writes feed batches into the advisory database atomically: the current
 * file is copied next to itself, the copy is updated in one transaction with
 * journaling off (nothing to roll back: on failure the copy is discarded),
 * fsynced and renamed over the original. Readers holding the old file keep
 * reading it; a crash at any point leaves either the old or the new database,
 * never a mix.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../domain/errors.js';
import type { Advisory } from '../../domain/advisory.js';
import type { FeedBatch } from '../feed-batch.js';
import { bulkInsert } from './bulk-insert.js';
import { SCHEMA_SQL, SCHEMA_VERSION, SECONDARY_INDEXES } from './schema.js';

export interface ApplyResult {
  readonly snapshot: string;
  readonly feeds: readonly { readonly feed: string; readonly advisories: number; readonly enrichments: number; readonly skipped: number; readonly unchanged: boolean }[];
}

/** A feed the server reported unchanged (HTTP 304): only its fetch time moves. */
export interface UnchangedFeed {
  readonly feed: string;
}

function fsyncPath(p: string, dir = false): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, dir ? 'r' : 'r+');
    fsyncSync(fd);
  } catch (error) {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
    if (!dir) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function prepareWritableDatabase(db: Database.Database, file: string): void {
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -131072');
  db.exec(SCHEMA_SQL);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  if (row && Number(row.value) !== SCHEMA_VERSION) {
    throw new BadInputError(`${file} has advisory schema ${row.value}; this Bulkhead reads schema ${SCHEMA_VERSION} (delete it and run "bulkhead db update")`);
  }
}

function writeBatches(db: Database.Database, batches: readonly FeedBatch[], unchanged: readonly UnchangedFeed[], now: string): ApplyResult['feeds'] {
  const delAffected = db.prepare('DELETE FROM affected WHERE advisory IN (SELECT rowid FROM advisories WHERE feed = ?)');
  const delAliases = db.prepare('DELETE FROM aliases WHERE advisory IN (SELECT rowid FROM advisories WHERE feed = ?)');
  const delAdvisories = db.prepare('DELETE FROM advisories WHERE feed = ?');
  const delEnrichment = db.prepare('DELETE FROM enrichment WHERE feed = ?');
  const insAdvisory = bulkInsert(db, 'advisories', ['rowid', 'feed', 'id', 'source', 'json', 'details']);
  const insAffected = bulkInsert(db, 'affected', ['ecosystem', 'name', 'distro', 'advisory']);
  const insAlias = bulkInsert(db, 'aliases', ['alias', 'advisory']);
  // Rows are written many at a time, so advisories get their rowids here rather than from each INSERT.
  const lastRowid = db.prepare('SELECT coalesce(max(rowid), 0) FROM advisories').pluck();
  const insEnrichment = db.prepare('INSERT OR REPLACE INTO enrichment (cve, kind, feed, json) VALUES (?, ?, ?, ?)');
  const upSource = db.prepare(
    `INSERT INTO sources (name, origin, digest, fetched_at, etag, last_modified, advisories, enrichments, skipped)
     VALUES (@name, @origin, @digest, @fetched_at, @etag, @last_modified, @advisories, @enrichments, @skipped)
     ON CONFLICT (name) DO UPDATE SET origin = excluded.origin, digest = excluded.digest, fetched_at = excluded.fetched_at,
       etag = excluded.etag, last_modified = excluded.last_modified, advisories = excluded.advisories,
       enrichments = excluded.enrichments, skipped = excluded.skipped`,
  );
  const touch = db.prepare('UPDATE sources SET fetched_at = ? WHERE name = ?');
  const counts = db.prepare('SELECT advisories, enrichments, skipped FROM sources WHERE name = ?');
  const report: ApplyResult['feeds'][number][] = [];
  // Into an empty database (a first import, a fresh file) rows go in without secondary indexes, which are
  // then built once from sorted data: cheaper than updating five b-trees per row. Nothing to delete there either.
  const fresh = (db.prepare('SELECT NOT EXISTS (SELECT 1 FROM advisories) AND NOT EXISTS (SELECT 1 FROM enrichment)').pluck().get() as number) === 1;
  if (fresh) for (const index of SECONDARY_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  const written = new Set<string>();
  for (const batch of batches) {
    if (!fresh || written.has(batch.feed)) {
      delAffected.run(batch.feed);
      delAliases.run(batch.feed);
      delAdvisories.run(batch.feed);
      delEnrichment.run(batch.feed);
    }
    written.add(batch.feed);
    // Within a feed the last record with an id wins (a directory may hold a record twice).
    const unique = new Map<string, Advisory>();
    for (const a of batch.advisories) unique.set(a.id, a);
    let rowid = lastRowid.get() as number;
    for (const a of unique.values()) {
      const { details, ...rest } = a;
      insAdvisory.add(++rowid, batch.feed, a.id, a.source, JSON.stringify(rest), details ?? null);
      for (const alias of new Set(a.aliases)) if (alias !== a.id) insAlias.add(alias, rowid);
      if (a.withdrawn) continue;
      const keys = new Set<string>();
      for (const p of a.affected) {
        const key = `${p.ecosystem}\0${p.name}\0${p.distro ?? ''}`;
        if (keys.has(key)) continue;
        keys.add(key);
        insAffected.add(p.ecosystem, p.name, p.distro ?? '', rowid);
      }
    }
    // The next batch's deletes and rowids read these tables.
    insAdvisory.flush();
    insAlias.flush();
    insAffected.flush();
    for (const e of batch.enrichments) insEnrichment.run(e.cve, e.kind, batch.feed, JSON.stringify(e.data));
    upSource.run({
      name: batch.feed,
      origin: batch.origin,
      digest: batch.digest,
      fetched_at: now,
      etag: batch.etag ?? null,
      last_modified: batch.lastModified ?? null,
      advisories: unique.size,
      enrichments: batch.enrichments.length,
      skipped: batch.skipped,
    });
    report.push({ feed: batch.feed, advisories: unique.size, enrichments: batch.enrichments.length, skipped: batch.skipped, unchanged: false });
  }
  if (fresh) db.exec(SCHEMA_SQL);
  for (const u of unchanged) {
    touch.run(now, u.feed);
    const c = counts.get(u.feed) as { advisories: number; enrichments: number; skipped: number } | undefined;
    report.push({ feed: u.feed, advisories: c?.advisories ?? 0, enrichments: c?.enrichments ?? 0, skipped: c?.skipped ?? 0, unchanged: true });
  }
  return report;
}

/** sha256 over every source's name and content digest: equal data, equal snapshot. */
function snapshotOf(db: Database.Database): string {
  const h = createHash('sha256');
  for (const row of db.prepare('SELECT name, digest FROM sources ORDER BY name').iterate() as Iterable<{ name: string; digest: string }>) {
    h.update(`${row.name}\0${row.digest}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

export function applyBatches(file: string, batches: readonly FeedBatch[], unchanged: readonly UnchangedFeed[] = []): ApplyResult {
  const dir = path.dirname(path.resolve(file));
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let db: Database.Database | undefined;
  try {
    if (existsSync(file)) copyFileSync(file, tmp);
    db = new Database(tmp);
    prepareWritableDatabase(db, file);
    const now = new Date().toISOString();
    const handle = db;
    const result = handle.transaction((): ApplyResult => {
      const feeds = writeBatches(handle, batches, unchanged, now);
      const snapshot = snapshotOf(handle);
      const setMeta = handle.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      setMeta.run('schema_version', String(SCHEMA_VERSION));
      setMeta.run('snapshot', snapshot);
      setMeta.run('created_at', now);
      return { snapshot, feeds };
    })();
    db.close();
    db = undefined;
    fsyncPath(tmp);
    renameSync(tmp, file);
    fsyncPath(dir, true);
    return result;
  } catch (error) {
    db?.close();
    rmSync(tmp, { force: true });
    throw error;
  }
}
