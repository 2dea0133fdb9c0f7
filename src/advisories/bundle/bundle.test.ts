import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import { importPaths } from '../import/import-paths.js';
import { openAdvisoryStore } from '../store/advisory-store.js';
import { openFeedZip } from '../zip/read-zip.js';
import { writeFeedZip } from '../zip/write-zip.js';
import { exportBundle } from './export-bundle.js';

const feeds = (rel: string): string => new URL(`../feeds/${rel}`, import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bundle export and import', () => {
  it('round-trips every feed: same lookups, same snapshot on the air-gapped side', () => {
    const source = openAdvisoryStore(path.join(dir, 'a.db'));
    source.import(importPaths([feeds('osv/testdata'), feeds('debian/testdata/tracker-excerpt.json'), feeds('kev/testdata/kev-excerpt.json'), feeds('alpine/testdata/v3.19-main.json')]));
    const out = exportBundle(source, path.join(dir, 'bundle.zip'));
    expect(out.advisories).toBe(source.status().advisories);
    const target = openAdvisoryStore(path.join(dir, 'b.db'));
    target.import(importPaths([out.file]));
    expect(target.status().snapshot).toBe(source.status().snapshot);
    expect(target.status().advisories).toBe(source.status().advisories);
    for (const [eco, name, distro] of [['deb', 'openssl', 'debian-7'], ['npm', 'lodash', undefined], ['apk', 'openssl', 'alpine-3.19']] as const) {
      expect(target.index().lookup(eco, name, distro)).toEqual(source.index().lookup(eco, name, distro));
    }
    expect(target.index().enrichment('CVE-2014-0160')).toEqual(source.index().enrichment('CVE-2014-0160'));
    source.close();
    target.close();
  });

  it('refuses a bundle whose part does not match its sha256, leaving the database as it was', () => {
    const source = openAdvisoryStore(path.join(dir, 'a.db'));
    source.import(importPaths([feeds('osv/testdata')]));
    const file = exportBundle(source, path.join(dir, 'bundle.zip')).file;
    const zip = openFeedZip(readFileSync(file), 'bundle');
    const parts = zip.entries.map((e) => ({ name: e.name, data: zip.read(e) }));
    const advisories = parts.find((p) => p.name === 'advisories.jsonl')!;
    advisories.data = Buffer.from(advisories.data.toString('utf8').replace('4.17.19', '4.17.99'));
    writeFileSync(file, writeFeedZip(parts));
    const target = openAdvisoryStore(path.join(dir, 'b.db'));
    expect(() => importPaths([file])).toThrow(BadInputError);
    expect(() => importPaths([file])).toThrow(/sha256/);
    expect(target.status().advisories).toBe(0);
    source.close();
    target.close();
  });
});
