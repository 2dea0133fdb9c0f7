/**
 * `bulkhead console backup`: every data table of the store, read from one
 * consistent snapshot (a REPEATABLE READ transaction on PostgreSQL, a read
 * transaction on SQLite's WAL), streamed row by row into the portable
 * format of backup-format.ts. The server may keep running meanwhile. The
 * file appears under its name only once complete (written to a temporary
 * name, then renamed).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader } from './backup-format.js';
import { appliedMigrations, storeTables, type StoreTable } from './store-tables.js';

export interface BackupSummary {
  readonly file: string;
  /** Rows per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** sha256 of the uncompressed content, as in the trailer. */
  readonly sha256: string;
  /** Size of the file. */
  readonly bytes: number;
}

const FETCH = 1000;

type Value = string | number | null;

function portable(value: unknown, where: string): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: ${value} cannot be backed up`);
    return value;
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`${where}: ${value} is beyond 2^53`);
    return Number(value);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new Error(`${where}: a ${typeof value} value is not one of the store's column types`);
}

/** Every row of every table, in one snapshot; `emit` is awaited so writing applies back-pressure. */
async function readSnapshot(
  store: Store,
  emit: (header: { tables: StoreTable[]; migrations: string[] }, row?: { table: StoreTable; values: Value[] }) => Promise<void>,
): Promise<void> {
  await store.db.connection().execute(async (conn) => {
    const db = conn as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const postgres = store.dialect === 'postgres';
    await sql.raw(postgres ? 'begin isolation level repeatable read read only' : 'begin').execute(db);
    try {
      // Read inside the transaction: on SQLite the snapshot starts with the first read.
      const tables = await storeTables(store, db);
      const migrations = await appliedMigrations(db);
      await emit({ tables, migrations });
      for (const table of tables) {
        const toValues = (row: Record<string, unknown>): Value[] => table.columns.map((c) => portable(row[c], `${table.name}.${c}`));
        if (postgres) {
          // A server-side cursor: the table is never held in memory whole.
          await sql`declare backup_rows no scroll cursor for select * from ${sql.table(table.name)}`.execute(db);
          while (true) {
            const { rows } = await sql.raw<Record<string, unknown>>(`fetch ${FETCH} from backup_rows`).execute(db);
            for (const row of rows) await emit({ tables, migrations }, { table, values: toValues(row) });
            if (rows.length < FETCH) break;
          }
          await sql.raw('close backup_rows').execute(db);
        } else {
          for await (const row of db.selectFrom(table.name).selectAll().stream(FETCH)) {
            await emit({ tables, migrations }, { table, values: toValues(row as Record<string, unknown>) });
          }
        }
      }
      await sql.raw('commit').execute(db);
    } catch (error) {
      await sql.raw('rollback').execute(db).catch(() => undefined);
      throw error;
    }
  });
}

export async function writeBackup(store: Store, file: string, now: () => Date = () => new Date()): Promise<BackupSummary> {
  const temp = `${file}.${process.pid}.tmp`;
  const gzip = createGzip();
  const done = pipeline(gzip, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
  // A failure on the file side must surface at the next write, not as an unhandled rejection.
  done.catch(() => undefined);
  const hash = createHash('sha256');
  const rows: Record<string, number> = {};
  const write = async (line: string): Promise<void> => {
    hash.update(line);
    if (!gzip.write(line)) await Promise.race([once(gzip, 'drain'), done]);
  };
  try {
    await readSnapshot(store, async ({ tables, migrations }, row) => {
      if (!row) {
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          created_at: now().toISOString(),
          source: { dialect: store.dialect, location: store.location },
          migrations,
          tables: tables.map((t) => ({ name: t.name, columns: [...t.columns] })),
        };
        for (const t of tables) rows[t.name] = 0;
        await write(`${JSON.stringify(header)}\n`);
        return;
      }
      rows[row.table.name] = (rows[row.table.name] ?? 0) + 1;
      await write(`${JSON.stringify({ t: row.table.name, v: row.values })}\n`);
    });
    const sha256 = hash.digest('hex');
    gzip.end(`${JSON.stringify({ end: { rows, sha256 } })}\n`);
    await done;
    await rename(temp, file);
    return { file, rows, sha256, bytes: (await stat(file)).size };
  } catch (error) {
    gzip.destroy();
    await done.catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}
