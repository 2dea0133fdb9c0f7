/**
 * Offline check of the audit chain: streams the `audit` table in seq order
 * (pages of VERIFY_PAGE rows, so memory stays bounded on any size) and says
 * where the first break is and what kind it is:
 *
 * - edited:    a row's content no longer hashes to its stored hash, or a row
 *              was rewritten with a recomputed hash (the next row's prev_hash
 *              no longer points at it, or the anchored head does not match);
 * - deleted:   a gap in seq, a row chained to an entry that is gone, or a
 *              table that ends before the anchored head (a dropped tail);
 * - reordered: a row holds the intact content of an entry with a later seq;
 * - inserted:  an entry that the chain does not account for: later entries
 *              were moved down to make room for it, or it lies past the
 *              anchored head.
 *
 * Entries appended while the check runs are not reported: the scan stops at
 * the head anchored when it started.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';
import type { AuditTable, StoreSchema } from '../../store/schema.js';
import { GENESIS_HASH, hashAuditRow } from './audit-entry.js';
import { readAuditHead, type AuditHead } from './audit-head.js';

export type AuditChainProblem = 'edited' | 'deleted' | 'reordered' | 'inserted';

export interface AuditChainBreak {
  /** Where the chain first breaks. */
  readonly seq: number;
  readonly problem: AuditChainProblem;
  /** One sentence for an operator. */
  readonly detail: string;
}

export interface AuditChainVerdict {
  readonly ok: boolean;
  /** Entries verified intact (all of them when ok; those before the break otherwise). */
  readonly entries: number;
  /** The last entry, when the chain is intact: record it elsewhere to anchor the log externally. */
  readonly head?: AuditHead;
  readonly firstBad?: AuditChainBreak;
}

const VERIFY_PAGE = 1000;

type Row = AuditTable;

/** The hash the row's content gives when it is placed at `seq`. */
function contentHash(row: Row, seq: number): string {
  return hashAuditRow({ seq, at: row.at, actor: row.actor, action: row.action, target: row.target, detail: row.detail, prev_hash: row.prev_hash });
}

/** seq of the entry whose hash is `hash` (0 for the genesis hash), if the table still holds it. */
async function seqOfHash(db: Kysely<StoreSchema>, hash: string): Promise<number | undefined> {
  if (hash === GENESIS_HASH) return 0;
  const row = await db.selectFrom('audit').select('seq').where('hash', '=', hash).orderBy('seq').limit(1).executeTakeFirst();
  return row ? Number(row.seq) : undefined;
}

async function diagnose(db: Kysely<StoreSchema>, row: Row, expectedSeq: number, prevHash: string): Promise<AuditChainBreak | undefined> {
  const seq = Number(row.seq);
  if (seq > expectedSeq) {
    const missing = seq - 1 === expectedSeq ? `entry ${expectedSeq} is` : `entries ${expectedSeq}..${seq - 1} are`;
    return { seq: expectedSeq, problem: 'deleted', detail: `${missing} missing: the table goes from seq ${expectedSeq - 1} to seq ${seq}` };
  }
  if (seq < expectedSeq) return { seq, problem: 'inserted', detail: `entry ${seq} is not part of a chain that starts at seq 1` };
  const selfOk = contentHash(row, seq) === row.hash;
  if (!selfOk) {
    const chainedTo = await seqOfHash(db, row.prev_hash);
    if (chainedTo !== undefined && chainedTo + 1 !== seq && contentHash(row, chainedTo + 1) === row.hash) {
      const claimed = chainedTo + 1;
      if (claimed > seq) return { seq, problem: 'reordered', detail: `the row at seq ${seq} holds entry ${claimed}: entries were moved` };
      return { seq: claimed, problem: 'inserted', detail: `entry ${claimed} is not the one the chain holds there: the original entry ${claimed} was moved to seq ${seq} to make room for it` };
    }
    if (chainedTo === undefined && row.prev_hash !== prevHash) {
      return { seq, problem: 'deleted', detail: `entry ${seq} is chained to an entry that is no longer in the table: entries were deleted and the rest renumbered` };
    }
    return { seq, problem: 'edited', detail: `entry ${seq} does not match its hash: its content was changed after it was written` };
  }
  if (row.prev_hash !== prevHash) {
    const chainedTo = await seqOfHash(db, row.prev_hash);
    if (chainedTo !== undefined && chainedTo < seq - 1) {
      return { seq: chainedTo + 1, problem: 'inserted', detail: `entry ${seq} is chained to entry ${chainedTo}: the entries between them were inserted` };
    }
    return { seq: seq - 1, problem: 'edited', detail: `entry ${seq - 1} is not the entry ${seq} was chained to: it was rewritten with a recomputed hash` };
  }
  return undefined;
}

