/**
 * What changed between two states of the advisory database (the file before
 * and after an update or import): the (ecosystem, lookup name, distro) keys
 * whose advisories were added, changed or removed, with those advisories'
 * ids, and the CVEs whose KEV, EPSS or NVD enrichment changed. The console
 * re-matches only the inventories holding those keys.
 *
 * Cheap for small updates: the store writes one `sources` row per feed with
 * the sha256 of its raw input, so feeds whose digest is the same on both
 * sides are skipped without reading a record; within a feed that changed,
 * advisories are compared by a hash of their stored JSON (the long `details`
 * prose is ignored: no finding carries it).
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Ecosystem } from '../../domain/ecosystem.js';
import { BadInputError } from '../../domain/errors.js';
import { SCHEMA_VERSION } from './schema.js';

/** One lookup key of the `affected` table; distro is '' for language ecosystems. */
export interface AdvisoryPackageKey {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly distro: string;
}

export interface ChangedPackage extends AdvisoryPackageKey {
  /** Ids of the added, changed or removed advisories that name this key (before or after). */
  readonly advisories: readonly string[];
}

export interface AdvisoryChanges {
  /** Snapshot before; null when there was no database. */
  readonly fromSnapshot: string | null;
  readonly toSnapshot: string;
  readonly feeds: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[]; readonly unchanged: number };
  /** Advisory ids, sorted, each once (the same id in two feeds counts once per list). */
  readonly advisories: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
  /** Sorted by ecosystem, name, distro. */
  readonly packages: readonly ChangedPackage[];
  /** CVEs whose enrichment (KEV, EPSS, NVD) was added, changed or removed; sorted. */
  readonly enrichedCves: readonly string[];
}

interface SideRows {
  readonly db: Database.Database;
  readonly snapshot: string;
  readonly feeds: ReadonlyMap<string, string>;
}

function openSide(file: string): SideRows {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new BadInputError(`${file} is not a usable advisory database: ${(cause as Error).message}`, { cause });
  }
  try {
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (Number(meta.get('schema_version')) !== SCHEMA_VERSION) throw new BadInputError(`${file} is not a Bulkhead advisory database of schema ${SCHEMA_VERSION}`);
    const feeds = new Map((db.prepare('SELECT name, digest FROM sources').all() as { name: string; digest: string }[]).map((r) => [r.name, r.digest]));
    return { db, snapshot: meta.get('snapshot') ?? 'empty', feeds };
  } catch (cause) {
    db.close();
    if (cause instanceof BadInputError) throw cause;
    throw new BadInputError(`${file} is not a usable advisory database: ${(cause as Error).message}`, { cause });
  }
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('base64');

/** id → [rowid, hash of json] for one feed. */
function advisoryHashes(side: SideRows, feed: string): Map<string, [number, string]> {
  const out = new Map<string, [number, string]>();
  for (const [rowid, id, json] of side.db.prepare('SELECT rowid, id, json FROM advisories WHERE feed = ?').raw().iterate(feed) as Iterable<[number, string, string]>) {
    out.set(id, [rowid, hashOf(json)]);
  }
  return out;
}

/** `cve\0kind` → hash of json for one feed. */
function enrichmentHashes(side: SideRows, feed: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [cve, kind, json] of side.db.prepare('SELECT cve, kind, json FROM enrichment WHERE feed = ?').raw().iterate(feed) as Iterable<[string, string, string]>) {
    out.set(`${cve}\0${kind}`, hashOf(json));
  }
  return out;
}

