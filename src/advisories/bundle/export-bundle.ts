/**
 * `db export`: the whole database as one deflated zip (manifest.json plus
 * JSONL parts, each with its sha256) for hosts without network access.
 * JSONL rather than the SQLite file itself, so the importing side validates
 * every record like any other feed input instead of trusting a database file.
 */
import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AdvisoryStore } from '../store/advisory-store.js';
import { writeFeedZip } from '../zip/write-zip.js';
import { BUNDLE_FORMAT, type BundleManifest } from './bundle-manifest.js';

export interface ExportResult {
  readonly file: string;
  readonly snapshot: string;
  readonly advisories: number;
  readonly enrichments: number;
  readonly bytes: number;
}

export function exportBundle(store: AdvisoryStore, file: string): ExportResult {
  const status = store.status();
  const rows = store.rows();
  const advLines: string[] = [];
  for (const r of rows.advisories) advLines.push(`{"feed":${JSON.stringify(r.feed)},"advisory":${r.json}}`);
  const enrLines: string[] = [];
  for (const r of rows.enrichments) enrLines.push(`{"feed":${JSON.stringify(r.feed)},"cve":${JSON.stringify(r.cve)},"kind":${JSON.stringify(r.kind)},"data":${r.json}}`);
  const parts = [
    { name: 'advisories.jsonl' as const, data: Buffer.from(advLines.length ? `${advLines.join('\n')}\n` : '') },
    { name: 'enrichment.jsonl' as const, data: Buffer.from(enrLines.length ? `${enrLines.join('\n')}\n` : '') },
  ];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: 1,
    snapshot: status.snapshot ?? 'empty',
    createdAt: new Date().toISOString(),
    sources: status.sources.map((s) => ({ ...s })),
    parts: parts.map((p) => ({ name: p.name, sha256: createHash('sha256').update(p.data).digest('hex'), bytes: p.data.length })),
  };
  const zip = writeFeedZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2)) }, ...parts]);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, zip);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return { file, snapshot: manifest.snapshot, advisories: advLines.length, enrichments: enrLines.length, bytes: zip.length };
}
