/**
 * advisory-data: the console's advisory database (config.advisoryDatabase),
 * kept current by scheduled `db update` runs and uploaded bundles or feed
 * files, and the hand-over to re-evaluation after every change.
 *
 * A change is crash-safe in three steps. Before the store rewrites the file
 * (atomically, by rename), the current file is hard-linked to
 * `<db>.previous`, which keeps the old state readable. After it, the two are
 * diffed and, in one store transaction, the re-evaluation run is planned and
 * the new snapshot recorded as planned (`advisories.planned`); then the link
 * is removed. `reconcileAdvisoryData` finishes whatever a killed process left
 * between those steps: it runs before every change and when the console
 * starts. Without a usable `.previous` it plans every image not matched
 * against the current snapshot, so a crash never loses a change.
 */
import Database from 'better-sqlite3';
import { existsSync, linkSync, copyFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { openAdvisoryStore, type AdvisoryStore } from '../../advisories/index.js';
import { diffAdvisoryDatabases, type AdvisoryChanges } from '../../advisories/store/advisory-changes.js';
import type { ConsoleContext } from '../context.js';
import { planAdvisoryRun, REEVALUATE_RUN_JOB } from '../reevaluate/reevaluation.js';
import { PLANNED_KEY, type ReevaluationRun } from '../reevaluate/reevaluation-run.js';

export { PLANNED_KEY };


const plannedSchema = z.object({ snapshot: z.string(), at: z.string() });

export interface PlannedChange {
  readonly fromSnapshot: string | null;
  readonly snapshot: string;
  /** Undefined when the previous state was unknown and every image not matched against `snapshot` was planned. */
  readonly changes?: AdvisoryChanges;
  readonly run?: { readonly id: string; readonly images: number };
}

export const previousPath = (file: string): string => `${file}.previous`;

/** The snapshot recorded in an advisory database file; undefined when there is none or it is unreadable. */
export function snapshotOfFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT value FROM meta WHERE key = 'snapshot'").get() as { value: string } | undefined)?.value;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

async function plannedSnapshot(ctx: ConsoleContext): Promise<{ snapshot: string; text: string } | undefined> {
  const row = await ctx.store.db.selectFrom('state').select('value').where('key', '=', PLANNED_KEY).executeTakeFirst();
  if (!row) return undefined;
  try {
    const parsed = plannedSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? { snapshot: parsed.data.snapshot, text: row.value } : { snapshot: '', text: row.value };
  } catch {
    return { snapshot: '', text: row.value };
  }
}

/** Serializes changes to one database file within this process. */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  queues.set(file, next);
  void next.finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  }).catch(() => undefined);
  return next;
}

async function reconcileNow(ctx: ConsoleContext): Promise<PlannedChange | undefined> {
  const file = ctx.config.advisoryDatabase;
  const previous = previousPath(file);
  const current = snapshotOfFile(file);
  const planned = await plannedSnapshot(ctx);
  if (current === undefined || planned?.snapshot === current) {
    rmSync(previous, { force: true });
    return undefined;
  }
  const usablePrevious = planned !== undefined && snapshotOfFile(previous) === planned.snapshot;
  const changes = usablePrevious ? diffAdvisoryDatabases(previous, file) : undefined;
  const now = ctx.now();
  const value = JSON.stringify({ snapshot: current, at: now.toISOString() });
  const run = await ctx.store.db.transaction().execute(async (trx): Promise<ReevaluationRun | undefined | null> => {
    // Compare-and-set on the planned snapshot: of two processes reconciling at once, one plans.
    if (planned) {
      const r = await trx.updateTable('state').set({ value, updated_at: now.toISOString() }).where('key', '=', PLANNED_KEY).where('value', '=', planned.text).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return null;
    } else {
      const r = await trx.insertInto('state').values({ key: PLANNED_KEY, value, updated_at: now.toISOString() }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
    }
    return planAdvisoryRun(trx, changes, current, now);
  });
  rmSync(previous, { force: true });
  if (run === null) return undefined;
  if (run) await ctx.jobs.enqueue(REEVALUATE_RUN_JOB, { run: run.id });
  ctx.log.info({ from: planned?.snapshot ?? null, to: current, images: run?.total ?? 0, advisories: changes ? changes.advisories : 'unknown previous state' }, 'advisory data changed');
  return {
    fromSnapshot: planned?.snapshot || null,
    snapshot: current,
    ...(changes ? { changes } : {}),
    ...(run ? { run: { id: run.id, images: run.total } } : {}),
  };
}

/** Finishes an advisory change a stopped process left half done; nothing when the data is already planned. */
export function reconcileAdvisoryData(ctx: ConsoleContext): Promise<PlannedChange | undefined> {
  return serialized(ctx.config.advisoryDatabase, () => reconcileNow(ctx));
}

/**
 * Changes the advisory database with `mutate` (an update or an import on the
 * opened store) and plans the re-evaluation it calls for.
 */
export function changeAdvisoryData<T>(ctx: ConsoleContext, mutate: (store: AdvisoryStore) => Promise<T> | T): Promise<{ readonly value: T; readonly planned: PlannedChange | undefined }> {
  const file = ctx.config.advisoryDatabase;
  return serialized(file, async () => {
    await reconcileNow(ctx);
    const previous = previousPath(file);
    rmSync(previous, { force: true });
    if (existsSync(file)) {
      try {
        linkSync(file, previous);
      } catch {
        // A filesystem without hard links: a copy keeps the old state as well, only slower.
        copyFileSync(file, previous);
      }
    }
    const store = openAdvisoryStore(file);
    let value: T;
    try {
      value = await mutate(store);
    } finally {
      store.close();
    }
    return { value, planned: await reconcileNow(ctx) };
  });
}
