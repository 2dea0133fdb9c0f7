/**
 * The console's advisory database (config.advisoryDatabase), opened
 * read-only. `db update` and bundle imports replace the file atomically, so
 * the open handle is kept only while the file on disk is the same one (inode,
 * size, mtime) and its lookup cache is reused across scans until then.
 * No database yet is not an error: matching finds nothing and the caller
 * reports a health problem.
 */
import { statSync } from 'node:fs';
import type { AdvisoryIndex } from '../../domain/advisory.js';
import { openAdvisoryStore, type AdvisoryStore } from '../../advisories/index.js';

export type ConsoleAdvisories =
  | { readonly index: AdvisoryIndex; readonly problem?: undefined }
  | { readonly index: undefined; readonly problem: string };

interface Opened {
  readonly identity: string;
  readonly store: AdvisoryStore;
  readonly index: AdvisoryIndex;
}

const opened = new Map<string, Opened>();
const RETIRE_AFTER_MS = 10 * 60_000;

export function consoleAdvisoryIndex(file: string): ConsoleAdvisories {
  let identity: string;
  try {
    const s = statSync(file);
    identity = `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return { index: undefined, problem: `no advisory database at ${file} yet: vulnerabilities were not matched (run an advisory update or upload a bundle)` };
  }
  const current = opened.get(file);
  if (current?.identity === identity) return { index: current.index };
  if (current) {
    // Someone may still be matching with the old index (a re-evaluation between two awaits): the old file stays
    // readable after the rename, so its handle is closed only after a grace period.
    const old = current.store;
    setTimeout(() => old.close(), RETIRE_AFTER_MS).unref();
    opened.delete(file);
  }
  try {
    const store = openAdvisoryStore(file, { readonly: true });
    const entry = { identity, store, index: store.index() };
    opened.set(file, entry);
    return { index: entry.index };
  } catch (error) {
    return { index: undefined, problem: `the advisory database at ${file} is unusable: ${(error as Error).message}` };
  }
}
