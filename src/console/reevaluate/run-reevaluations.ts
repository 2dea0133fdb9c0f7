/**
 * Works through the pending re-evaluation runs, oldest first: claims a run
 * (compare-and-set on its state row, with a lease), re-decides the images of
 * each chunk with the inventory's assessImage (re-match against the current
 * advisory data, evaluate the active policy, diff and store findings, record
 * image_changes with the cause, publish events), then advances the run and
 * deletes the chunk in one transaction. A process killed mid-chunk leaves
 * the chunk in place; whoever resumes redoes it, and images already re-decided
 * come out unchanged.
 */
import type { ConsoleContext } from '../context.js';
import { assessImages, type AssessItem } from '../inventory/image-assessment.js';
import { consoleAdvisoryIndex } from '../inventory/console-advisory-index.js';
import { activePolicy } from '../policies/active-policy.js';
import {
  chunkKey,
  compareAndSetRun,
  finishRun,
  LEASE_MS,
  ownerGone,
  pendingRuns,
  PLANNED_KEY,
  PROCESS_OWNER,
  readChunk,
  type ReevaluationRun,
  type RunSummary,
  type StoredRun,
  type WorkItem,
} from './reevaluation-run.js';

export interface ProcessOptions {
  /** Stop after this many chunks (tests). */
  readonly maxChunks?: number;
  /** Checked between chunks: a stopping process leaves the rest of the run to whoever resumes it. */
  readonly shouldStop?: () => boolean;
  /** Batches of a chunk assessed at once; default 1 on SQLite (one connection), 2 on PostgreSQL. */
  readonly concurrency?: number;
}

export interface ProcessResult {
  readonly finished: readonly RunSummary[];
  /** Chunks this call completed. */
  readonly chunks: number;
  /** Runs left (owned by another live worker, or stopped by maxChunks). */
  readonly pending: number;
}

interface ChunkOutcome {
  images: number;
  newFindings: number;
  resolvedFindings: number;
  verdicts: number;
  failed: number;
}

async function decideChunk(ctx: ConsoleContext, run: ReevaluationRun, items: readonly WorkItem[], concurrency: number): Promise<ChunkOutcome> {
  const advisories = consoleAdvisoryIndex(ctx.config.advisoryDatabase);
  const active = await activePolicy(ctx);
  const policyVersion = `${active.name}@${active.version}`;
  const outcome: ChunkOutcome = { images: 0, newFindings: 0, resolvedFindings: 0, verdicts: 0, failed: 0 };
  const assessItems: AssessItem[] = items.map(([digest, ids]) => ({
    digest,
    cause: {
      reason: run.reason,
      ...(run.reason === 'advisory-update' && ids.length > 0 ? { advisories: ids } : {}),
      ...(advisories.index ? { snapshot: advisories.index.snapshot } : {}),
      policyVersion,
    },
  }));
  // The bulk assessment reads a batch in a few queries and writes it in one transaction; on PostgreSQL a few batches overlap.
  const size = Math.ceil(assessItems.length / Math.max(1, concurrency));
  const batches: AssessItem[][] = [];
  for (let i = 0; i < assessItems.length; i += size) batches.push(assessItems.slice(i, i + size));
  await Promise.all(batches.map(async (batch) => {
    const { results, failed } = await assessImages(ctx, batch, { advisoryIndex: advisories.index, policy: active.policy });
    for (const result of results) {
      if (result.newFindings.length || result.resolvedFindings.length || result.verdictChanged) outcome.images++;
      outcome.newFindings += result.newFindings.length;
      outcome.resolvedFindings += result.resolvedFindings.length;
      if (result.verdictChanged) outcome.verdicts++;
    }
    // One unreadable stored document must not hold up every other image.
    for (const f of failed) ctx.log.error({ err: f.error, digest: f.digest, run: run.id }, 're-evaluation of one image failed');
    outcome.failed += failed.length;
  }));
  return outcome;
}

/** Claims the run for this process unless a live owner holds it. */
async function claim(ctx: ConsoleContext, stored: StoredRun): Promise<StoredRun | undefined> {
  const now = ctx.now();
  if (stored.run.owner !== PROCESS_OWNER && !ownerGone(stored.run, now)) return undefined;
  return compareAndSetRun(ctx.store.db, stored.text, {
    ...stored.run,
    owner: PROCESS_OWNER,
    leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
    startedAt: stored.run.startedAt ?? now.toISOString(),
  }, now);
}

