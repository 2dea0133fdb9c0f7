/**
 * How a job queue runs, shared by both implementations (the table queue on
 * SQLite, pg-boss on PostgreSQL) so that a job behaves the same on either.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface JobQueueOptions {
  readonly log: Logger;
  /** Name recorded on the jobs this queue runs (default host:pid:random). */
  readonly worker?: string;
  /** Jobs run at the same time by this queue (default 2). */
  readonly concurrency?: number;
  /**
   * The lease: a job running longer is failed by its worker (and retried),
   * and a job whose worker died is taken again by another worker after it.
   * Default 30 minutes (a large image's scan fits).
   */
  readonly leaseSeconds?: number;
  /** First retry delay; each further retry doubles it, with up to 100% jitter (default 10 s). */
  readonly retryDelaySeconds?: number;
  /** Attempts when enqueue does not say (default 5). */
  readonly maxAttempts?: number;
  /** How often an idle worker looks for due jobs (default 1 s; enqueue in-process wakes it at once). */
  readonly pollIntervalMs?: number;
  /** How long stop() waits for running handlers before leaving their jobs to the lease (default 30 s). */
  readonly stopTimeoutMs?: number;
  /** Finished jobs are deleted after this many days (default 14). */
  readonly retentionDays?: number;
}

export type ResolvedJobQueueOptions = Required<JobQueueOptions>;

export function resolveJobQueueOptions(options: JobQueueOptions): ResolvedJobQueueOptions {
  return {
    log: options.log,
    worker: options.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 2)),
    leaseSeconds: Math.max(1, Math.round(options.leaseSeconds ?? 30 * 60)),
    retryDelaySeconds: Math.max(1, Math.round(options.retryDelaySeconds ?? 10)),
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 5)),
    pollIntervalMs: Math.max(50, options.pollIntervalMs ?? 1000),
    stopTimeoutMs: Math.max(0, options.stopTimeoutMs ?? 30_000),
    retentionDays: Math.max(1, options.retentionDays ?? 14),
  };
}

/**
 * Delay before the next attempt after `attemptsDone` failed attempts: the
 * base doubled per attempt, times 1..2 — the formula pg-boss uses with
 * retryBackoff, so both dialects spread retries alike.
 */
export function retryDelayMs(baseSeconds: number, attemptsDone: number): number {
  const exponent = Math.min(16, Math.max(0, attemptsDone - 1));
  return Math.round(baseSeconds * 1000 * 2 ** exponent * (1 + Math.random()));
}

/** One line for last_error: the message, never a stack. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return (message || 'error').slice(0, 2000);
}
