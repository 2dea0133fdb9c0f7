/**
 * Recognises a feed document by its content (not its name) and parses it:
 * OSV zips and JSON, Debian tracker JSON, Alpine secdb JSON/YAML, NVD API 2.0
 * JSON, CISA KEV JSON, EPSS CSV (gzip-compressed or not) and Bulkhead bundles.
 * Records from one input land in "parsed pieces" that import-paths.ts turns
 * into feed batches.
 */
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import type { Advisory } from '../../domain/advisory.js';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { readBundle, isBundle } from '../bundle/read-bundle.js';
import type { EnrichmentRecord, FeedBatch, SkipLog } from '../feed-batch.js';
import { parseDebianTracker } from '../feeds/debian/parse-debian-tracker.js';
import { parseEpssCsv, isEpssCsv } from '../feeds/epss/parse-epss.js';
import { parseKev, isKevDocument } from '../feeds/kev/parse-kev.js';
import { parseNvdDocument, isNvdDocument } from '../feeds/nvd/parse-nvd.js';
import { parseOsvRecord } from '../feeds/osv/parse-osv.js';
import { parseSecdb } from '../feeds/alpine/parse-secdb.js';
import { looksLikeZip, openFeedZip } from '../zip/read-zip.js';

export type FeedKind = 'osv' | 'debian-tracker' | 'alpine-secdb' | 'nvd' | 'kev' | 'epss';

/** What one input yielded; `feed` is set when the input is a whole feed (an all.zip, the tracker, one secdb file). */
export interface ParsedPiece {
  readonly kind: FeedKind;
  readonly feed?: string;
  readonly advisories: readonly Advisory[];
  readonly enrichments: readonly EnrichmentRecord[];
}

export type ParsedInput = { readonly pieces: readonly ParsedPiece[] } | { readonly bundle: readonly FeedBatch[] };

export const MAX_INFLATED_BYTES = 4 * 1024 * 1024 * 1024 - 1;

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BadInputError(`${origin}: invalid JSON (${(cause as Error).message})`, { cause });
  }
}

function isOsvLike(value: unknown): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  const v = first as Record<string, unknown> | null;
  return typeof v === 'object' && v !== null && typeof v['id'] === 'string' && ('affected' in v || 'schema_version' in v || 'modified' in v);
}

function isDebianTracker(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const cves of Object.values(value).slice(0, 5)) {
    if (typeof cves !== 'object' || cves === null) return false;
    const first = Object.values(cves)[0] as { releases?: unknown } | undefined;
    if (first && typeof first === 'object' && 'releases' in first) return true;
  }
  return false;
}

function osvZip(data: Buffer, origin: string, log: SkipLog): ParsedInput {
  const zip = openFeedZip(data, origin);
  if (isBundle(zip)) return { bundle: readBundle(zip, origin) };
  const byEcosystem = new Map<string, Advisory[]>();
  for (const entry of zip.entries) {
    if (!entry.name.endsWith('.json')) continue;
    const buf = zip.read(entry);
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8'));
    } catch {
      log.skip(`${origin}: ${entry.name} is not valid JSON`);
      continue;
    }
    const a = parseOsvRecord(value, log);
    if (!a) continue;
    const list = byEcosystem.get(a.source) ?? [];
    list.push(a);
    byEcosystem.set(a.source, list);
  }
  return { pieces: [...byEcosystem].map(([source, advisories]) => ({ kind: 'osv', feed: source, advisories, enrichments: [] })) };
}

/** Parses one input's bytes; `name` only helps tell YAML from other text. */
export function parseFeedData(data: Buffer, name: string, origin: string, log: SkipLog): ParsedInput {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(data, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (cause) {
      if (cause instanceof RangeError) throw new LimitExceededError(`${origin}: gzip inflates past ${MAX_INFLATED_BYTES} bytes`, { cause });
      throw new BadInputError(`${origin}: corrupt gzip data`, { cause });
    }
    return parseFeedData(inflated, name.replace(/\.gz$/, ''), origin, log);
  }
  if (looksLikeZip(data)) return osvZip(data, origin, log);
  const text = data.toString('utf8');
  const head = text.slice(0, 256).trimStart();
  if (isEpssCsv(head)) return { pieces: [{ kind: 'epss', feed: 'epss', advisories: [], enrichments: parseEpssCsv(text, origin, log) }] };
  if (!head.startsWith('{') && !head.startsWith('[')) {
    if (!/\.ya?ml$/i.test(name) && !/^(---|distroversion:)/m.test(head)) throw new BadInputError(`${origin}: not a recognised advisory feed format`);
    let value: unknown;
    try {
      value = parseYaml(text, { maxAliasCount: 100 });
    } catch (cause) {
      throw new BadInputError(`${origin}: invalid YAML (${(cause as Error).message.split('\n')[0]})`, { cause });
    }
    return secdb(value, origin, log);
  }
  const value = parseJson(text, origin);
  if (isKevDocument(value)) return { pieces: [{ kind: 'kev', feed: 'kev', advisories: [], enrichments: parseKev(value, origin, log) }] };
  if (isNvdDocument(value)) return { pieces: [{ kind: 'nvd', advisories: [], enrichments: parseNvdDocument(value, origin, log) }] };
  if (typeof value === 'object' && value !== null && 'distroversion' in value) return secdb(value, origin, log);
  if (isOsvLike(value)) {
    const advisories = (Array.isArray(value) ? value : [value]).map((v) => parseOsvRecord(v, log)).filter((a): a is Advisory => a !== undefined);
    return { pieces: [{ kind: 'osv', advisories, enrichments: [] }] };
  }
  if (isDebianTracker(value)) return { pieces: [{ kind: 'debian-tracker', feed: 'debian-tracker', advisories: parseDebianTracker(value, origin, log), enrichments: [] }] };
  throw new BadInputError(`${origin}: JSON is not a recognised advisory feed format`);
}

function secdb(value: unknown, origin: string, log: SkipLog): ParsedInput {
  const r = parseSecdb(value, origin, log);
  if (!r) throw new BadInputError(`${origin}: not an Alpine secdb document`);
  return { pieces: [{ kind: 'alpine-secdb', feed: `alpine-secdb:${r.release}/${r.repo}`, advisories: r.advisories, enrichments: [] }] };
}
