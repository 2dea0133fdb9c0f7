import Database from 'better-sqlite3';
import { cpSync, linkSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../import/import-paths.js';
import { diffAdvisoryDatabases, isEmptyChange } from './advisory-changes.js';
import { openAdvisoryStore } from './advisory-store.js';

const DEMO = new URL('../../../examples/demo/advisories/', import.meta.url).pathname;
const FEEDS = new URL('../feeds/', import.meta.url).pathname;

let dir: string;
let file: string;
let before: string;
let feedDir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-changes-'));
  file = path.join(dir, 'advisories.db');
  before = path.join(dir, 'advisories.db.before');
  // A private copy of the demo snapshot that tests edit like a feed maintainer would.
  feedDir = path.join(dir, 'feed');
  cpSync(DEMO, feedDir, { recursive: true });
  rmSync(path.join(feedDir, 'README.md'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Imports like `bulkhead db import`, keeping the old file under `before` (a hard link survives the store's rename). */
function importKeepingBefore(...inputs: string[]): void {
  rmSync(before, { force: true });
  try {
    linkSync(file, before);
  } catch {
    // no database yet
  }
  const store = openAdvisoryStore(file);
  try {
    store.import(importPaths(inputs));
  } finally {
    store.close();
  }
}

const editJson = (p: string, edit: (value: Record<string, unknown>) => void): void => {
  const value = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  edit(value);
  writeFileSync(p, JSON.stringify(value, null, 2));
};

describe('advisory change detection', () => {
  it('reports every key and CVE of a first import, with the advisories behind each key', () => {
    importKeepingBefore(feedDir);
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.fromSnapshot).toBeNull();
    expect(changes.toSnapshot).toMatch(/^sha256:/);
    expect(changes.feeds.added).toEqual(['kev', `osv:${path.join(feedDir)}`]);
    expect(changes.advisories.added).toEqual(['CVE-2014-0160', 'CVE-2014-0224', 'GHSA-p6mc-m468-83gw']);
    // Debian:7 is wheezy (debian-7); npm packages carry no distro.
    expect(changes.packages).toEqual([
      { ecosystem: 'deb', name: 'openssl', distro: 'debian-7', advisories: ['CVE-2014-0160', 'CVE-2014-0224'] },
      { ecosystem: 'npm', name: 'lodash', distro: '', advisories: ['GHSA-p6mc-m468-83gw'] },
    ]);
    expect(changes.enrichedCves).toEqual(['CVE-2014-0160']);
  });

  it('reports nothing when the same data is imported again', () => {
    importKeepingBefore(feedDir);
    importKeepingBefore(feedDir);
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.fromSnapshot).toBe(changes.toSnapshot);
    expect(isEmptyChange(changes)).toBe(true);
  });

  it('finds the one advisory whose fixed version moved, and only its key', () => {
    importKeepingBefore(feedDir);
    editJson(path.join(feedDir, 'osv/CVE-2014-0224.json'), (v) => {
      const affected = v['affected'] as { ranges: { events: Record<string, string>[] }[] }[];
      affected[0]!.ranges[0]!.events[1] = { fixed: '1.0.1e-2+deb7u11' };
    });
    importKeepingBefore(feedDir);
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.feeds.changed).toEqual([`osv:${feedDir}`]);
    expect(changes.feeds.unchanged).toBe(1);
    expect(changes.advisories).toEqual({ added: [], changed: ['CVE-2014-0224'], removed: [] });
    expect(changes.packages).toEqual([{ ecosystem: 'deb', name: 'openssl', distro: 'debian-7', advisories: ['CVE-2014-0224'] }]);
    expect(changes.enrichedCves).toEqual([]);
  });

  it('ignores a change to the long details prose (no finding carries it)', () => {
    importKeepingBefore(feedDir);
    editJson(path.join(feedDir, 'osv/CVE-2014-0160.json'), (v) => {
      v['details'] = `${String(v['details'])} Reworded.`;
    });
    importKeepingBefore(feedDir);
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.feeds.changed).toHaveLength(1);
    expect(changes.fromSnapshot).not.toBe(changes.toSnapshot);
    expect(isEmptyChange(changes)).toBe(true);
  });

  it('reports the old keys of a removed or withdrawn advisory, and the new key of one that moved package', () => {
    importKeepingBefore(feedDir);
    unlinkSync(path.join(feedDir, 'osv/GHSA-p6mc-m468-83gw.json'));
    editJson(path.join(feedDir, 'osv/CVE-2014-0160.json'), (v) => {
      v['withdrawn'] = '2026-12-01T00:00:00Z';
    });
    editJson(path.join(feedDir, 'osv/CVE-2014-0224.json'), (v) => {
      const affected = v['affected'] as { package: Record<string, string> }[];
      affected[0]!.package = { ecosystem: 'Debian:12', name: 'openssl' };
    });
    importKeepingBefore(feedDir);
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.advisories).toEqual({ added: [], changed: ['CVE-2014-0160', 'CVE-2014-0224'], removed: ['GHSA-p6mc-m468-83gw'] });
    expect(changes.packages).toEqual([
      { ecosystem: 'deb', name: 'openssl', distro: 'debian-12', advisories: ['CVE-2014-0224'] },
      { ecosystem: 'deb', name: 'openssl', distro: 'debian-7', advisories: ['CVE-2014-0160', 'CVE-2014-0224'] },
      { ecosystem: 'npm', name: 'lodash', distro: '', advisories: ['GHSA-p6mc-m468-83gw'] },
    ]);
  });

  it('reads a newly added feed whole: the Debian tracker and an Alpine secdb file', () => {
    importKeepingBefore(feedDir);
    importKeepingBefore(path.join(FEEDS, 'debian/testdata/tracker-excerpt.json'), path.join(FEEDS, 'alpine/testdata/v3.19-main.json'));
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.feeds.added).toEqual(['alpine-secdb:v3.19/main', 'debian-tracker']);
    expect(changes.feeds.unchanged).toBe(2);
    const keys = changes.packages.map((p) => `${p.ecosystem}/${p.distro}/${p.name}`);
    // From the tracker excerpt: openssl in wheezy, bookworm, buster, bullseye; tar in bookworm; curl in buster,
    // bullseye, trixie (hamm is no release Bulkhead knows). From secdb: openssl, xen, busybox in alpine 3.19.
    expect(keys).toEqual([
      'apk/alpine-3.19/busybox',
      'apk/alpine-3.19/openssl',
      'apk/alpine-3.19/xen',
      'deb/debian-10/curl',
      'deb/debian-10/openssl',
      'deb/debian-11/curl',
      'deb/debian-11/openssl',
      'deb/debian-13/curl',
      'deb/debian-12/openssl',
      'deb/debian-7/openssl',
      'deb/debian-12/tar',
    ].sort((a, b) => {
      const [ea, da, na] = a.split('/') as [string, string, string];
      const [eb, db, nb] = b.split('/') as [string, string, string];
      return ea.localeCompare(eb) || na.localeCompare(nb) || da.localeCompare(db);
    }));
    expect(changes.packages.find((p) => p.ecosystem === 'deb' && p.name === 'openssl' && p.distro === 'debian-7')!.advisories).toEqual(['CVE-2014-0160']);
  });

  it('reports CVEs whose KEV entry appeared, and not those whose entry is the same', () => {
    importKeepingBefore(feedDir);
    // The repository's KEV excerpt (a whole catalogue, feed "kev") replaces the demo's one-entry catalogue.
    importKeepingBefore(path.join(FEEDS, 'kev/testdata/kev-excerpt.json'));
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.feeds.changed).toEqual(['kev']);
    expect(changes.enrichedCves).toEqual(['CVE-2021-44228']);
    expect(changes.packages).toEqual([]);
  });

  it('reads only feeds whose digest changed', () => {
    importKeepingBefore(feedDir);
    importKeepingBefore(path.join(FEEDS, 'kev/testdata/kev-excerpt.json'));
    // Tamper with the OSV feed's rows in the old file without touching its digest: a diff that read it would report it.
    const old = new Database(before);
    old.prepare("UPDATE advisories SET json = replace(json, '1.0.1e-2+deb7u10', '9') WHERE id = 'CVE-2014-0224'").run();
    old.close();
    const changes = diffAdvisoryDatabases(before, file);
    expect(changes.advisories).toEqual({ added: [], changed: [], removed: [] });
    expect(changes.enrichedCves).toEqual(['CVE-2021-44228']);
  });

  it('refuses a file that is not an advisory database', () => {
    importKeepingBefore(feedDir);
    writeFileSync(before, 'not a database');
    expect(() => diffAdvisoryDatabases(before, file)).toThrow(/not a usable advisory database/);
  });
});
