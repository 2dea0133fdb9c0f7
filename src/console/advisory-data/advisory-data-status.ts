/**
 * What the console's advisory data looks like now: snapshot, sources with
 * their age, whether it is stale (no data fetched within
 * advisoryUpdate.staleAfterHours, or no database at all), the last
 * scheduled or triggered update and the re-evaluation work still pending.
 */
import { existsSync } from 'node:fs';
import { openAdvisoryStore, type DatabaseStatus, type SourceStatus } from '../../advisories/index.js';
import type { ConsoleContext } from '../context.js';
import { pendingRuns } from '../reevaluate/reevaluation-run.js';
import { lastAdvisoryUpdate, type LastUpdate } from './update-advisories.js';

export interface AdvisoryDataStatus {
  readonly present: boolean;
  readonly snapshot?: string;
  /** When the file was last written. */
  readonly createdAt?: string;
  /** Newest fetch among the sources: when data last came in. */
  readonly updatedAt?: string;
  readonly ageHours?: number;
  readonly stale: boolean;
  readonly staleAfterHours: number;
  readonly advisories: number;
  readonly affected: number;
  readonly enrichments: number;
  readonly sources: readonly (SourceStatus & { readonly ageHours: number; readonly stale: boolean })[];
  readonly schedule: { readonly intervalMinutes: number; readonly sources: readonly string[] | 'default' };
  readonly lastUpdate?: LastUpdate;
  readonly reevaluation: { readonly pendingRuns: number; readonly pendingImages: number };
  /** Why the data cannot be read, when it cannot. */
  readonly error?: string;
}

const hoursBetween = (from: string, now: Date): number => Math.max(0, Math.round(((now.getTime() - Date.parse(from)) / 3_600_000) * 10) / 10);

export async function advisoryDataStatus(ctx: ConsoleContext): Promise<AdvisoryDataStatus> {
  const now = ctx.now();
  const staleAfterHours = ctx.config.advisoryUpdate.staleAfterHours;
  const [lastUpdate, runs] = await Promise.all([lastAdvisoryUpdate(ctx), pendingRuns(ctx.store.db)]);
  const base = {
    staleAfterHours,
    schedule: { intervalMinutes: ctx.config.advisoryUpdate.intervalMinutes, sources: ctx.config.advisoryUpdate.sources ?? 'default' as const },
    ...(lastUpdate ? { lastUpdate } : {}),
    reevaluation: { pendingRuns: runs.length, pendingImages: runs.reduce((n, r) => n + r.run.total - r.run.done, 0) },
  };
  const file = ctx.config.advisoryDatabase;
  if (!existsSync(file)) return { ...base, present: false, stale: true, advisories: 0, affected: 0, enrichments: 0, sources: [] };
  let status: DatabaseStatus;
  try {
    const store = openAdvisoryStore(file, { readonly: true });
    try {
      status = store.status();
    } finally {
      store.close();
    }
  } catch (error) {
    return { ...base, present: true, stale: true, advisories: 0, affected: 0, enrichments: 0, sources: [], error: (error as Error).message };
  }
  const sources = status.sources.map((s) => {
    const ageHours = hoursBetween(s.fetchedAt, now);
    return { ...s, ageHours, stale: ageHours > staleAfterHours };
  });
  const updatedAt = status.sources.reduce<string | undefined>((max, s) => (!max || s.fetchedAt > max ? s.fetchedAt : max), undefined);
  const ageHours = updatedAt ? hoursBetween(updatedAt, now) : undefined;
  return {
    ...base,
    present: true,
    ...(status.snapshot ? { snapshot: status.snapshot } : {}),
    ...(status.createdAt ? { createdAt: status.createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(ageHours !== undefined ? { ageHours } : {}),
    stale: ageHours === undefined || ageHours > staleAfterHours,
    advisories: status.advisories,
    affected: status.affected,
    enrichments: status.enrichments,
    sources,
  };
}
