/**
 * A re-evaluation run as it is kept in the `state` table, so a run survives
 * `kill -9`: the run row (`reevaluate.run:<id>`: why, which snapshot, how
 * far it got, who is working on it until when) and its work list cut into
 * chunk rows (`reevaluate.chunk:<id>:<n>`: image digests with the advisory
 * ids behind each). A chunk row is deleted in the same transaction that
 * advances the run, so after a crash the run resumes at the first chunk
 * still present; re-deciding an image twice changes nothing the second time.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { StoreSchema } from '../../store/schema.js';

export const RUN_PREFIX = 'reevaluate.run:';
export const CHUNK_PREFIX = 'reevaluate.chunk:';
/** The advisory snapshot the last change was planned for (written by advisory-data with the run). */
export const PLANNED_KEY = 'advisories.planned';
/** Summaries of the last finished runs, newest first. */
export const HISTORY_KEY = 'reevaluate.history';
/** Images per chunk row: small enough that a redone chunk after a crash is cheap. */
export const CHUNK_SIZE = 100;
/** A run's owner renews this lease with every chunk; a run whose lease ran out is taken over. */
export const LEASE_MS = 60_000;
/** The advisory ids recorded per run and per image are capped: a full re-import names hundreds of thousands. */
export const MAX_CAUSE_IDS = 50;

const runSchema = z.object({
  id: z.string(),
  reason: z.enum(['advisory-update', 'policy-change', 'exception-change']),
  createdAt: z.string(),
  fromSnapshot: z.string().nullable().optional(),
  snapshot: z.string().optional(),
  policyVersion: z.string().optional(),
  /** Advisory ids behind the run (first MAX_CAUSE_IDS) and how many there were. */
  advisories: z.array(z.string()),
  advisoryCount: z.number(),
  /** 'changes': keys from a diff; 'full': every image not matched against the snapshot; 'all': every image. */
  scope: z.enum(['changes', 'full', 'all']),
  total: z.number(),
  chunks: z.number(),
  nextChunk: z.number(),
  done: z.number(),
  changed: z.object({ images: z.number(), newFindings: z.number(), resolvedFindings: z.number(), verdicts: z.number(), failed: z.number() }),
  owner: z.string().nullable(),
  leaseUntil: z.string().nullable(),
  startedAt: z.string().nullable(),
});

export type ReevaluationRun = z.infer<typeof runSchema>;

/** One image of a work list: its digest and the advisory ids (or CVEs) that put it there. */
export type WorkItem = readonly [digest: string, advisories: readonly string[]];

export interface NewRun {
  readonly reason: ReevaluationRun['reason'];
  readonly scope: ReevaluationRun['scope'];
  readonly fromSnapshot?: string | null;
  readonly snapshot?: string;
  readonly policyVersion?: string;
  readonly advisories: readonly string[];
  readonly items: readonly WorkItem[];
}

type Db = Kysely<StoreSchema> | Transaction<StoreSchema>;

const pad = (n: number): string => String(n).padStart(7, '0');
export const runKey = (id: string): string => `${RUN_PREFIX}${id}`;
export const chunkKey = (id: string, n: number): string => `${CHUNK_PREFIX}${id}:${pad(n)}`;

/** This process, as the owner of a run: host, pid and a random part (a later process may reuse the pid). */
export const PROCESS_OWNER = `${hostname()}|${process.pid}|${randomUUID().slice(0, 8)}`;

/** Writes the run and its chunks (inside the caller's transaction). */
export async function insertRun(db: Db, run: NewRun, now: Date): Promise<ReevaluationRun> {
  const createdAt = now.toISOString();
  // Ids sort by creation, so runs are taken in the order they were planned.
  const id = `${createdAt}-${randomUUID().slice(0, 8)}`;
  const chunks = Math.ceil(run.items.length / CHUNK_SIZE);
  const row: ReevaluationRun = {
    id,
    reason: run.reason,
    createdAt,
    ...(run.fromSnapshot !== undefined ? { fromSnapshot: run.fromSnapshot } : {}),
    ...(run.snapshot ? { snapshot: run.snapshot } : {}),
    ...(run.policyVersion ? { policyVersion: run.policyVersion } : {}),
    advisories: run.advisories.slice(0, MAX_CAUSE_IDS),
    advisoryCount: run.advisories.length,
    scope: run.scope,
    total: run.items.length,
    chunks,
    nextChunk: 0,
    done: 0,
    changed: { images: 0, newFindings: 0, resolvedFindings: 0, verdicts: 0, failed: 0 },
    owner: null,
    leaseUntil: null,
    startedAt: null,
  };
  const rows = [{ key: runKey(id), value: JSON.stringify(row), updated_at: createdAt }];
  for (let n = 0; n < chunks; n++) {
    const items = run.items.slice(n * CHUNK_SIZE, (n + 1) * CHUNK_SIZE).map(([d, a]) => [d, a.slice(0, MAX_CAUSE_IDS)]);
    rows.push({ key: chunkKey(id, n), value: JSON.stringify(items), updated_at: createdAt });
  }
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('state').values(rows.slice(i, i + 200)).execute();
  return row;
}

