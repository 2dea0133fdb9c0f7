/**
 * Stores for tests, on both dialects: a fresh SQLite file in a temp dir, or
 * a fresh database on the project's PostgreSQL (postgres-global-setup.ts).
 * Use `describe.each(STORE_DIALECTS)` so every store test runs on both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openStore, type Store, type StoreDialect } from '../../src/store/open-store.js';
import { createDatabase } from './postgres-server.js';

export const STORE_DIALECTS: readonly StoreDialect[] = ['sqlite', 'postgres'];

/** A database location (SQLite path or PostgreSQL URL) nobody has used yet. */
export function freshDatabase(dialect: StoreDialect): { database: string; cleanup(): void } {
  if (dialect === 'postgres') {
    const url = createDatabase(inject('postgresUrl'), `t_${randomBytes(6).toString('hex')}`);
    return { database: url, cleanup: () => undefined };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-store-'));
  return { database: path.join(dir, 'console.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openFreshStore(dialect: StoreDialect): Promise<Store & { cleanup(): Promise<void> }> {
  const where = freshDatabase(dialect);
  const store = await openStore({ database: where.database });
  return {
    ...store,
    async cleanup() {
      await store.close();
      where.cleanup();
    },
  };
}
