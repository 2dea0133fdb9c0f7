/**
 * The console's job queue: background work (registry syncs, scans of pulled
 * images, advisory updates, re-evaluation) that survives restarts and is
 * retried. On SQLite it runs on the `jobs` table in-process; on PostgreSQL it
 * runs on pg-boss so workers on other machines share it. Both keep every
 * job's status in the `jobs` table (GET /api/v1/jobs).
 */
import type { Store } from '../../store/open-store.js';
import type { JobQueue } from '../context.js';
import type { JobQueueOptions } from './job-queue-options.js';
import { createPgBossJobQueue } from './pg-boss-job-queue.js';
import { createTableJobQueue } from './table-job-queue.js';

export type { JobQueueOptions };

export function createJobQueue(store: Store, options: JobQueueOptions): JobQueue {
  return store.dialect === 'postgres' ? createPgBossJobQueue(store, options) : createTableJobQueue(store, options);
}
