/**
 * The console's tamper-evident audit log: an append-only, hash-chained
 * list of entries in the `audit` table (audit-entry.ts defines the hash).
 * seq is gap-free from 1. Appends are serialized in the process by a
 * promise chain and across processes/replicas by the database: SQLite's
 * BEGIN IMMEDIATE write lock, PostgreSQL's transaction-scoped advisory lock.
 * The next entry is chained to the anchored head (audit-head.ts), not to the
 * table's last row, so a truncated table stays visibly broken instead of
 * being silently re-chained by the next append.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';
import type { StoreSchema } from '../../store/schema.js';
import type { AuditInput, AuditLog } from '../context.js';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, hashAuditEntry, type AuditEntry } from './audit-entry.js';
import { readAuditHead, writeAuditHead } from './audit-head.js';

/** Largest detail kept verbatim; larger ones are replaced by their size and digest. */
export const MAX_AUDIT_DETAIL_BYTES = 64 * 1024;
/** Longest actor/action/target kept; ids and names, never documents. */
const MAX_FIELD_CHARS = 512;

/** Key of the PostgreSQL advisory lock that serializes appends (arbitrary, fixed: 'BHKD', 1). */
export const AUDIT_LOCK_KEY: readonly [number, number] = [0x42484b44, 1];

export interface AuditLogOptions {
  /** The clock; tests pass a fixed one. */
  readonly now?: () => Date;
}

/** The audit log as this module implements it: append hands back the whole stored entry. */
export interface ChainedAuditLog extends AuditLog {
  append(entry: AuditInput): Promise<AuditEntry>;
}

function clip(text: string): string {
  return text.length <= MAX_FIELD_CHARS ? text : `${text.slice(0, MAX_FIELD_CHARS - 1)}…`;
}

/** JSON-safe, object-shaped, bounded detail (what JSON.stringify would keep: no undefined, Dates as text). */
function normalizeDetail(detail: AuditInput['detail']): Record<string, unknown> {
  const plain: unknown = detail === undefined ? {} : JSON.parse(JSON.stringify(detail, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '{}');
  const object = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? (plain as Record<string, unknown>) : { value: plain };
  const text = canonicalJson(object);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_AUDIT_DETAIL_BYTES) return object;
  return { truncated: true, bytes, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/**
 * Runs `work` inside a transaction that holds the audit write lock, on one
 * reserved connection. Exported for backup/restore, which rewrite the table.
 */
export async function withAuditLock<T>(store: Store, work: (db: Kysely<StoreSchema>) => Promise<T>): Promise<T> {
  return store.db.connection().execute(async (db) => {
    if (store.dialect === 'sqlite') {
      // IMMEDIATE takes the write lock up front: a deferred transaction that reads the head
      // and then writes could fail with SQLITE_BUSY_SNAPSHOT when another process appended.
      await sql`begin immediate`.execute(db);
    } else {
      await sql`begin`.execute(db);
      await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY[0]}::int4, ${AUDIT_LOCK_KEY[1]}::int4)`.execute(db);
    }
    try {
      const result = await work(db);
      await sql`commit`.execute(db);
      return result;
    } catch (error) {
      await sql`rollback`.execute(db).catch(() => undefined);
      throw error;
    }
  });
}

export function createAuditLog(store: Store, options: AuditLogOptions = {}): ChainedAuditLog {
  const now = options.now ?? (() => new Date());
  let tail: Promise<unknown> = Promise.resolve();

  async function appendNow(input: AuditInput): Promise<AuditEntry> {
    const detail = normalizeDetail(input.detail);
    return withAuditLock(store, async (db) => {
      let head = await readAuditHead(db);
      if (!head) {
        // No anchor yet: a new store, or one from before anchoring. Chain to the table's tail.
        const last = await db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
        head = last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
      }
      const body = {
        seq: head.seq + 1,
        at: now().toISOString(),
        actor: clip(input.actor),
        action: clip(input.action),
        target: clip(input.target),
        detail,
        prev_hash: head.hash,
      };
      const entry: AuditEntry = { ...body, hash: hashAuditEntry(body) };
      await db.insertInto('audit').values({ ...entry, detail: canonicalJson(entry.detail) }).execute();
      await writeAuditHead(db, { seq: entry.seq, hash: entry.hash }, entry.at);
      return entry;
    });
  }

  return {
    append(input) {
      const result = tail.then(() => appendNow(input));
      // The chain continues after a failed append; the caller sees the failure.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
