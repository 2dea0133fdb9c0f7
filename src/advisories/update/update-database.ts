/**
 * `db update`: downloads every selected feed, parses it, and only when all
 * succeeded writes them into the database in one atomic replacement. Any
 * failure (HTTP error, timeout, truncated or invalid document) aborts before
 * the file is touched, so the previous database stays as it was.
 */
import { createHash } from 'node:crypto';
import type { Advisory } from '../../domain/advisory.js';
import { BadInputError } from '../../domain/errors.js';
import { createSkipLog, type EnrichmentRecord, type FeedBatch } from '../feed-batch.js';
import { parseFeedData } from '../import/parse-feed-data.js';
import type { ApplyResult, UnchangedFeed } from '../store/apply-batches.js';
import type { AdvisoryStore } from '../store/advisory-store.js';
import type { FeedConfig, SourceName } from './feed-config.js';
import { fetchFeed, type FetchResult } from './fetch-feed.js';

interface FeedJob {
  readonly feed: string;
  readonly url: string;
  readonly name: string;
}

const join = (base: string, ...parts: string[]): string => `${base.replace(/\/+$/, '')}/${parts.map(encodeURIComponent).join('/')}`;

export function feedJobs(source: SourceName, config: FeedConfig): FeedJob[] {
  const url = config.urls[source];
  switch (source) {
    case 'osv':
      return config.osvEcosystems.map((eco) => ({ feed: `osv:${eco}`, url: join(url, eco, 'all.zip'), name: 'all.zip' }));
    case 'alpine':
      return config.alpineReleases.flatMap((rel) =>
        config.alpineRepos.map((repo) => ({ feed: `alpine-secdb:${rel}/${repo}`, url: join(url, rel, `${repo}.json`), name: `${repo}.json` })),
      );
    case 'debian':
      return [{ feed: 'debian-tracker', url, name: 'tracker.json' }];
    case 'kev':
      return [{ feed: 'kev', url, name: 'kev.json' }];
    case 'epss':
      return [{ feed: 'epss', url, name: 'epss.csv.gz' }];
    case 'nvd':
      return [{ feed: 'nvd', url, name: 'nvd.json' }];
  }
}

export interface UpdateOptions {
  readonly onProgress?: (feed: string, received: number, total: number | undefined) => void;
  readonly onFeed?: (feed: string, state: 'downloading' | 'unchanged' | 'parsed') => void;
}

function toBatch(job: FeedJob, result: Extract<FetchResult, { status: 'ok' }>, digest: string, data: Buffer[]): FeedBatch {
  const log = createSkipLog();
  const advisories: Advisory[] = [];
  const enrichments: EnrichmentRecord[] = [];
  for (const part of data) {
    const parsed = parseFeedData(part, job.name, job.url, log);
    if ('bundle' in parsed) throw new BadInputError(`${job.url}: a Bulkhead bundle is not a feed; use "bulkhead db import"`);
    for (const piece of parsed.pieces) {
      advisories.push(...piece.advisories);
      enrichments.push(...piece.enrichments);
    }
  }
  return {
    feed: job.feed,
    origin: job.url,
    digest,
    advisories,
    enrichments,
    skipped: log.skipped,
    warnings: log.warnings,
    ...(result.etag ? { etag: result.etag } : {}),
    ...(result.lastModified ? { lastModified: result.lastModified } : {}),
  };
}

/** NVD API 2.0 is paged (2,000 CVEs a page); pages are fetched in order until totalResults. */
async function fetchNvd(job: FeedJob, config: FeedConfig, options: UpdateOptions): Promise<Buffer[]> {
  const pages: Buffer[] = [];
  const headers = config.nvdApiKey ? { apiKey: config.nvdApiKey } : undefined;
  for (let start = 0, total = Infinity, n = 0; start < total && n < 1000; n++) {
    const url = `${job.url}${job.url.includes('?') ? '&' : '?'}startIndex=${start}&resultsPerPage=2000`;
    const r = await fetchFeed(job.url.startsWith('file:') ? job.url : url, { ...config, ...(headers ? { headers } : {}), onProgress: (a, b) => options.onProgress?.(job.feed, a, b) });
    if (r.status !== 'ok') break;
    pages.push(r.data);
    let page: { totalResults?: unknown; resultsPerPage?: unknown };
    try {
      page = JSON.parse(r.data.toString('utf8')) as typeof page;
    } catch (cause) {
      throw new BadInputError(`${url}: invalid JSON`, { cause });
    }
    total = typeof page.totalResults === 'number' ? page.totalResults : 0;
    const per = typeof page.resultsPerPage === 'number' && page.resultsPerPage > 0 ? page.resultsPerPage : 2000;
    if (job.url.startsWith('file:')) break;
    start += per;
  }
  return pages;
}

export async function updateDatabase(store: AdvisoryStore, config: FeedConfig, sources: readonly SourceName[], options: UpdateOptions = {}): Promise<ApplyResult & { readonly batches: readonly FeedBatch[] }> {
  const batches: FeedBatch[] = [];
  const unchanged: UnchangedFeed[] = [];
  for (const source of sources) {
    for (const job of feedJobs(source, config)) {
      options.onFeed?.(job.feed, 'downloading');
      if (source === 'nvd') {
        const pages = await fetchNvd(job, config, options);
        const digest = createHash('sha256');
        for (const p of pages) digest.update(p);
        batches.push(toBatch(job, { status: 'ok', data: Buffer.alloc(0) }, digest.digest('hex'), pages));
        options.onFeed?.(job.feed, 'parsed');
        continue;
      }
      const previous = store.source(job.feed);
      const result = await fetchFeed(job.url, {
        ...config,
        ...(previous?.etag ? { etag: previous.etag } : {}),
        ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
        onProgress: (a, b) => options.onProgress?.(job.feed, a, b),
      });
      if (result.status === 'not-modified') {
        unchanged.push({ feed: job.feed });
        options.onFeed?.(job.feed, 'unchanged');
        continue;
      }
      batches.push(toBatch(job, result, createHash('sha256').update(result.data).digest('hex'), [result.data]));
      options.onFeed?.(job.feed, 'parsed');
    }
  }
  const applied = store.import(batches, unchanged);
  return { ...applied, batches };
}