/** Marks images not touched by an advisory run as matched against its snapshot: their findings are the same under it. */
async function advanceUntouched(ctx: ConsoleContext, run: ReevaluationRun): Promise<void> {
  if (run.reason !== 'advisory-update' || run.scope !== 'changes' || !run.fromSnapshot || !run.snapshot) return;
  await ctx.store.db.updateTable('images').set({ advisory_snapshot: run.snapshot }).where('advisory_snapshot', '=', run.fromSnapshot).execute();
}

/**
 * Whether this process sees the advisory data the store was last planned
 * for. A worker on another machine has its own (or no) advisory file:
 * re-deciding with it would resolve every vulnerability finding, so it
 * leaves the runs to a process that has the data.
 */
async function hasCurrentAdvisoryData(ctx: ConsoleContext): Promise<boolean> {
  const { index } = consoleAdvisoryIndex(ctx.config.advisoryDatabase);
  const row = await ctx.store.db.selectFrom('state').select('value').where('key', '=', PLANNED_KEY).executeTakeFirst();
  if (!row) return true;
  let planned: unknown;
  try {
    planned = (JSON.parse(row.value) as { snapshot?: unknown }).snapshot;
  } catch {
    return true;
  }
  return index !== undefined && index.snapshot === planned;
}

export async function processReevaluations(ctx: ConsoleContext, options: ProcessOptions = {}): Promise<ProcessResult> {
  if (!(await hasCurrentAdvisoryData(ctx))) {
    ctx.log.warn({ advisoryDatabase: ctx.config.advisoryDatabase }, 'not re-evaluating here: this process does not have the advisory data the runs were planned for');
    return { finished: [], chunks: 0, pending: (await pendingRuns(ctx.store.db)).length };
  }
  const concurrency = options.concurrency ?? (ctx.store.dialect === 'postgres' ? 2 : 1);
  const finished: RunSummary[] = [];
  let chunks = 0;
  const skipped = new Set<string>();
  for (;;) {
    if ((options.maxChunks !== undefined && chunks >= options.maxChunks) || options.shouldStop?.()) break;
    const candidate = (await pendingRuns(ctx.store.db)).find((r) => !skipped.has(r.run.id));
    if (!candidate) break;
    let stored = await claim(ctx, candidate);
    if (!stored) {
      skipped.add(candidate.run.id);
      continue;
    }
    while (stored && stored.run.nextChunk < stored.run.chunks) {
      if ((options.maxChunks !== undefined && chunks >= options.maxChunks) || options.shouldStop?.()) break;
      const { run } = stored;
      const items = (await readChunk(ctx.store.db, run.id, run.nextChunk)) ?? [];
      const outcome = await decideChunk(ctx, run, items, concurrency);
      const now = ctx.now();
      const advanced: ReevaluationRun = {
        ...run,
        nextChunk: run.nextChunk + 1,
        done: run.done + items.length,
        changed: {
          images: run.changed.images + outcome.images,
          newFindings: run.changed.newFindings + outcome.newFindings,
          resolvedFindings: run.changed.resolvedFindings + outcome.resolvedFindings,
          verdicts: run.changed.verdicts + outcome.verdicts,
          failed: run.changed.failed + outcome.failed,
        },
        leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
      };
      const expected = stored.text;
      stored = await ctx.store.db.transaction().execute(async (trx) => {
        const next = await compareAndSetRun(trx, expected, advanced, now);
        if (next) await trx.deleteFrom('state').where('key', '=', chunkKey(run.id, run.nextChunk)).execute();
        return next;
      });
      if (!stored) ctx.log.warn({ run: run.id }, 'another worker took over this re-evaluation run');
      chunks++;
    }
    if (!stored || stored.run.nextChunk < stored.run.chunks) {
      if (stored) skipped.add(stored.run.id);
      continue;
    }
    await advanceUntouched(ctx, stored.run);
    const summary = await finishRun(ctx.store.db, stored, ctx.now());
    if (!summary) continue;
    finished.push(summary);
    ctx.log.info({ run: summary.id, reason: summary.reason, images: summary.images, changed: summary.changed }, 're-evaluation finished');
    await ctx.events.publish([
      {
        type: 'reevaluation.finished',
        at: summary.finishedAt,
        summary: `re-evaluated ${summary.images} image${summary.images === 1 ? '' : 's'} after ${summary.reason === 'advisory-update' ? 'an advisory update' : `a ${summary.reason.replace('-', ' ')}`}: ${summary.changed.images} changed, ${summary.changed.verdicts} verdict${summary.changed.verdicts === 1 ? '' : 's'} changed`,
        detail: { ...summary },
      },
    ]);
  }
  const pending = (await pendingRuns(ctx.store.db)).length;
  return { finished, chunks, pending };
}
