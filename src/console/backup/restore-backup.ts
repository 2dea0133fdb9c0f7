/**
 * `bulkhead console restore`: loads a backup (backup-format.ts) into a
 * store of either dialect. All or nothing: one transaction empties every
 * data table and inserts the backup's rows, and commits only when the
 * file's checksum and row counts match its trailer and the restored audit
 * chain verifies. A store that already holds data is replaced only when the
 * caller says so (force). The store's own migrations define the schema; a
 * backup from a newer schema (migrations this build does not know) is
 * refused, one from an older schema restores into the current one.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { BadInputError } from '../../domain/errors.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import type { Store } from '../../store/open-store.js';
import type { StoreSchema } from '../../store/schema.js';
import { AUDIT_LOCK_KEY } from '../audit/audit-log.js';
import { verifyAuditChain, type AuditChainVerdict } from '../audit/verify-audit-chain.js';
import { backupHeaderSchema, backupTrailerSchema, MAX_BACKUP_LINE_BYTES, type BackupHeader } from './backup-format.js';
import { storeTables, type StoreTable } from './store-tables.js';

/** The backup cannot be restored (damaged, foreign, newer, or the store is not empty). */
export class BackupRestoreError extends BadInputError {}

export interface RestoreOptions {
  /** Replace a store that already holds data. */
  readonly force?: boolean;
}

export interface RestoreSummary {
  readonly rows: Readonly<Record<string, number>>;
  readonly source: BackupHeader['source'];
  readonly createdAt: string;
  readonly audit: AuditChainVerdict;
  /** Jobs that were queued or running when the backup was taken (see docs: re-run them). */
  readonly unfinishedJobs: number;
}

/** Most bound parameters in one INSERT: below SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMS = 30_000;
/** Most row bytes held for one INSERT: rows carrying large documents go a few at a time. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** The file's lines, each at most `max` bytes; a last line without its newline means the file was cut short. */
async function* lines(stream: Readable, max: number, file: string): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    while (true) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        parts.push(chunk.subarray(start));
        size += chunk.length - start;
        if (size > max) throw new BackupRestoreError(`${file}: a line longer than ${max} bytes; this is not a console backup`);
        break;
      }
      const piece = chunk.subarray(start, nl);
      if (size + piece.length > max) throw new BackupRestoreError(`${file}: a line longer than ${max} bytes; this is not a console backup`);
      yield parts.length ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      size = 0;
      start = nl + 1;
    }
  }
  if (size > 0) throw new BackupRestoreError(`${file} ends in the middle of a line: the backup is truncated`);
}

function parseJson(line: Buffer, file: string, lineNo: number): unknown {
  try {
    return JSON.parse(line.toString('utf8'));
  } catch {
    throw new BackupRestoreError(`${file} line ${lineNo} is not JSON: the backup is damaged`);
  }
}

async function countRows(db: Kysely<StoreSchema>, tables: readonly StoreTable[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) counts[t.name] = n;
  }
  return counts;
}

