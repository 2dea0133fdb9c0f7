/**
 * Opens the console store: SQLite (a file in the data directory, the
 * default) or PostgreSQL (`postgres://…`), migrates it to the current schema
 * and hands back one kysely instance typed by StoreSchema for both.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { BadInputError } from '../domain/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import type { StoreSchema } from './schema.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<StoreSchema>;
  readonly dialect: StoreDialect;
  /** Where it is: the SQLite file path, or the PostgreSQL URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** 'postgres://…' / 'postgresql://…', or a SQLite file path. */
  readonly database: string;
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
}

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

// int8 (count(*), bigint columns) as numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const postgres = isPostgresUrl(options.database);
  let db: Kysely<StoreSchema>;
  let location: string;
  if (postgres) {
    location = redact(options.database);
    const pool = new pg.Pool({ connectionString: options.database, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    location = path.resolve(options.database);
    mkdirSync(path.dirname(location), { recursive: true });
    let sqlite: Database.Database;
    try {
      sqlite = new Database(location);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('quick_check');
    } catch (error) {
      throw new BadInputError(`cannot open the console store ${location}: ${(error as Error).message} (restore a backup with "bulkhead console restore")`, { cause: error });
    }
    db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  if (options.migrate !== false) {
    try {
      const { error } = await new Migrator({ db, provider }).migrateToLatest();
      if (error) throw error;
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw new BadInputError(`cannot prepare the console store ${location}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { db, dialect: postgres ? 'postgres' : 'sqlite', location, close: () => db.destroy() };
}