export interface StoredRun {
  readonly run: ReevaluationRun;
  /** The row's text as read: the compare-and-set token for the next write. */
  readonly text: string;
}

function parseRun(text: string): ReevaluationRun | undefined {
  try {
    const parsed = runSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every unfinished run, oldest first. */
export async function pendingRuns(db: Db): Promise<StoredRun[]> {
  const rows = await db.selectFrom('state').select(['key', 'value']).where('key', 'like', `${RUN_PREFIX}%`).orderBy('key').execute();
  return rows.flatMap((r) => {
    const run = parseRun(r.value);
    return run ? [{ run, text: r.value }] : [];
  });
}

/** Replaces the run row only if it still reads `expected`; false when another worker wrote it first. */
export async function compareAndSetRun(db: Db, expected: string, run: ReevaluationRun, now: Date): Promise<StoredRun | undefined> {
  const text = JSON.stringify(run);
  const result = await db.updateTable('state').set({ value: text, updated_at: now.toISOString() }).where('key', '=', runKey(run.id)).where('value', '=', expected).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { run, text } : undefined;
}

export async function readChunk(db: Db, id: string, n: number): Promise<WorkItem[] | undefined> {
  const row = await db.selectFrom('state').select('value').where('key', '=', chunkKey(id, n)).executeTakeFirst();
  if (!row) return undefined;
  const parsed = z.array(z.tuple([z.string(), z.array(z.string())])).safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : [];
}

/** Whether the owner recorded on a run can no longer be working on it. */
export function ownerGone(run: ReevaluationRun, now: Date): boolean {
  if (run.owner === null || run.leaseUntil === null || run.leaseUntil <= now.toISOString()) return true;
  if (run.owner === PROCESS_OWNER) return false;
  const [host, pid, tag] = run.owner.split('|');
  const [myHost, myPid, myTag] = PROCESS_OWNER.split('|');
  if (host !== myHost) return false;
  // Our pid with another tag: an earlier process that had our pid is gone.
  if (pid === myPid) return tag !== myTag;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface RunSummary {
  readonly id: string;
  readonly reason: ReevaluationRun['reason'];
  readonly snapshot?: string;
  readonly policyVersion?: string;
  readonly advisories: readonly string[];
  readonly advisoryCount: number;
  readonly images: number;
  readonly changed: ReevaluationRun['changed'];
  readonly createdAt: string;
  readonly finishedAt: string;
}

/** What the API shows of a run, pending or finished. */
export function describeRun(run: ReevaluationRun): Omit<RunSummary, 'finishedAt'> {
  return {
    id: run.id,
    reason: run.reason,
    ...(run.snapshot ? { snapshot: run.snapshot } : {}),
    ...(run.policyVersion ? { policyVersion: run.policyVersion } : {}),
    advisories: run.advisories,
    advisoryCount: run.advisoryCount,
    images: run.total,
    changed: run.changed,
    createdAt: run.createdAt,
  };
}

/** Removes a finished run and prepends its summary to the history (last 50 kept). */
export async function finishRun(db: Db, stored: StoredRun, now: Date): Promise<RunSummary | undefined> {
  const { run } = stored;
  const summary: RunSummary = { ...describeRun(run), finishedAt: now.toISOString() };
  const deleted = await db.deleteFrom('state').where('key', '=', runKey(run.id)).where('value', '=', stored.text).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return undefined;
  await db.deleteFrom('state').where('key', 'like', `${CHUNK_PREFIX}${run.id}:%`).execute();
  const history = await db.selectFrom('state').select('value').where('key', '=', HISTORY_KEY).executeTakeFirst();
  let list: unknown[] = [];
  try {
    const parsed: unknown = history ? JSON.parse(history.value) : [];
    if (Array.isArray(parsed)) list = parsed;
  } catch {
    list = [];
  }
  const value = JSON.stringify([summary, ...list].slice(0, 50));
  await db.insertInto('state').values({ key: HISTORY_KEY, value, updated_at: summary.finishedAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: summary.finishedAt }))
    .execute();
  return summary;
}

/** The last finished runs, newest first. */
export async function runHistory(db: Db): Promise<RunSummary[]> {
  const row = await db.selectFrom('state').select('value').where('key', '=', HISTORY_KEY).executeTakeFirst();
  if (!row) return [];
  try {
    const parsed: unknown = JSON.parse(row.value);
    return Array.isArray(parsed) ? (parsed as RunSummary[]) : [];
  } catch {
    return [];
  }
}
