/**
 * Advisory data uploaded to the console (air-gapped sites): a bundle written
 * by `bulkhead db export`, or any file `bulkhead db import` reads — an OSV
 * all.zip or record, the Debian tracker JSON, an Alpine secdb file, NVD API
 * pages, the KEV catalogue, EPSS CSV (gzip or not). Whole-feed inputs replace
 * the feed of the same name; loose records (one OSV JSON, NVD pages) form the
 * feed `<kind>:upload:<file name>`, which a later upload of the same name
 * replaces. Sizes are bounded before anything is inflated or parsed.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { createSkipLog, parseFeedData, type FeedBatch } from '../../advisories/index.js';
import { looksLikeZip, openFeedZip } from '../../advisories/zip/read-zip.js';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';

export interface UploadedFile {
  readonly name: string;
  readonly data: Buffer;
}

export const UPLOAD_LIMITS = {
  files: 50,
  /** Sum of the uploaded bytes (after base64 decoding). */
  totalBytes: 96 * 1024 * 1024,
  /** What the uploaded files may inflate to, gzip and zip alike. */
  inflatedBytes: 1024 * 1024 * 1024,
} as const;

/** Refuses a file whose inflated size exceeds the budget before parseFeedData inflates it. */
function checkInflatedSize(file: UploadedFile, budget: number): number {
  const { data, name } = file;
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(data, { maxOutputLength: budget });
    } catch (cause) {
      if (cause instanceof RangeError) throw new LimitExceededError(`${name}: gzip inflates past ${budget} bytes`, { cause });
      throw new BadInputError(`${name}: corrupt gzip data`, { cause });
    }
    return inflated.length + checkInflatedSize({ name, data: inflated }, budget - inflated.length);
  }
  if (looksLikeZip(data)) {
    const declared = openFeedZip(data, name).entries.reduce((sum, e) => sum + e.size, 0);
    if (declared > budget) throw new LimitExceededError(`${name}: zip inflates to ${declared} bytes, over the ${budget}-byte limit`);
    return declared;
  }
  return data.length;
}

/** Uploaded files → feed batches, as `db import` would make them. */
export function batchesFromUploads(files: readonly UploadedFile[]): FeedBatch[] {
  if (files.length === 0) throw new BadInputError('no files uploaded');
  if (files.length > UPLOAD_LIMITS.files) throw new LimitExceededError(`at most ${UPLOAD_LIMITS.files} files per upload`);
  const total = files.reduce((sum, f) => sum + f.data.length, 0);
  if (total > UPLOAD_LIMITS.totalBytes) throw new LimitExceededError(`the upload is ${total} bytes, over the ${UPLOAD_LIMITS.totalBytes}-byte limit`);
  let budget = UPLOAD_LIMITS.inflatedBytes;
  const batches: FeedBatch[] = [];
  for (const file of files) {
    budget -= checkInflatedSize(file, budget);
    const log = createSkipLog();
    const origin = `upload:${file.name}`;
    const digest = createHash('sha256').update(file.data).digest('hex');
    const parsed = parseFeedData(file.data, file.name, origin, log);
    const fromFile: FeedBatch[] = [];
    if ('bundle' in parsed) fromFile.push(...parsed.bundle);
    else {
      for (const piece of parsed.pieces) {
        fromFile.push({
          feed: piece.feed ?? `${piece.kind}:upload:${file.name}`,
          origin,
          digest,
          advisories: piece.advisories,
          enrichments: piece.enrichments,
          skipped: 0,
          warnings: [],
        });
      }
    }
    const [first, ...rest] = fromFile;
    if (!first) throw new BadInputError(`${file.name}: nothing importable${log.warnings[0] ? ` (${log.warnings[0]})` : ''}`);
    if (first.advisories.length === 0 && first.enrichments.length === 0 && rest.length === 0 && log.skipped > 0) {
      throw new BadInputError(`${file.name}: every record was invalid (${log.warnings[0] ?? 'skipped'})`);
    }
    batches.push({ ...first, skipped: first.skipped + log.skipped, warnings: [...first.warnings, ...log.warnings] }, ...rest);
  }
  return batches;
}