export async function restoreBackup(store: Store, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  const input = source.pipe(gunzip);
  // Errors of the file (ENOENT, EACCES) and of the decompressor surface through the line iterator.
  source.on('error', (error) => gunzip.destroy(error));
  const iterator = lines(input, MAX_BACKUP_LINE_BYTES, file)[Symbol.asyncIterator]();
  let lineNo = 0;
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const r = await iterator.next();
      if (r.done) return undefined;
      lineNo += 1;
      return r.value;
    } catch (error) {
      if (error instanceof BackupRestoreError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new BackupRestoreError(`no backup file ${file}`, { cause: error });
      if (e.code?.startsWith('Z_') || e.code === 'ERR_PADDING_1' || /unexpected end of file|incorrect header check|invalid/.test(e.message)) {
        throw new BackupRestoreError(`${file} is not a gzip'd console backup or is damaged (${e.message})`, { cause: error });
      }
      throw new BackupRestoreError(`cannot read ${file}: ${e.message}`, { cause: error });
    }
  };

  try {
    const first = await next();
    if (!first) throw new BackupRestoreError(`${file} is empty: not a console backup`);
    const header = backupHeaderSchema.safeParse(parseJson(first, file, 1));
    if (!header.success) {
      const issue = header.error.issues[0];
      throw new BackupRestoreError(`${file} is not a bulkhead console backup (${issue ? `${issue.path.join('.') || 'header'}: ${issue.message}` : 'bad header'})`);
    }
    const h = header.data;
    const newer = h.migrations.filter((m) => !(m in MIGRATIONS));
    if (newer.length) throw new BackupRestoreError(`${file} was made by a newer bulkhead (schema migrations ${newer.join(', ')} are unknown here); upgrade before restoring`);

    const target = await storeTables(store, store.db);
    const targetByName = new Map(target.map((t) => [t.name, t]));
    for (const t of h.tables) {
      const there = targetByName.get(t.name);
      if (!there) throw new BackupRestoreError(`${file} has a table "${t.name}" that this store does not have`);
      const missing = t.columns.filter((c) => !there.columns.includes(c));
      if (missing.length) throw new BackupRestoreError(`${file}: table ${t.name} has columns this store does not have: ${missing.join(', ')}`);
    }
    const present = await countRows(store.db, target);
    if (Object.keys(present).length && !options.force) {
      const what = Object.entries(present).map(([t, n]) => `${t}: ${n}`).join(', ');
      throw new BackupRestoreError(`the store at ${store.location} is not empty (${what}); a restore replaces everything in it: give --force`);
    }

    const columnsOf = new Map(h.tables.map((t) => [t.name, t.columns]));
    const hash = createHash('sha256').update(first).update('\n');

    return await store.db.connection().execute(async (db) => {
      if (store.dialect === 'sqlite') {
        await sql`begin immediate`.execute(db);
      } else {
        await sql`begin`.execute(db);
        // Appends from a console still running wait until the restored chain is in place.
        await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY[0]}::int4, ${AUDIT_LOCK_KEY[1]}::int4)`.execute(db);
      }
      try {
        for (const t of target) {
          if (store.dialect === 'postgres') await sql`truncate table ${sql.table(t.name)}`.execute(db);
          else await sql`delete from ${sql.table(t.name)}`.execute(db);
        }
        const counts: Record<string, number> = Object.fromEntries(h.tables.map((t) => [t.name, 0]));
        let batchTable: string | undefined;
        let batch: Record<string, unknown>[] = [];
        let batchBytes = 0;
        const flush = async (): Promise<void> => {
          if (batchTable === undefined || batch.length === 0) return;
          try {
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- table names come from the validated header
            await (db as unknown as Kysely<any>).insertInto(batchTable).values(batch).execute();
          } catch (error) {
            throw new BackupRestoreError(`${file}: rows of ${batchTable} do not fit this store: ${(error as Error).message}`, { cause: error });
          }
          batch = [];
          batchBytes = 0;
        };

        let trailer: ReturnType<typeof backupTrailerSchema.parse> | undefined;
        for (let line = await next(); line !== undefined; line = await next()) {
          if (trailer) {
            if (line.length) throw new BackupRestoreError(`${file} line ${lineNo}: data after the trailer`);
            continue;
          }
          const value = parseJson(line, file, lineNo) as { t?: unknown; v?: unknown; end?: unknown };
          if (value !== null && typeof value === 'object' && 'end' in value) {
            const parsed = backupTrailerSchema.safeParse(value);
            if (!parsed.success) throw new BackupRestoreError(`${file} line ${lineNo}: a malformed trailer`);
            trailer = parsed.data;
            continue;
          }
          const columns = typeof value?.t === 'string' ? columnsOf.get(value.t) : undefined;
          if (!columns || !Array.isArray(value.v) || value.v.length !== columns.length) {
            throw new BackupRestoreError(`${file} line ${lineNo}: not a row of a table the header lists`);
          }
          const row: Record<string, unknown> = {};
          for (let i = 0; i < columns.length; i++) {
            const v: unknown = value.v[i];
            if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw new BackupRestoreError(`${file} line ${lineNo}: a value that is not text, a number or null`);
            row[columns[i] as string] = v;
          }
          hash.update(line).update('\n');
          const table = value.t as string;
          if (table !== batchTable || batch.length >= Math.floor(MAX_PARAMS / columns.length) || batchBytes >= MAX_BATCH_BYTES) {
            await flush();
            batchTable = table;
          }
          batch.push(row);
          batchBytes += line.length;
          counts[table] = (counts[table] ?? 0) + 1;
        }
        await flush();
        if (!trailer) throw new BackupRestoreError(`${file} has no trailer: the backup is truncated`);
        if (hash.digest('hex') !== trailer.end.sha256) throw new BackupRestoreError(`${file}: the content does not match its sha256: the backup is damaged`);
        for (const [table, n] of Object.entries(trailer.end.rows)) {
          if (counts[table] !== n) throw new BackupRestoreError(`${file}: ${table} has ${counts[table] ?? 0} rows, the trailer says ${n}`);
        }

        const audit = await verifyAuditChain({ db });
        if (!audit.ok && audit.firstBad) {
          throw new BackupRestoreError(`${file}: the audit log in the backup is broken at seq ${audit.firstBad.seq} (${audit.firstBad.problem}: ${audit.firstBad.detail}); nothing was restored`);
        }
        let unfinishedJobs = 0;
        if (targetByName.has('jobs')) {
          const { rows } = await sql<{ n: number | string }>`select count(*) as n from jobs where state in ('queued', 'running')`.execute(db);
          unfinishedJobs = Number(rows[0]?.n ?? 0);
        }
        await sql`commit`.execute(db);
        return { rows: counts, source: h.source, createdAt: h.created_at, audit, unfinishedJobs };
      } catch (error) {
        await sql`rollback`.execute(db).catch(() => undefined);
        throw error;
      }
    });
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
