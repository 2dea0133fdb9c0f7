/**
 * Scheduled registry syncs: every tick, each registry whose next sync is
 * due is claimed with one conditional UPDATE (moving next_sync_at on by its
 * interval) and a 'registry.sync' job is enqueued by whoever won the claim —
 * so any number of console replicas and workers can run this loop and a
 * registry is still synced once per interval.
 */
import type { ConsoleContext } from '../context.js';
import { REGISTRY_SYNC_JOB, type RegistrySyncJob } from './registry-sync.js';

export interface RegistrySchedule {
  /** Runs one tick now (tests, start-up). Returns the registries it enqueued a sync for. */
  tick(): Promise<string[]>;
  stop(): void;
}

export function startRegistrySchedule(ctx: ConsoleContext, options: { readonly tickMs?: number } = {}): RegistrySchedule {
  const tickMs = options.tickMs ?? 30_000;
  let running: Promise<string[]> | undefined;
  let stopped = false;

  async function tickOnce(): Promise<string[]> {
    const now = ctx.now();
    const due = await ctx.store.db.selectFrom('registries').select(['id', 'name', 'interval_minutes', 'next_sync_at'])
      .where('interval_minutes', '>', 0)
      .where((eb) => eb.or([eb('next_sync_at', 'is', null), eb('next_sync_at', '<=', now.toISOString())]))
      .execute();
    const enqueued: string[] = [];
    for (const r of due) {
      const next = new Date(now.getTime() + r.interval_minutes * 60_000).toISOString();
      let claim = ctx.store.db.updateTable('registries').set({ next_sync_at: next }).where('id', '=', r.id);
      claim = r.next_sync_at === null ? claim.where('next_sync_at', 'is', null) : claim.where('next_sync_at', '=', r.next_sync_at);
      const result = await claim.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      const payload: RegistrySyncJob = { registryId: r.id, requestedBy: 'schedule' };
      // One attempt: the next interval is the retry, and a registry that is down should not pile up syncs.
      await ctx.jobs.enqueue(REGISTRY_SYNC_JOB, payload, { maxAttempts: 1 });
      enqueued.push(r.id);
    }
    return enqueued;
  }

  function tick(): Promise<string[]> {
    running ??= tickOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (stopped) return;
    tick().catch((error: unknown) => ctx.log.error({ error: (error as Error).message }, 'registry schedule: tick failed'));
  }, tickMs);
  timer.unref();
  void tick().catch((error: unknown) => ctx.log.error({ error: (error as Error).message }, 'registry schedule: tick failed'));

  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
