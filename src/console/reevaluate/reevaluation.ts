/**
 * reevaluate: keeps every stored image's findings and decision current
 * without pulling an image again. After an advisory update it re-matches the
 * images whose packages the changed advisories name; after a policy or
 * exception change it re-decides every image. Work is planned into a durable
 * run (reevaluation-run.ts) and carried out by whichever worker takes the
 * 'reevaluate.run' job — or by the console itself on start, resuming a run a
 * killed process left behind.
 */
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { AdvisoryChanges } from '../../advisories/store/advisory-changes.js';
import type { StoreSchema } from '../../store/schema.js';
import type { ConsoleContext } from '../context.js';
import { activePolicy } from '../policies/active-policy.js';
import { allImages, imagesAffectedBy, imagesNotMatchedAgainst } from './plan-reevaluation.js';
import { insertRun, pendingRuns, type ReevaluationRun } from './reevaluation-run.js';
import { processReevaluations, type ProcessOptions } from './run-reevaluations.js';

export const REEVALUATE_RUN_JOB = 'reevaluate.run';
/** Enqueued by policies/ and exceptions/ when what decisions depend on changed. */
export const REEVALUATE_POLICY_JOB = 'reevaluate.policy';

const policyJobPayload = z.object({
  reason: z.enum(['policy-change', 'exception-change']).catch('policy-change'),
  policyVersion: z.string().max(512).optional().catch(undefined),
}).catch({ reason: 'policy-change' });

/**
 * Plans the re-evaluation of an advisory change inside the caller's
 * transaction (the one that records the snapshot as planned), so the change
 * and its work list are durable together. `changes` undefined: the previous
 * state is unknown (first database, or a crash lost it) — every image not
 * matched against `snapshot` is planned.
 */
export async function planAdvisoryRun(trx: Transaction<StoreSchema>, changes: AdvisoryChanges | undefined, snapshot: string, now: Date): Promise<ReevaluationRun | undefined> {
  const items = changes ? await imagesAffectedBy(trx, changes) : await imagesNotMatchedAgainst(trx, snapshot);
  if (items.length === 0) return undefined;
  const advisories = changes
    ? [...new Set([...changes.advisories.added, ...changes.advisories.changed, ...changes.advisories.removed, ...changes.enrichedCves])].sort()
    : [];
  return insertRun(trx, {
    reason: 'advisory-update',
    scope: changes ? 'changes' : 'full',
    fromSnapshot: changes?.fromSnapshot ?? null,
    snapshot,
    advisories,
    items,
  }, now);
}

/**
 * Plans re-deciding every image after a policy or exception change. A run of
 * that kind nobody has started yet already evaluates with whatever policy is
 * active when it runs, so a burst of changes plans one run.
 */
export async function planPolicyRun(ctx: ConsoleContext, payload: unknown): Promise<ReevaluationRun | undefined> {
  const { reason, policyVersion } = policyJobPayload.parse(payload);
  // Read before the transaction: on SQLite it holds the only connection.
  const version = policyVersion ?? (await activePolicy(ctx).then((a) => `${a.name}@${a.version}`));
  return ctx.store.db.transaction().execute(async (trx) => {
    const waiting = (await pendingRuns(trx)).find((r) => r.run.reason !== 'advisory-update' && r.run.startedAt === null);
    if (waiting) return undefined;
    const items = await allImages(trx);
    if (items.length === 0) return undefined;
    return insertRun(trx, { reason, scope: 'all', policyVersion: version, advisories: [], items }, ctx.now());
  });
}

export interface ReevaluationService {
  /** Works through pending runs now (what the job does); resolves when none is left that this process may take. */
  process(options?: ProcessOptions): ReturnType<typeof processReevaluations>;
  /** Resumes runs left behind by a stopped process, in the background. */
  resume(): void;
  /** Waits for the background work started by resume(). */
  idle(): Promise<void>;
  /** Stops at the next checkpoint (the rest of a run stays for whoever resumes it) and waits for that. */
  stop(): Promise<void>;
}

/**
 * Registers the job handlers on ctx.jobs (call before ctx.jobs.start()).
 * Runs are processed by one loop per process at a time; a job that arrives
 * while the loop runs makes it look again when it finishes.
 */
export function registerReevaluation(ctx: ConsoleContext, options: ProcessOptions = {}): ReevaluationService {
  let loop: Promise<void> | undefined;
  let again = false;
  let stopping = false;
  const processOptions: ProcessOptions = { ...options, shouldStop: () => stopping };
  const kick = (): Promise<void> => {
    if (stopping) return Promise.resolve();
    if (loop) {
      again = true;
      return loop;
    }
    loop = (async () => {
      try {
        do {
          again = false;
          await processReevaluations(ctx, processOptions);
        } while (again && !stopping);
      } finally {
        loop = undefined;
      }
    })();
    return loop;
  };
  ctx.jobs.handle(REEVALUATE_RUN_JOB, async () => {
    await kick();
    return { pending: (await pendingRuns(ctx.store.db)).length };
  });
  ctx.jobs.handle(REEVALUATE_POLICY_JOB, async (payload) => {
    const run = await planPolicyRun(ctx, payload);
    await kick();
    return run ? { run: run.id, images: run.total } : { coalesced: true };
  });
  return {
    process: (o) => processReevaluations(ctx, { ...options, ...o }),
    resume() {
      kick().catch((error: unknown) => ctx.log.error({ err: error }, 'resuming re-evaluation failed'));
    },
    idle: async () => {
      while (loop) await loop.catch(() => undefined);
    },
    async stop() {
      stopping = true;
      while (loop) await loop.catch(() => undefined);
    },
  };
}
