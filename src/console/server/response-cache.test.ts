/**
 * The response cache over the real server on SQLite and PostgreSQL: a write
 * through the console, or by another connection to the same store, is
 * visible to the very next read (on PostgreSQL, another connection's write
 * within responseCache.maxAgeMs); principals with different scopes never
 * share an answer; ETags and If-None-Match; and the switch that turns it off.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { createResponseCache } from './response-cache.js';

const MAX_AGE_MS = 300;
const hostReport = (name: string) => ({ name, containers: [] });
const hostNames = (json: { items: { name: string }[] }) => json.items.map((h) => h.name).sort();

describe.each(STORE_DIALECTS)('response cache on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect, config: { responseCache: { maxAgeMs: MAX_AGE_MS } } });
    await c.collection('edge', { hosts: ['edge-*'] });
    for (const name of ['edge-1', 'core-1']) {
      const res = await c.request('POST', `/api/v1/hosts/${name}/report`, { role: 'defender', body: hostReport(name) });
      expect(res.status, res.text).toBe(200);
    }
  });
  afterAll(() => c?.close());

  it('answers a repeated read from memory, and a write through the console is visible to the next read', async () => {
    const first = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    const hitsBefore = c.running.responseCache.stats().hits;
    const second = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(c.running.responseCache.stats().hits).toBe(hitsBefore + 1);
    expect(second.text).toBe(first.text);
    expect(hostNames(second.json)).toEqual(['core-1', 'edge-1']);

    const report = await c.request('POST', '/api/v1/hosts/edge-2/report', { role: 'defender', body: hostReport('edge-2') });
    expect(report.status, report.text).toBe(200);
    const third = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(hostNames(third.json)).toEqual(['core-1', 'edge-1', 'edge-2']);
  });

  it('never hands one scope\'s answer to another, in either order', async () => {
    const unscoped = await c.request('GET', '/api/v1/hosts', { role: 'secops' });
    const scoped = await c.request('GET', '/api/v1/hosts', { role: 'developer', collections: ['edge'] });
    const scopedAgain = await c.request('GET', '/api/v1/hosts', { role: 'developer', collections: ['edge'] });
    const unscopedAgain = await c.request('GET', '/api/v1/hosts', { role: 'secops' });
    const nothing = await c.request('GET', '/api/v1/hosts', { role: 'developer' });
    expect(hostNames(unscoped.json)).toEqual(['core-1', 'edge-1', 'edge-2']);
    expect(hostNames(unscopedAgain.json)).toEqual(['core-1', 'edge-1', 'edge-2']);
    expect(hostNames(scoped.json)).toEqual(['edge-1', 'edge-2']);
    expect(hostNames(scopedAgain.json)).toEqual(['edge-1', 'edge-2']);
    // A developer without collections sees nothing, even right after others' answers were kept.
    expect(hostNames(nothing.json)).toEqual([]);
    // Out-of-scope details stay 404 after the in-scope caller's answer was cached.
    expect((await c.request('GET', '/api/v1/hosts/core-1', { role: 'secops' })).status).toBe(200);
    expect((await c.request('GET', '/api/v1/hosts/core-1', { role: 'developer', collections: ['edge'] })).status).toBe(404);
  });

  it('a collection change narrows the next answer of a principal using it', async () => {
    await c.collection('core', { hosts: ['core-*'] });
    expect(hostNames((await c.request('GET', '/api/v1/hosts', { role: 'developer', collections: ['core'] })).json)).toEqual(['core-1']);
    await c.ctx.store.db.updateTable('collections').set({ patterns: JSON.stringify({ hosts: ['nothing-*'] }) }).where('name', '=', 'core').execute();
    // The credential cache keeps a token's resolved scope for a few seconds (auth/credential-cache.ts); a new token resolves it now.
    const fresh = await c.request('GET', '/api/v1/hosts', { role: 'developer', collections: ['core', 'edge'] });
    expect(hostNames(fresh.json)).toEqual(['edge-1', 'edge-2']);
  });

  it('sends an ETag, answers 304 to If-None-Match while nothing changed, and a new ETag after a change', async () => {
    const first = await c.request('GET', '/api/v1/hosts?limit=10', { role: 'auditor' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const same = await c.request('GET', '/api/v1/hosts?limit=10', { role: 'auditor', headers: { 'if-none-match': `W/"other", ${etag}` } });
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect((await c.request('GET', '/api/v1/hosts?limit=10', { role: 'auditor', headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    await c.request('POST', '/api/v1/hosts/edge-3/report', { role: 'defender', body: hostReport('edge-3') });
    const changed = await c.request('GET', '/api/v1/hosts?limit=10', { role: 'auditor', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(hostNames(changed.json)).toContain('edge-3');
  });

  it(dialect === 'sqlite' ? 'sees a commit by another connection to the file on the next read' : `sees a commit by another connection within maxAgeMs (${MAX_AGE_MS} ms)`, async () => {
    const before = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(hostNames(before.json)).not.toContain('other-1');
    const now = new Date().toISOString();
    const values = ['other-1', 'other-1', null, '{}', '{}', now, now];
    const insert = 'INSERT INTO hosts (id, name, environment, labels, info, first_seen, last_seen) VALUES ';
    if (dialect === 'sqlite') {
      const other = new Database(c.config.database);
      other.prepare(`${insert}(?, ?, ?, ?, ?, ?, ?)`).run(...values);
      other.close();
    } else {
      const other = new pg.Client({ connectionString: c.config.database });
      await other.connect();
      await other.query(`${insert}($1, $2, $3, $4, $5, $6, $7)`, values);
      await other.end();
      await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 50));
    }
    const after = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(hostNames(after.json)).toContain('other-1');
  });
});

describe.each(STORE_DIALECTS)('response cache switched off on %s', (dialect) => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect, config: { responseCache: { enabled: false } } });
  });
  afterAll(() => c?.close());

  it('computes every answer and sends no ETag', async () => {
    const first = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    const second = await c.request('GET', '/api/v1/hosts', { role: 'auditor' });
    expect(first.status).toBe(200);
    expect(second.json).toEqual({ items: [], nextCursor: null });
    expect(second.headers.etag).toBeUndefined();
    expect(second.headers['cache-control']).toBe('no-store');
    expect(c.running.responseCache.stats()).toMatchObject({ hits: 0, entries: 0 });
  });
});

describe('response cache bookkeeping', () => {
  let version = 1;
  const settings = { enabled: true, maxAgeMs: 60_000, maxEntries: 2, maxBytes: 100 };
  const cache = createResponseCache({ changes: { version: () => version, seesOtherWriters: true } }, settings);
  const text = (answer: { body?: Buffer } | object) => ('body' in answer ? answer.body?.toString() : undefined);

  it('computes once for concurrent misses of one key at one version, again at a new version', async () => {
    let runs = 0;
    const slow = async () => {
      const run = ++runs;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `${run}`;
    };
    const [a, b] = await Promise.all([cache.respond('k', slow), cache.respond('k', slow)]);
    expect([text(a), text(b), runs]).toEqual(['1', '1', 1]);
    expect(text(await cache.respond('k', slow))).toBe('1');
    version = 2;
    expect(text(await cache.respond('k', slow))).toBe('2');
    expect(cache.stats()).toMatchObject({ hits: 1, joined: 1, computed: 2 });
  });

  it('keeps nothing whose reads started before a change', async () => {
    const racing = cache.respond('raced', async () => {
      version = 3;
      return '"old"';
    });
    expect(text(await racing)).toBe('"old"');
    expect(text(await cache.respond('raced', async () => '"new"'))).toBe('"new"');
  });

  it('passes other answers through unkept', async () => {
    const problem = { status: 404 };
    expect(await cache.respond('gone', async () => problem)).toBe(problem);
    expect(text(await cache.respond('gone', async () => '"now"'))).toBe('"now"');
  });

  it('bounds entries and bytes, oldest out first', async () => {
    version = 4;
    for (const k of ['one', 'two', 'three']) await cache.respond(k, async () => `"${k}"`);
    expect(cache.stats().entries).toBe(2);
    expect(text(await cache.respond('one', async () => '"recomputed"'))).toBe('"recomputed"');
    await cache.respond('big', async () => `"${'x'.repeat(200)}"`);
    expect(text(await cache.respond('big', async () => '"small"'))).toBe('"small"');
  });

  it('recomputes in the background past half an entry\'s age, and never serves it past maxAgeMs', async () => {
    const short = createResponseCache({ changes: { version: () => 1, seesOtherWriters: false } }, { ...settings, maxAgeMs: 2_000 });
    let runs = 0;
    const run = async () => `${++runs}`;
    expect(text(await short.respond('k', run))).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Still served, and a refresh starts.
    expect(text(await short.respond('k', run))).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(text(await short.respond('k', run))).toBe('2');
    expect(short.stats()).toMatchObject({ refreshed: 1, computed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(text(await short.respond('k', run))).toBe('3');
  });
});
