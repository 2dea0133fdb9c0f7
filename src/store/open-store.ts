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
import { countingChanges, localChanges, sqliteChanges, type ChangeCounter, type StoreChanges } from './store-changes.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<StoreSchema>;
  readonly dialect: StoreDialect;
  /** Where it is: the SQLite file path, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Moves when something commits (store-changes.ts): what the console's response cache keys its entries on. */
  readonly changes: StoreChanges;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** 'postgres://…' / 'postgresql://…', or a SQLite file path. */
  readonly database: string;
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL pool size (default DEFAULT_POOL_SIZE). */
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

const CONNECT_TIMEOUT_MS = 10_000;

/** PostgreSQL connections per console process unless configured. */
export const DEFAULT_POOL_SIZE = 10;

/** Prepared SQLite statements kept per store: the console's queries are a few hundred distinct texts, plus IN lists of varying length. */
const STATEMENT_CACHE = 500;

/**
 * kysely's SQLite driver prepares every statement again on every call
 * (tens of microseconds for a list query); the console runs the same few
 * hundred texts over and over, so keep them prepared. Safe because kysely
 * runs one statement at a time on the one connection.
 */
function preparedOnce(db: Database.Database): { prepare(sql: string): Database.Statement; close(): void } {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        // Most recently used last, so the oldest is evicted first.
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
    close: () => db.close(),
  };
}

/**
 * One line on why PostgreSQL cannot be used. Node reports a refused
 * connection to a name with several addresses (localhost: ::1 and
 * 127.0.0.1) as an AggregateError with an empty message, so go by the code.
 */
function describePostgresError(error: unknown, url: string): string {
  const e = error as NodeJS.ErrnoException & { errors?: unknown[] };
  let where = '';
  try {
    const u = new URL(url);
    where = `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    where = 'the server';
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is PostgreSQL running and accepting TCP connections there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${where.replace(/:\d+$/, '')} not found`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached (${e.code})`;
    case 'ECONNRESET':
      return `${where} closed the connection (is it PostgreSQL, and does it accept this client's TLS settings?)`;
    default:
      break;
  }
  const message = e.message || (e.errors?.[0] as Error | undefined)?.message || String(error);
  if (/timeout/i.test(message)) return `${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  return message;
}

// int8 (count(*), bigint columns) as numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const postgres = isPostgresUrl(options.database);
  let db: Kysely<StoreSchema>;
  let location: string;
  let changes: StoreChanges;
  const counter: ChangeCounter = { value: 0 };
  if (postgres) {
    location = redact(options.database);
    const pool = new pg.Pool({ connectionString: options.database, max: options.poolSize ?? DEFAULT_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    // Connect once now, migrations or not: an unreachable server is a start-up error with one clear line.
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new BadInputError(`cannot connect to the console store ${location}: ${describePostgresError(error, options.database)}`, { cause: error });
    }
    db = new Kysely<StoreSchema>({ dialect: countingChanges(new PostgresDialect({ pool }), counter) });
    changes = localChanges(counter);
  } else {
    location = path.resolve(options.database);
    let sqlite: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(location), { recursive: true });
      sqlite = new Database(location);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('foreign_keys = ON');
      // quick_check reports damage as rows, not as an error: anything but one "ok" is a damaged file.
      const problems = (sqlite.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== 'ok');
      if (problems.length) throw new Error(`the file is damaged (${problems.join('; ').replace(/\*\*\* in database main \*\*\*\s*/g, '').slice(0, 200)})`);
    } catch (error) {
      sqlite?.close();
      const e = error as NodeJS.ErrnoException;
      const why = e.code === 'SQLITE_NOTADB' ? 'the file is not a SQLite database' : e.code === 'SQLITE_CORRUPT' ? 'the file is damaged (database disk image is malformed)' : e.message;
      throw new BadInputError(`cannot open the console store ${location}: ${why}; restore a backup with "bulkhead console restore"`, { cause: error });
    }
    db = new Kysely<StoreSchema>({ dialect: countingChanges(new SqliteDialect({ database: preparedOnce(sqlite) }), counter) });
    const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    changes = sqliteChanges(counter, () => dataVersion.get());
  }
  if (options.migrate !== false) {
    try {
      const { error } = await new Migrator({ db, provider }).migrateToLatest();
      if (error) throw error;
    } catch (error) {
      await db.destroy().catch(() => undefined);
      const why = postgres ? describePostgresError(error, options.database) : (error as Error).message;
      throw new BadInputError(`cannot prepare the console store ${location}: ${why}`, { cause: error });
    }
  }
  return { db, dialect: postgres ? 'postgres' : 'sqlite', location, changes, close: () => db.destroy() };
}
