/**
 * Reads a bundle written by `db export`: the manifest is validated, every
 * part's sha256 must match (any mismatch refuses the whole bundle), and each
 * record is validated again; the result is one FeedBatch per source feed.
 */
import { createHash } from 'node:crypto';
import type { Advisory } from '../../domain/advisory.js';
import { BadInputError } from '../../domain/errors.js';
import { createSkipLog, type EnrichmentRecord, type FeedBatch } from '../feed-batch.js';
import { CVE_ID } from '../record-bounds.js';
import type { FeedZip } from '../zip/read-zip.js';
import { advisorySchema, enrichmentSchemas } from './advisory-schema.js';
import { BUNDLE_FORMAT, bundleManifest } from './bundle-manifest.js';

export function isBundle(zip: FeedZip): boolean {
  const m = zip.entries.find((e) => e.name === 'manifest.json');
  if (!m || m.size > 16 * 1024 * 1024) return false;
  return zip.read(m).toString('utf8').includes(BUNDLE_FORMAT);
}

function* lines(data: Buffer): Iterable<string> {
  const text = data.toString('utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) yield text.slice(start, end);
    start = end + 1;
  }
}

export function readBundle(zip: FeedZip, origin: string): FeedBatch[] {
  const entry = (name: string) => zip.entries.find((e) => e.name === name);
  const manifestEntry = entry('manifest.json');
  if (!manifestEntry) throw new BadInputError(`${origin}: bundle has no manifest.json`);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(zip.read(manifestEntry).toString('utf8'));
  } catch (cause) {
    throw new BadInputError(`${origin}: bundle manifest is not valid JSON`, { cause });
  }
  const manifest = bundleManifest.safeParse(manifestJson);
  if (!manifest.success) throw new BadInputError(`${origin}: bundle manifest is invalid (${manifest.error.issues[0]?.path.join('.')}: ${manifest.error.issues[0]?.message})`);
  const content = new Map<string, Buffer>();
  for (const part of manifest.data.parts) {
    const e = entry(part.name);
    if (!e) throw new BadInputError(`${origin}: bundle part ${part.name} is missing`);
    const data = zip.read(e);
    const digest = createHash('sha256').update(data).digest('hex');
    if (digest !== part.sha256 || data.length !== part.bytes) throw new BadInputError(`${origin}: bundle part ${part.name} fails its sha256 check`);
    content.set(part.name, data);
  }
  const log = createSkipLog();
  const advisories = new Map<string, Advisory[]>();
  const enrichments = new Map<string, EnrichmentRecord[]>();
  for (const line of lines(content.get('advisories.jsonl') ?? Buffer.alloc(0))) {
    try {
      const row = JSON.parse(line) as { feed?: unknown; advisory?: unknown };
      const a = advisorySchema.safeParse(row.advisory);
      if (typeof row.feed !== 'string' || !a.success) throw new Error('invalid');
      const list = advisories.get(row.feed) ?? [];
      list.push(a.data as Advisory);
      advisories.set(row.feed, list);
    } catch {
      log.skip(`${origin}: invalid advisory line`);
    }
  }
  for (const line of lines(content.get('enrichment.jsonl') ?? Buffer.alloc(0))) {
    try {
      const row = JSON.parse(line) as { feed?: unknown; cve?: unknown; kind?: unknown; data?: unknown };
      const kind = row.kind as keyof typeof enrichmentSchemas;
      const schema = enrichmentSchemas[kind];
      const d = schema?.safeParse(row.data);
      if (typeof row.feed !== 'string' || typeof row.cve !== 'string' || !CVE_ID.test(row.cve) || !d?.success) throw new Error('invalid');
      const list = enrichments.get(row.feed) ?? [];
      list.push({ cve: row.cve, kind, data: d.data } as EnrichmentRecord);
      enrichments.set(row.feed, list);
    } catch {
      log.skip(`${origin}: invalid enrichment line`);
    }
  }
  return manifest.data.sources.map((s, i) => ({
    feed: s.name,
    origin: `${origin} (${s.origin})`,
    digest: s.digest,
    advisories: advisories.get(s.name) ?? [],
    enrichments: enrichments.get(s.name) ?? [],
    // Skips in the bundle itself are charged to the first feed so they stay visible.
    skipped: s.skipped + (i === 0 ? log.skipped : 0),
    warnings: i === 0 ? log.warnings : [],
    ...(s.etag ? { etag: s.etag } : {}),
    ...(s.lastModified ? { lastModified: s.lastModified } : {}),
  }));
}
