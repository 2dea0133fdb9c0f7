/**
 * Keeps the `jobs` table from growing without end: finished jobs (done or
 * failed) are deleted once they are older than the retention. Each working
 * queue runs it from its loop, at most once an hour; running it twice at
 * once is harmless.
 */
import type { Store } from '../../store/open-store.js';

export const PRUNE_EVERY_MS = 60 * 60_000;

export async function pruneFinishedJobs(store: Store, olderThan: Date): Promise<number> {
  const result = await store.db.deleteFrom('jobs')
    .where('state', 'in', ['done', 'failed'])
    .where('updated_at', '<', olderThan.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
