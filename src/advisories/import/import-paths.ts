/**
 * `db import PATH…`: files, directories (walked without following links,
 * bounded) and zips of any supported format become feed batches. A whole-feed
 * input (an OSV all.zip, the Debian tracker, a secdb file, KEV, EPSS) keeps
 * the feed name `db update` uses, so importing it replaces that feed; loose
 * per-record files (OSV JSON, NVD cve objects) under one argument form one
 * feed named after the argument's absolute path.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Advisory } from '../../domain/advisory.js';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { createSkipLog, type EnrichmentRecord, type FeedBatch } from '../feed-batch.js';
import { parseFeedData, type FeedKind } from './parse-feed-data.js';

export interface ImportLimits {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly maxDepth: number;
}

export const IMPORT_LIMITS: ImportLimits = { maxFileBytes: 2 * 1024 * 1024 * 1024 - 1, maxFiles: 1_000_000, maxDepth: 32 };

/** Reads a whole file, refusing anything over `max` bytes (checked on the open descriptor, then while reading). */
export function readFileBounded(file: string, max: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > max) throw new LimitExceededError(`${file} is ${size} bytes, over the ${max}-byte limit`);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

function listFiles(root: string, limits: ImportLimits): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > limits.maxDepth) throw new LimitExceededError(`${root}: directories nest deeper than ${limits.maxDepth}`);
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else if (entry.isFile() && /\.(json|ya?ml|zip|csv|gz)$/i.test(entry.name)) {
        out.push(p);
        if (out.length > limits.maxFiles) throw new LimitExceededError(`${root}: more than ${limits.maxFiles} files`);
      }
    }
  };
  walk(root, 0);
  return out;
}

interface Accumulator {
  advisories: Advisory[];
  enrichments: EnrichmentRecord[];
  digests: string[];
}

export function importPaths(inputs: readonly string[], limits: ImportLimits = IMPORT_LIMITS): FeedBatch[] {
  const batches: FeedBatch[] = [];
  for (const input of inputs) {
    const root = path.resolve(input);
    let st;
    try {
      st = lstatSync(root);
    } catch (cause) {
      throw new BadInputError(`cannot read ${input}: no such file or directory`, { cause });
    }
    const files = st.isDirectory() ? listFiles(root, limits) : st.isFile() ? [root] : [];
    if (files.length === 0) throw new BadInputError(`${input}: no feed files found`);
    const log = createSkipLog();
    const loose = new Map<FeedKind, Accumulator>();
    const whole: FeedBatch[] = [];
    for (const file of files) {
      const data = readFileBounded(file, limits.maxFileBytes);
      const digest = createHash('sha256').update(data).digest('hex');
      const origin = st.isDirectory() ? path.relative(root, file) || file : file;
      let parsed;
      try {
        parsed = parseFeedData(data, path.basename(file), origin, log);
      } catch (error) {
        // One unreadable file in a directory is a skip; a named file that is unreadable is the user's error.
        if (st.isDirectory() && error instanceof BadInputError) {
          log.skip(error.message);
          continue;
        }
        throw error;
      }
      if ('bundle' in parsed) {
        whole.push(...parsed.bundle);
        continue;
      }
      for (const piece of parsed.pieces) {
        if (piece.feed) {
          whole.push({ feed: piece.feed, origin: file, digest, advisories: piece.advisories, enrichments: piece.enrichments, skipped: 0, warnings: [] });
          continue;
        }
        const acc = loose.get(piece.kind) ?? { advisories: [], enrichments: [], digests: [] };
        acc.advisories.push(...piece.advisories);
        acc.enrichments.push(...piece.enrichments);
        acc.digests.push(`${path.relative(root, file)}:${digest}`);
        loose.set(piece.kind, acc);
      }
    }
    for (const [kind, acc] of loose) {
      const digest = createHash('sha256').update(acc.digests.sort().join('\n')).digest('hex');
      whole.push({ feed: `${kind}:${root}`, origin: root, digest, advisories: acc.advisories, enrichments: acc.enrichments, skipped: 0, warnings: [] });
    }
    // The input's skip count goes with its first batch, so `db status` shows it.
    const [first, ...rest] = whole;
    if (first) batches.push({ ...first, skipped: first.skipped + log.skipped, warnings: [...first.warnings, ...log.warnings] }, ...rest);
    else if (log.skipped > 0) throw new BadInputError(`${input}: nothing importable (${log.warnings[0] ?? 'all records skipped'})`);
  }
  return batches;
}
