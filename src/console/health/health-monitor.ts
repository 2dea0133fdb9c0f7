/**
 * Looks for health problems on a timer and publishes each new one as a
 * 'health.problem' event (alert rules route it). Which problems were already
 * published is kept in state, so a restart or a second replica does not
 * alert twice; a problem that clears is forgotten and alerts again if it
 * returns. Also registers an informational readiness check that shows the
 * advisory data's age in /readyz without ever failing it (stale data is a
 * problem to fix, not a reason to take the console out of the load balancer).
 */
import { z } from 'zod';
import type { ConsoleContext, ConsoleEvent } from '../context.js';
import { registerReadinessCheck } from '../server/health-checks.js';
import { advisoryDataStatus } from '../advisory-data/advisory-data-status.js';
import { healthProblems, type HealthProblem } from './health-problems.js';

export const PUBLISHED_KEY = 'health.published';
const DEFAULT_INTERVAL_MS = 5 * 60_000;

registerReadinessCheck({
  name: 'advisory-data',
  async run(ctx) {
    const s = await advisoryDataStatus(ctx);
    if (!s.present) return 'none yet (a health problem, see /api/v1/health/problems)';
    return `snapshot ${s.snapshot?.slice(0, 19) ?? 'none'}, ${s.ageHours ?? '?'} h old${s.stale ? ' (stale)' : ''}, ${s.reevaluation.pendingImages} images awaiting re-evaluation`;
  },
});

/** Publishes the problems not published before; returns them. */
export async function publishNewProblems(ctx: ConsoleContext): Promise<HealthProblem[]> {
  const problems = await healthProblems(ctx);
  const row = await ctx.store.db.selectFrom('state').select('value').where('key', '=', PUBLISHED_KEY).executeTakeFirst();
  let published: string[] = [];
  try {
    published = z.array(z.string()).catch([]).parse(row ? JSON.parse(row.value) : []);
  } catch {
    published = [];
  }
  const known = new Set(published);
  const fresh = problems.filter((p) => !known.has(p.id));
  const at = ctx.now().toISOString();
  const value = JSON.stringify(problems.map((p) => p.id));
  // Claim the new ids first (compare-and-set): of two replicas, one publishes.
  const claimed = row
    ? Number((await ctx.store.db.updateTable('state').set({ value, updated_at: at }).where('key', '=', PUBLISHED_KEY).where('value', '=', row.value).executeTakeFirst()).numUpdatedRows) === 1
    : Number((await ctx.store.db.insertInto('state').values({ key: PUBLISHED_KEY, value, updated_at: at }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0n) === 1;
  if (!claimed || fresh.length === 0) return [];
  const events: ConsoleEvent[] = fresh.map((p) => ({
    type: 'health.problem',
    severity: p.severity,
    at,
    summary: p.summary,
    detail: { id: p.id, kind: p.kind, ...p.detail },
  }));
  await ctx.events.publish(events);
  return fresh;
}

/** Checks now and then every `intervalMs`; stop() ends the timer. */
export function startHealthMonitor(ctx: ConsoleContext, intervalMs = DEFAULT_INTERVAL_MS): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      await publishNewProblems(ctx);
    } catch (error) {
      ctx.log.warn({ err: error }, 'health check failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), intervalMs);
      timer.unref();
    }
  };
  void tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
