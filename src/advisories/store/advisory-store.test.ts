import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Advisory } from '../../domain/advisory.js';
import { BadInputError } from '../../domain/errors.js';
import { createSkipLog, type FeedBatch } from '../feed-batch.js';
import { parseOsvRecord } from '../feeds/osv/parse-osv.js';
import { parseKev } from '../feeds/kev/parse-kev.js';
import { parseNvdDocument } from '../feeds/nvd/parse-nvd.js';
import { openAdvisoryStore } from './advisory-store.js';

const json = (rel: string): unknown => JSON.parse(readFileSync(new URL(`../feeds/${rel}`, import.meta.url), 'utf8'));
const osv = (name: string): Advisory => parseOsvRecord(json(`osv/testdata/${name}`), createSkipLog())!;
const batch = (feed: string, advisories: Advisory[], extra: Partial<FeedBatch> = {}): FeedBatch => ({
  feed,
  origin: 'test',
  digest: `digest-of-${feed}-${advisories.length}`,
  advisories,
  enrichments: [],
  skipped: 0,
  warnings: [],
  ...extra,
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-store-'));
  file = path.join(dir, 'advisories.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('advisory store', () => {
  it('answers lookups by ecosystem, normalized name and distro release, with enrichment merged per CVE', () => {
    const store = openAdvisoryStore(file);
    store.import([
      batch('osv:npm', [osv('GHSA-p6mc-m468-83gw.json')]),
      batch('osv:Debian', [osv('DSA-2896-1.json')]),
      batch('osv:PyPI', [osv('PYSEC-2021-63.json')]),
      batch('kev', [], { enrichments: parseKev(json('kev/testdata/kev-excerpt.json'), 'kev', createSkipLog()) }),
      batch('nvd', [], { enrichments: parseNvdDocument(json('nvd/testdata/cves-page.json'), 'nvd', createSkipLog()) }),
    ]);
    const index = store.index();
    expect(index.snapshot).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(index.lookup('npm', 'lodash').map((a) => a.id)).toEqual(['GHSA-p6mc-m468-83gw']);
    expect(index.lookup('npm', 'lodash.merge')).toEqual([]);
    expect(index.lookup('pypi', 'pillow').map((a) => a.id)).toEqual(['PYSEC-2021-63']);
    expect(index.lookup('deb', 'openssl', 'debian-7').map((a) => a.id)).toEqual(['DSA-2896-1']);
    expect(index.lookup('deb', 'openssl', 'debian-12')).toEqual([]);
    const e = index.enrichment('CVE-2014-0160')!;
    expect(e.kev).toMatchObject({ dateAdded: '2022-05-04' });
    expect(e.nvd!.severity[0]).toMatchObject({ score: 7.5 });
    expect(index.enrichment('CVE-1999-0001')).toBeUndefined();
    // The lookup above fetched this CVE's enrichment in its batch; a fresh index asks for it alone.
    expect(store.index().enrichment('CVE-2014-0160')).toEqual(e);
    const status = store.status();
    expect(status.advisories).toBe(3);
    expect(status.sources.map((s) => s.name)).toEqual(['kev', 'nvd', 'osv:Debian', 'osv:PyPI', 'osv:npm']);
    expect(store.search('CVE-2020-8203').advisories.map((a) => a.advisory.id)).toEqual(['GHSA-p6mc-m468-83gw']);
    expect(store.search('Pillow').advisories.map((a) => a.advisory.id)).toEqual(['PYSEC-2021-63']);
    store.close();
  });

  it('replaces a feed as a whole on re-import and changes the snapshot', () => {
    const store = openAdvisoryStore(file);
    const first = store.import([batch('osv:npm', [osv('GHSA-p6mc-m468-83gw.json')]), batch('osv:Maven', [osv('GHSA-jfh8-c2jp-5v3q.json')])]).snapshot;
    const second = store.import([batch('osv:npm', [])]).snapshot;
    expect(second).not.toBe(first);
    const index = store.index();
    expect(index.lookup('npm', 'lodash')).toEqual([]);
    expect(index.lookup('maven', 'org.apache.logging.log4j:log4j-core')).toHaveLength(1);
    expect(store.search('CVE-2020-8203').advisories).toEqual([]);
    store.close();
  });

  it('leaves the previous database intact and no temp file behind when an import fails midway', () => {
    const store = openAdvisoryStore(file);
    store.import([batch('osv:npm', [osv('GHSA-p6mc-m468-83gw.json')])]);
    const before = store.status().snapshot;
    const poisoned = { ...osv('GHSA-jfh8-c2jp-5v3q.json') };
    Object.defineProperty(poisoned, 'affected', { enumerable: true, get: () => { throw new Error('disk on fire'); } });
    expect(() => store.import([batch('osv:Maven', [osv('GHSA-jfh8-c2jp-5v3q.json'), poisoned as Advisory]), batch('osv:npm', [])])).toThrow('disk on fire');
    expect(readdirSync(dir)).toEqual(['advisories.db']);
    const reopened = openAdvisoryStore(file, { readonly: true });
    expect(reopened.status().snapshot).toBe(before);
    expect(reopened.index().lookup('npm', 'lodash')).toHaveLength(1);
    expect(reopened.index().lookup('maven', 'org.apache.logging.log4j:log4j-core')).toEqual([]);
    reopened.close();
    store.close();
  });

  it('refuses a missing database when read-only, and a file that is not one', () => {
    expect(() => openAdvisoryStore(file, { readonly: true })).toThrow(BadInputError);
    writeFileSync(file, 'not sqlite at all, just text'.repeat(100));
    expect(() => openAdvisoryStore(file, { readonly: true })).toThrow(BadInputError);
  });

  it('keeps withdrawn advisories searchable but out of lookups', () => {
    const store = openAdvisoryStore(file);
    store.import([batch('osv:npm', [{ ...osv('GHSA-p6mc-m468-83gw.json'), withdrawn: '2024-01-01T00:00:00Z' }])]);
    expect(store.index().lookup('npm', 'lodash')).toEqual([]);
    expect(store.search('GHSA-p6mc-m468-83gw').advisories).toHaveLength(1);
    store.close();
  });
});
