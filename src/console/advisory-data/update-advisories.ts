/**
 * `db update` inside the console: the 'advisories.update' job downloads the
 * configured feeds (config.advisoryUpdate: sources, mirror base URLs; the
 * BULKHEAD_FEED_* / BULKHEAD_OSV_ECOSYSTEMS environment and the feeds config
 * file as for the CLI), replaces them atomically and plans the
 * re-evaluation. With intervalMinutes > 0 each scheduled run enqueues the
 * next one; the outcome of the last run is kept in state for status and
 * health.
 */
import { z } from 'zod';
import { resolveFeedConfig, SOURCE_NAMES, DEFAULT_SOURCES, updateDatabase, type SourceName } from '../../advisories/index.js';
import type { FeedConfigInput } from '../../advisories/update/feed-config.js';
import { BadInputError } from '../../domain/errors.js';
import type { ConsoleContext } from '../context.js';
import { changeAdvisoryData, type PlannedChange } from './change-advisory-data.js';

export const ADVISORY_UPDATE_JOB = 'advisories.update';
export const LAST_UPDATE_KEY = 'advisories.last-update';

export const lastUpdateSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  trigger: z.string(),
  error: z.string().optional(),
  snapshot: z.string().optional(),
  feeds: z.array(z.object({ feed: z.string(), advisories: z.number(), enrichments: z.number(), unchanged: z.boolean() })).optional(),
  reevaluation: z.object({ run: z.string().optional(), images: z.number() }).optional(),
});

export type LastUpdate = z.infer<typeof lastUpdateSchema>;

const jobPayload = z.object({ trigger: z.string().max(200).catch('schedule'), scheduled: z.boolean().catch(false) }).catch({ trigger: 'schedule', scheduled: false });

export function configuredSources(ctx: ConsoleContext): SourceName[] {
  const sources = ctx.config.advisoryUpdate.sources ?? DEFAULT_SOURCES;
  for (const s of sources) {
    if (!(SOURCE_NAMES as readonly string[]).includes(s)) throw new BadInputError(`advisoryUpdate.sources: unknown source "${s}"; known: ${SOURCE_NAMES.join(', ')}`);
  }
  return [...sources] as SourceName[];
}

async function recordLastUpdate(ctx: ConsoleContext, last: LastUpdate): Promise<void> {
  const value = JSON.stringify(last);
  await ctx.store.db.insertInto('state').values({ key: LAST_UPDATE_KEY, value, updated_at: last.at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: last.at }))
    .execute();
}

export async function lastAdvisoryUpdate(ctx: Pick<ConsoleContext, 'store'>): Promise<LastUpdate | undefined> {
  const row = await ctx.store.db.selectFrom('state').select('value').where('key', '=', LAST_UPDATE_KEY).executeTakeFirst();
  if (!row) return undefined;
  try {
    const parsed = lastUpdateSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads and applies the configured feeds now; `feeds` adds to the configuration (tests, the CLI's options). */
export async function updateConsoleAdvisories(ctx: ConsoleContext, trigger: string, feeds: Omit<FeedConfigInput, 'mirrors'> = {}): Promise<{ last: LastUpdate; planned: PlannedChange | undefined }> {
  const at = ctx.now().toISOString();
  try {
    const sources = configuredSources(ctx);
    const config = resolveFeedConfig({
      ...feeds,
      mirrors: Object.entries(ctx.config.advisoryUpdate.baseUrls ?? {}).map(([name, url]) => `${name}=${url}`),
    });
    const { value, planned } = await changeAdvisoryData(ctx, (store) => updateDatabase(store, config, sources));
    const last: LastUpdate = {
      at,
      ok: true,
      trigger,
      snapshot: value.snapshot,
      feeds: value.feeds.map((f) => ({ feed: f.feed, advisories: f.advisories, enrichments: f.enrichments, unchanged: f.unchanged })),
      reevaluation: { ...(planned?.run ? { run: planned.run.id } : {}), images: planned?.run?.images ?? 0 },
    };
    await recordLastUpdate(ctx, last);
    return { last, planned };
  } catch (error) {
    const last: LastUpdate = { at, ok: false, trigger, error: (error as Error).message.slice(0, 2000) };
    await recordLastUpdate(ctx, last);
    throw error;
  }
}

/** Whether an update job is already waiting or running (so start-up does not schedule a second chain). */
async function updateQueued(ctx: ConsoleContext): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('jobs').select('id').where('kind', '=', ADVISORY_UPDATE_JOB).where('state', 'in', ['queued', 'running']).executeTakeFirst();
  return row !== undefined;
}

/** Enqueues the next scheduled update (due one interval after the last one), unless updates are off or one is queued. */
export async function scheduleAdvisoryUpdates(ctx: ConsoleContext): Promise<string | undefined> {
  const minutes = ctx.config.advisoryUpdate.intervalMinutes;
  if (minutes <= 0 || (await updateQueued(ctx))) return undefined;
  const last = await lastAdvisoryUpdate(ctx);
  const due = last ? Date.parse(last.at) + minutes * 60_000 : ctx.now().getTime();
  return ctx.jobs.enqueue(ADVISORY_UPDATE_JOB, { trigger: 'schedule', scheduled: true }, { maxAttempts: 1, runAfter: new Date(Math.max(due, ctx.now().getTime())) });
}

/** Registers the 'advisories.update' handler on ctx.jobs (before ctx.jobs.start()). */
export function registerAdvisoryUpdates(ctx: ConsoleContext, feeds: Omit<FeedConfigInput, 'mirrors'> = {}): void {
  ctx.jobs.handle(ADVISORY_UPDATE_JOB, async (payload) => {
    const { trigger, scheduled } = jobPayload.parse(payload);
    try {
      const { last } = await updateConsoleAdvisories(ctx, trigger, feeds);
      return last;
    } finally {
      const minutes = ctx.config.advisoryUpdate.intervalMinutes;
      if (scheduled && minutes > 0) {
        await ctx.jobs.enqueue(ADVISORY_UPDATE_JOB, { trigger: 'schedule', scheduled: true }, { maxAttempts: 1, runAfter: new Date(ctx.now().getTime() + minutes * 60_000) });
      }
    }
  });
}
