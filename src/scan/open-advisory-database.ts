/**
 * Opens the advisory database a scan matches against, read-only: `--db FILE`,
 * else BULKHEAD_DB, else the default cache path. A database that does not
 * exist is not an error — the scan still inventories and says how to get one.
 */
import { stat } from 'node:fs/promises';
import type { AdvisoryIndex } from '../domain/advisory.js';
import { defaultDatabasePath, openAdvisoryStore } from '../advisories/index.js';

export type OpenedDatabase =
  | { readonly status: 'ok'; readonly path: string; readonly index: AdvisoryIndex; close(): void }
  | { readonly status: 'missing'; readonly path: string };

export async function openAdvisoryDatabase(file?: string): Promise<OpenedDatabase> {
  const path = file ?? defaultDatabasePath();
  const info = await stat(path).catch(() => undefined);
  if (!info) return { status: 'missing', path };
  const store = openAdvisoryStore(path, { readonly: true });
  return { status: 'ok', path, index: store.index(), close: () => store.close() };
}
