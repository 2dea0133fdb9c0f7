/**
 * The anchored head of the audit chain: the last appended entry's seq and
 * hash, kept in the `state` table by the same transaction that appends it.
 * Verification compares the table's tail with it, which is what makes a
 * dropped tail (otherwise a perfectly valid shorter chain) detectable.
 */
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/schema.js';

export const AUDIT_HEAD_KEY = 'audit.head';

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

const headSchema = z.strictObject({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) });

/** The anchored head; undefined when none is stored; throws when the stored value is not a head. */
export async function readAuditHead(db: Kysely<StoreSchema>): Promise<AuditHead | undefined> {
  const row = await db.selectFrom('state').select('value').where('key', '=', AUDIT_HEAD_KEY).executeTakeFirst();
  if (!row) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.value);
  } catch {
    parsed = undefined;
  }
  const head = headSchema.safeParse(parsed);
  if (!head.success) throw new Error(`the anchored audit head in state['${AUDIT_HEAD_KEY}'] is not a {seq, hash} record`);
  return head.data;
}

export async function writeAuditHead(db: Kysely<StoreSchema>, head: AuditHead, at: string): Promise<void> {
  const value = JSON.stringify({ seq: head.seq, hash: head.hash });
  await db.insertInto('state')
    .values({ key: AUDIT_HEAD_KEY, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}
