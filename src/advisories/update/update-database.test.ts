import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import { openAdvisoryStore, type AdvisoryStore } from '../store/advisory-store.js';
import { writeFeedZip } from '../zip/write-zip.js';
import { resolveFeedConfig } from './feed-config.js';
import { updateDatabase } from './update-database.js';

const fixture = (rel: string): Buffer => readFileSync(new URL(`../feeds/${rel}`, import.meta.url));
const npmZip = writeFeedZip([{ name: 'GHSA-p6mc-m468-83gw.json', data: fixture('osv/testdata/GHSA-p6mc-m468-83gw.json') }]);
const kev = fixture('kev/testdata/kev-excerpt.json');

type Mode = 'ok' | 'http500' | 'truncated-zip' | 'invalid-json' | 'stall';
let mode: Mode = 'ok';
let requests: { url: string; ifNoneMatch?: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', ...(req.headers['if-none-match'] ? { ifNoneMatch: req.headers['if-none-match'] } : {}) });
    const isZip = req.url === '/osv/npm/all.zip';
    const body = isZip ? npmZip : req.url === '/kev.json' ? kev : undefined;
    if (!body) return res.writeHead(404).end();
    const etag = `"${isZip ? 'zip' : 'kev'}-v1"`;
    if (mode === 'ok' && req.headers['if-none-match'] === etag) return res.writeHead(304).end();
    if (mode === 'http500') return res.writeHead(500).end('boom');
    if (mode === 'truncated-zip' && isZip) return res.writeHead(200).end(npmZip.subarray(0, npmZip.length - 40));
    if (mode === 'invalid-json' && !isZip) return res.writeHead(200).end('{"catalogVersion": "2024.06.01", "vulnerabilities": [');
    if (mode === 'stall' && isZip) {
      res.writeHead(200, { 'content-length': String(npmZip.length) });
      res.write(npmZip.subarray(0, 100));
      return; // never ends: the client's idle timeout must fire
    }
    res.writeHead(200, { etag, 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let dir: string;
let store: AdvisoryStore;
const config = () =>
  resolveFeedConfig({ mirrors: [`osv=${base}/osv`, `kev=${base}/kev.json`], osvEcosystems: ['npm'], connectTimeoutMs: 2000, idleTimeoutMs: 300, env: { XDG_CONFIG_HOME: '/nonexistent' } });

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-update-'));
  store = openAdvisoryStore(path.join(dir, 'advisories.db'));
  mode = 'ok';
  requests = [];
  await updateDatabase(store, config(), ['osv', 'kev']);
  return () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
});

function expectPreviousIntact(snapshot: string | undefined): void {
  const reader = openAdvisoryStore(store.path, { readonly: true });
  expect(reader.status().snapshot).toBe(snapshot);
  expect(reader.index().lookup('npm', 'lodash').map((a) => a.id)).toEqual(['GHSA-p6mc-m468-83gw']);
  expect(reader.index().enrichment('CVE-2021-44228')?.kev?.knownRansomware).toBe(true);
  reader.close();
  expect(readdirSync(dir)).toEqual(['advisories.db']);
}

describe('db update against a local mirror', () => {
  it('downloads the feeds, stores validators, and sends them back for a 304 next time', async () => {
    expect(store.index().lookup('npm', 'lodash').map((a) => a.id)).toEqual(['GHSA-p6mc-m468-83gw']);
    expect(store.source('osv:npm')).toMatchObject({ etag: '"zip-v1"', advisories: 1, origin: `${base}/osv/npm/all.zip` });
    const before = store.source('osv:npm')!.fetchedAt;
    requests = [];
    const r = await updateDatabase(store, config(), ['osv', 'kev']);
    expect(requests.map((q) => q.ifNoneMatch)).toEqual(['"zip-v1"', '"kev-v1"']);
    expect(r.feeds.every((f) => f.unchanged)).toBe(true);
    expect(store.source('osv:npm')!.fetchedAt >= before).toBe(true);
    expect(store.index().lookup('npm', 'lodash')).toHaveLength(1);
  });

  it.each<[Mode, RegExp]>([
    ['http500', /HTTP 500/],
    ['truncated-zip', /truncated|corrupt|outside/],
    ['invalid-json', /invalid JSON/],
    ['stall', /stalled/],
  ])('%s fails the update and leaves the previous database intact', async (failure, message) => {
    const snapshot = store.status().snapshot;
    // Outside 'ok' mode the server ignores validators and always sends the failure.
    mode = failure;
    const fresh = openAdvisoryStore(store.path);
    const started = Date.now();
    await expect(updateDatabase(fresh, config(), ['osv', 'kev'])).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(10_000);
    fresh.close();
    expectPreviousIntact(snapshot);
  });

  it('refuses plain http to a non-loopback host', async () => {
    const c = resolveFeedConfig({ mirrors: ['kev=http://example.com/kev.json'], env: { XDG_CONFIG_HOME: '/nonexistent' } });
    await expect(updateDatabase(store, c, ['kev'])).rejects.toThrow(BadInputError);
  });
});
