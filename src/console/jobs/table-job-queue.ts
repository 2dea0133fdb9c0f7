/**
 * The job queue on the console's own `jobs` table, used with SQLite (one
 * machine, `bulkhead serve` plus any `bulkhead worker` on the same file).
 * A worker claims a due job with one conditional UPDATE, so two workers never
 * take the same attempt; the claim holds a lease (locked_until) and a job
 * whose worker died is claimed again once the lease has passed. Failures are
 * retried with exponential backoff up to max_attempts; the last error and the
 * handler's result stay on the row for GET /api/v1/jobs/:id.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/open-store.js';
import type { JobHandler, JobOptions, JobQueue } from '../context.js';
import { PRUNE_EVERY_MS, pruneFinishedJobs } from './prune-finished-jobs.js';
import { errorText, resolveJobQueueOptions, retryDelayMs, type JobQueueOptions } from './job-queue-options.js';

/** Results larger than this are replaced by a note: the jobs table is not a blob store. */
const MAX_RESULT_CHARS = 256 * 1024;

interface ClaimedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: string;
  readonly attempts: number;
  readonly max_attempts: number;
}

export function serializeJobResult(result: unknown): string {
  const text = JSON.stringify(result ?? null) ?? 'null';
  return text.length > MAX_RESULT_CHARS ? JSON.stringify({ truncated: true, chars: text.length }) : text;
}

export function createTableJobQueue(store: Store, options: JobQueueOptions): JobQueue {
  const o = resolveJobQueueOptions(options);
  const { db } = store;
  const handlers = new Map<string, JobHandler>();
  const running = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let pumpAgain = false;
  let lastPrune = 0;

  const iso = (ms: number) => new Date(ms).toISOString();

  async function claim(limit: number): Promise<ClaimedJob[]> {
    const kinds = [...handlers.keys()];
    if (kinds.length === 0 || limit <= 0) return [];
    const now = iso(Date.now());
    // A job whose worker died on its last attempt has no attempt left to retry: it fails here.
    await db.updateTable('jobs')
      .set({ state: 'failed', locked_until: null, updated_at: now, last_error: 'the worker running the last attempt stopped before finishing (lease expired)' })
      .where('state', '=', 'running').where('locked_until', '<=', now)
      .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
      .where('kind', 'in', kinds)
      .execute();
    const candidates = await db.selectFrom('jobs').select(['id', 'attempts'])
      .where('kind', 'in', kinds)
      .where((eb) => eb.or([
        eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
        eb.and([eb('state', '=', 'running'), eb('locked_until', '<=', now)]),
      ]))
      .orderBy('run_after').orderBy('created_at')
      .limit(limit)
      .execute();
    const claimed: ClaimedJob[] = [];
    for (const candidate of candidates) {
      const lease = iso(Date.now() + o.leaseSeconds * 1000);
      // The same condition again, plus the attempt count we saw: only one worker's UPDATE matches.
      const row = await db.updateTable('jobs')
        .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), worker: o.worker, locked_until: lease, updated_at: now }))
        .where('id', '=', candidate.id)
        .where('attempts', '=', candidate.attempts)
        .where((eb) => eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('locked_until', '<=', now)]),
        ]))
        .returning(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
        .executeTakeFirst();
      if (row) claimed.push(row);
    }
    return claimed;
  }

  async function finish(job: ClaimedJob, outcome: { ok: true; result: unknown } | { ok: false; error: unknown }): Promise<void> {
    const now = Date.now();
    // Only the worker holding this attempt may record its outcome (a re-claimed job belongs to the new worker).
    const mine = db.updateTable('jobs').where('id', '=', job.id).where('worker', '=', o.worker)
      .where('attempts', '=', job.attempts).where('state', '=', 'running');
    if (outcome.ok) {
      await mine.set({ state: 'done', result: serializeJobResult(outcome.result), locked_until: null, updated_at: iso(now) }).execute();
      return;
    }
    const message = errorText(outcome.error);
    const retry = job.attempts < job.max_attempts;
    await mine.set({
      state: retry ? 'queued' : 'failed',
      last_error: message,
      locked_until: null,
      run_after: retry ? iso(now + retryDelayMs(o.retryDelaySeconds, job.attempts)) : iso(now),
      updated_at: iso(now),
    }).execute();
    o.log.warn({ job: job.id, kind: job.kind, attempt: job.attempts, retry, error: message }, retry ? 'job failed, will retry' : 'job failed');
  }

  async function run(job: ClaimedJob): Promise<void> {
    const handler = handlers.get(job.kind);
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    let leaseTimer: NodeJS.Timeout | undefined;
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const payload: unknown = JSON.parse(job.payload);
      // Past the lease another worker may take the job again, so this attempt counts as failed (pg-boss does the same).
      const timeout = new Promise<never>((_, reject) => {
        leaseTimer = setTimeout(() => reject(new Error(`job ran longer than its lease of ${o.leaseSeconds} s`)), o.leaseSeconds * 1000);
        leaseTimer.unref();
      });
      const result = await Promise.race([handler(payload, { id: job.id, attempt: job.attempts }), timeout]);
      outcome = { ok: true, result };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearTimeout(leaseTimer);
    }
    try {
      await finish(job, outcome);
    } catch (error) {
      o.log.error({ job: job.id, kind: job.kind, error: errorText(error) }, 'cannot record a job outcome; the lease will hand it out again');
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    // Not unref'd: a started queue keeps a worker process alive until stop().
    timer = setTimeout(() => void pump(), ms);
  }

  async function pump(): Promise<void> {
    if (!started || stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      if (Date.now() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await pruneFinishedJobs(store, new Date(Date.now() - o.retentionDays * 86_400_000));
      }
      do {
        pumpAgain = false;
        const jobs = await claim(o.concurrency - running.size);
        for (const job of jobs) {
          const p: Promise<void> = run(job).finally(() => {
            running.delete(p);
            void pump();
          });
          running.add(p);
        }
        if (jobs.length > 0 && running.size < o.concurrency) pumpAgain = true;
      } while (pumpAgain && !stopped);
    } catch (error) {
      o.log.error({ error: errorText(error) }, 'job queue: cannot claim jobs; retrying');
    } finally {
      pumping = false;
      schedule(o.pollIntervalMs);
    }
  }

  return {
    async enqueue(kind: string, payload: unknown, jobOptions?: JobOptions): Promise<string> {
      const id = randomUUID();
      const now = new Date().toISOString();
      await db.insertInto('jobs').values({
        id,
        kind,
        payload: JSON.stringify(payload ?? null),
        state: 'queued',
        attempts: 0,
        max_attempts: Math.max(1, Math.floor(jobOptions?.maxAttempts ?? o.maxAttempts)),
        run_after: (jobOptions?.runAfter ?? new Date()).toISOString(),
        locked_until: null,
        worker: null,
        last_error: null,
        result: null,
        created_at: now,
        updated_at: now,
      }).execute();
      if (handlers.has(kind) && !jobOptions?.runAfter) void pump();
      return id;
    },
    handle(kind: string, handler: JobHandler): void {
      handlers.set(kind, handler);
      void pump();
    },
    async start(): Promise<void> {
      if (started && !stopped) return;
      started = true;
      stopped = false;
      void pump();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      if (running.size === 0) return;
      let waitTimer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        waitTimer = setTimeout(resolve, o.stopTimeoutMs);
      });
      await Promise.race([Promise.allSettled([...running]), waited]);
      clearTimeout(waitTimer);
      if (running.size > 0) o.log.warn({ running: running.size }, 'job queue stopped with jobs still running; their leases will hand them to another worker');
    },
  };
}