/** Collects changed keys with the advisory ids behind each. */
function keyCollector() {
  const keys = new Map<string, { key: AdvisoryPackageKey; ids: Set<string> }>();
  const add = (ecosystem: string, name: string, distro: string, id: string): void => {
    const k = `${ecosystem}\0${name}\0${distro}`;
    let entry = keys.get(k);
    if (!entry) {
      entry = { key: { ecosystem: ecosystem as Ecosystem, name, distro }, ids: new Set() };
      keys.set(k, entry);
    }
    entry.ids.add(id);
  };
  return {
    /** The keys of advisory rows (by rowid) of one side. */
    addRows(side: SideRows, rows: readonly { rowid: number; id: string }[]): void {
      const stmt = side.db.prepare('SELECT ecosystem, name, distro FROM affected WHERE advisory = ?').raw();
      for (const { rowid, id } of rows) {
        for (const [ecosystem, name, distro] of stmt.iterate(rowid) as Iterable<[string, string, string]>) add(ecosystem, name, distro, id);
      }
    },
    /** Every key of a whole feed of one side (a feed that appeared or disappeared). */
    addFeed(side: SideRows, feed: string): void {
      const stmt = side.db.prepare('SELECT f.ecosystem, f.name, f.distro, a.id FROM advisories a JOIN affected f ON f.advisory = a.rowid WHERE a.feed = ?').raw();
      for (const [ecosystem, name, distro, id] of stmt.iterate(feed) as Iterable<[string, string, string, string]>) add(ecosystem, name, distro, id);
    },
    list(): ChangedPackage[] {
      const out = [...keys.values()].map(({ key, ids }) => ({ ...key, advisories: [...ids].sort() }));
      return out.sort((a, b) => cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.distro, b.distro));
    },
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function idsOfFeed(side: SideRows, feed: string): string[] {
  return side.db.prepare('SELECT id FROM advisories WHERE feed = ?').pluck().all(feed) as string[];
}

function cvesOfFeed(side: SideRows, feed: string): string[] {
  return side.db.prepare('SELECT DISTINCT cve FROM enrichment WHERE feed = ?').pluck().all(feed) as string[];
}

function compare(before: SideRows | undefined, after: SideRows): AdvisoryChanges {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  let unchanged = 0;
  for (const [feed, digest] of after.feeds) {
    const old = before?.feeds.get(feed);
    if (old === undefined) added.push(feed);
    else if (old !== digest) changed.push(feed);
    else unchanged++;
  }
  for (const feed of before?.feeds.keys() ?? []) if (!after.feeds.has(feed)) removed.push(feed);

  const keys = keyCollector();
  const ids = { added: new Set<string>(), changed: new Set<string>(), removed: new Set<string>() };
  const cves = new Set<string>();

  for (const feed of added) {
    for (const id of idsOfFeed(after, feed)) ids.added.add(id);
    keys.addFeed(after, feed);
    for (const cve of cvesOfFeed(after, feed)) cves.add(cve);
  }
  if (before) {
    for (const feed of removed) {
      for (const id of idsOfFeed(before, feed)) ids.removed.add(id);
      keys.addFeed(before, feed);
      for (const cve of cvesOfFeed(before, feed)) cves.add(cve);
    }
    for (const feed of changed) {
      const old = advisoryHashes(before, feed);
      const now = advisoryHashes(after, feed);
      const oldRows: { rowid: number; id: string }[] = [];
      const newRows: { rowid: number; id: string }[] = [];
      for (const [id, [rowid, hash]] of now) {
        const prev = old.get(id);
        if (!prev) {
          ids.added.add(id);
          newRows.push({ rowid, id });
        } else if (prev[1] !== hash) {
          ids.changed.add(id);
          newRows.push({ rowid, id });
          oldRows.push({ rowid: prev[0], id });
        }
      }
      for (const [id, [rowid]] of old) {
        if (now.has(id)) continue;
        ids.removed.add(id);
        oldRows.push({ rowid, id });
      }
      keys.addRows(before, oldRows);
      keys.addRows(after, newRows);
      const oldEnrichment = enrichmentHashes(before, feed);
      const newEnrichment = enrichmentHashes(after, feed);
      for (const [k, hash] of newEnrichment) if (oldEnrichment.get(k) !== hash) cves.add(k.slice(0, k.indexOf('\0')));
      for (const k of oldEnrichment.keys()) if (!newEnrichment.has(k)) cves.add(k.slice(0, k.indexOf('\0')));
    }
  }
  // An id added in one feed and removed from another is still there: it changed.
  for (const id of ids.added) {
    if (ids.removed.has(id)) {
      ids.added.delete(id);
      ids.removed.delete(id);
      ids.changed.add(id);
    }
  }
  for (const id of ids.changed) {
    ids.added.delete(id);
    ids.removed.delete(id);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    fromSnapshot: before?.snapshot ?? null,
    toSnapshot: after.snapshot,
    feeds: { added: added.sort(), changed: changed.sort(), removed: removed.sort(), unchanged },
    advisories: { added: sorted(ids.added), changed: sorted(ids.changed), removed: sorted(ids.removed) },
    packages: keys.list(),
    enrichedCves: sorted(cves),
  };
}

/**
 * Compares the database file `before` (undefined or a missing file: there
 * was none) with `after`. Keep the old state readable across the store's
 * atomic rename by hard-linking (or copying) the file before the update.
 */
export function diffAdvisoryDatabases(before: string | undefined, after: string): AdvisoryChanges {
  const a = openSide(after);
  let b: SideRows | undefined;
  try {
    b = before !== undefined && existsSync(before) ? openSide(before) : undefined;
    if (b && b.snapshot === a.snapshot) {
      return {
        fromSnapshot: b.snapshot,
        toSnapshot: a.snapshot,
        feeds: { added: [], changed: [], removed: [], unchanged: a.feeds.size },
        advisories: { added: [], changed: [], removed: [] },
        packages: [],
        enrichedCves: [],
      };
    }
    return compare(b, a);
  } finally {
    b?.db.close();
    a.db.close();
  }
}

/** True when the update changed nothing a finding or decision depends on. */
export function isEmptyChange(changes: AdvisoryChanges): boolean {
  return changes.packages.length === 0 && changes.enrichedCves.length === 0 && changes.advisories.added.length === 0 && changes.advisories.changed.length === 0 && changes.advisories.removed.length === 0;
}