export async function verifyAuditChain(store: Pick<Store, 'db'>): Promise<AuditChainVerdict> {
  const db = store.db;
  let anchor: AuditHead | undefined;
  let anchorProblem: string | undefined;
  try {
    anchor = await readAuditHead(db);
  } catch (error) {
    anchorProblem = (error as Error).message;
  }
  const limit = anchor?.seq ?? Number.MAX_SAFE_INTEGER;

  let entries = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let after = 0;
  const result = (firstBad?: AuditChainBreak): AuditChainVerdict => {
    // A break found through a later row (a broken link, a mismatching anchor) lies before it.
    if (firstBad) return { ok: false, entries: Math.max(0, Math.min(entries, firstBad.seq - 1)), firstBad };
    return { ok: true, entries, ...(entries > 0 ? { head: { seq: expectedSeq - 1, hash: prevHash } } : {}) };
  };

  // Rows with seq < 1 cannot belong to the chain; the paged scan below starts above them.
  const stray = await db.selectFrom('audit').select('seq').where('seq', '<', 1).orderBy('seq').limit(1).executeTakeFirst();
  if (stray) return result({ seq: Number(stray.seq), problem: 'inserted', detail: `entry ${stray.seq} is not part of a chain that starts at seq 1` });

  while (true) {
    const page = await db.selectFrom('audit').selectAll()
      .where('seq', '>', after).where('seq', '<=', limit)
      .orderBy('seq').limit(VERIFY_PAGE).execute();
    for (const row of page) {
      const problem = await diagnose(db, row, expectedSeq, prevHash);
      if (problem) return result(problem);
      entries += 1;
      expectedSeq += 1;
      prevHash = row.hash;
    }
    if (page.length < VERIFY_PAGE) break;
    after = Number(page[page.length - 1]?.seq);
  }

  const lastSeq = expectedSeq - 1;
  if (anchorProblem) return result({ seq: lastSeq + 1, problem: 'edited', detail: anchorProblem });
  if (!anchor) {
    if (lastSeq === 0) return result();
    return result({ seq: lastSeq + 1, problem: 'deleted', detail: `the anchored head (state 'audit.head') was deleted: entries after seq ${lastSeq} may have been removed` });
  }
  if (lastSeq < anchor.seq) {
    const range = lastSeq + 1 === anchor.seq ? `entry ${anchor.seq} was` : `entries ${lastSeq + 1}..${anchor.seq} were`;
    return result({ seq: lastSeq + 1, problem: 'deleted', detail: `${range} removed from the end: the anchored head is seq ${anchor.seq}, the table ends at seq ${lastSeq}` });
  }
  if (prevHash !== anchor.hash) {
    return result({ seq: lastSeq, problem: 'edited', detail: `entry ${lastSeq} is not the anchored head: it was rewritten with a recomputed hash` });
  }
  // Rows past the anchor: compare with the anchor read AFTER them, because appends running
  // meanwhile commit their row and their anchor together.
  const beyond = await db.selectFrom('audit').select('seq').where('seq', '>', anchor.seq).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (beyond) {
    const latest = await readAuditHead(db).catch(() => undefined);
    if (!latest || Number(beyond.seq) > latest.seq) {
      return result({ seq: (latest?.seq ?? anchor.seq) + 1, problem: 'inserted', detail: `entries past the anchored head (seq ${latest?.seq ?? anchor.seq}) were added outside the audit log` });
    }
  }
  return result();
}
