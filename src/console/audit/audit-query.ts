/**
 * Reading the audit log back: filtered pages for the API (newest first by
 * default, a seq cursor) and a paged stream in seq order for exports. Both
 * read by seq ranges through the primary key, never the whole table at once.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Store } from '../../store/open-store.js';
import type { AuditTable, StoreSchema } from '../../store/schema.js';

export interface AuditFilter {
  readonly actor?: string;
  /** 'policy.' matches policy.activate, policy.create, … */
  readonly actionPrefix?: string;
  readonly target?: string;
  /** ISO-8601; inclusive. */
  readonly since?: string;
  /** ISO-8601; exclusive. */
  readonly until?: string;
}

/** An entry as the API and exports show it: detail parsed (its stored text when it no longer parses). */
export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: unknown;
  readonly prev_hash: string;
  readonly hash: string;
}

export interface AuditPageOptions {
  readonly limit: number;
  readonly order: 'asc' | 'desc';
  /** Continue after this seq (in the page order). */
  readonly cursor?: number;
}

function toRecord(row: AuditTable): AuditRecord {
  let detail: unknown;
  try {
    detail = JSON.parse(row.detail);
  } catch {
    detail = row.detail;
  }
  return { seq: Number(row.seq), at: row.at, actor: row.actor, action: row.action, target: row.target, detail, prev_hash: row.prev_hash, hash: row.hash };
}

/** ISO text normalized to toISOString's form, so text comparison is time comparison. */
function instant(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`"${text}" is not an ISO-8601 time`);
  return new Date(ms).toISOString();
}

function conditions(store: Pick<Store, 'dialect'>, filter: AuditFilter) {
  // Byte order for text on PostgreSQL: a database's default collation may ignore punctuation.
  const at = store.dialect === 'postgres' ? sql<string>`at collate "C"` : sql<string>`at`;
  return (eb: ExpressionBuilder<StoreSchema, 'audit'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (filter.actor !== undefined) all.push(eb('actor', '=', filter.actor));
    if (filter.target !== undefined) all.push(eb('target', '=', filter.target));
    if (filter.actionPrefix) {
      // substr, not LIKE: exact and case-sensitive on both dialects, no escaping of % and _.
      all.push(eb(sql<string>`substr(action, 1, ${filter.actionPrefix.length})`, '=', filter.actionPrefix));
    }
    if (filter.since !== undefined) all.push(eb(at, '>=', instant(filter.since)));
    if (filter.until !== undefined) all.push(eb(at, '<', instant(filter.until)));
    return eb.and(all);
  };
}

/** One page of matching entries and the cursor for the next (undefined at the end). */
export async function listAuditEntries(store: Pick<Store, 'db' | 'dialect'>, filter: AuditFilter, page: AuditPageOptions): Promise<{ items: AuditRecord[]; nextCursor?: number }> {
  let query = store.db.selectFrom('audit').selectAll().where(conditions(store, filter));
  if (page.cursor !== undefined) query = query.where('seq', page.order === 'asc' ? '>' : '<', page.cursor);
  const rows = await query.orderBy('seq', page.order).limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit).map(toRecord);
  const last = items[items.length - 1];
  return rows.length > page.limit && last ? { items, nextCursor: last.seq } : { items };
}

/** Every matching entry in seq order, read in pages of `pageSize`. */
export async function* streamAuditEntries(store: Pick<Store, 'db' | 'dialect'>, filter: AuditFilter = {}, pageSize = 1000): AsyncGenerator<AuditRecord> {
  let cursor: number | undefined;
  while (true) {
    const { items, nextCursor } = await listAuditEntries(store, filter, { limit: pageSize, order: 'asc', ...(cursor === undefined ? {} : { cursor }) });
    yield* items;
    if (nextCursor === undefined) return;
    cursor = nextCursor;
  }
}
