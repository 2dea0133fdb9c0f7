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

const CONNECT_TIMEOUT_MS = 10_000;

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
  if (postgres) {
    location = redact(options.database);
    const pool = new pg.Pool({ connectionString: options.database, max: options.poolSize ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
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
    db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
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
    db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
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
  return { db, dialect: postgres ? 'postgres' : 'sqlite', location, close: () => db.destroy() };
}
