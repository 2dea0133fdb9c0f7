/**
 * The job queue on PostgreSQL: pg-boss 10 in its own schema of the console's
 * database, so any number of `bulkhead serve` replicas and `bulkhead worker`
 * processes share the work. pg-boss claims jobs (FOR UPDATE SKIP LOCKED),
 * retries them with exponential backoff and expires the ones whose worker
 * died (its maintenance moves an active job past its expiry back to retry).
 * The dispatch loop is ours, as in the table queue, so concurrency, the lease
 * and the in-process wake-up on enqueue behave the same on both dialects.
 * Every job is mirrored into the `jobs` table, which GET /api/v1/jobs reads.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Store } from '../../store/open-store.js';
import type { JobHandler, JobOptions, JobQueue } from '../context.js';
import { PRUNE_EVERY_MS, pruneFinishedJobs } from './prune-finished-jobs.js';
import { errorText, resolveJobQueueOptions, type JobQueueOptions } from './job-queue-options.js';
import { serializeJobResult } from './table-job-queue.js';

export const PG_BOSS_SCHEMA = 'bulkhead_jobs';

interface BossData {
  readonly payload: unknown;
}

export function createPgBossJobQueue(store: Store, options: JobQueueOptions): JobQueue {
  const o = resolveJobQueueOptions(options);
  const { db } = store;
  // pg-boss runs its SQL through the store's own pool: one set of connections, one database.
  const boss = new PgBoss({
    db: {
      executeSql: async (text: string, values: unknown[] = []) => ({ rows: (await db.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[] }),
    },
    schema: PG_BOSS_SCHEMA,
    migrate: true,
    // No timers of pg-boss's own: a process that only enqueues (an API replica) must not keep
    // running maintenance after the console closes its store. Working queues maintain from their loop.
    supervise: false,
    schedule: false,
  });
  // Expiry of dead workers' jobs is checked at least twice per lease.
  const maintenanceMs = Math.max(1, Math.min(60, Math.floor(o.leaseSeconds / 2))) * 1000;
  boss.on('error', (error: Error) => o.log.error({ error: errorText(error) }, 'pg-boss'));

  const handlers = new Map<string, JobHandler>();
  const running = new Set<Promise<void>>();
  const queues = new Map<string, Promise<void>>();
  let booting: Promise<void> | undefined;
  let working = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let pumpAgain = false;
  let nextKind = 0;
  let lastReconcile = 0;
  let lastMaintenance = 0;
  let lastPrune = 0;

  const iso = (ms: number) => new Date(ms).toISOString();

  function boot(): Promise<void> {
    booting ??= boss.start().then(() => undefined);
    return booting;
  }

  /**
   * Creates the kind's pg-boss queue once. Creation attaches a partition to pg-boss's job table,
   * and two creations at once (two kinds here, or two workers starting together) can deadlock in
   * PostgreSQL: they are serialized in this process and retried when another process wins.
   */
  let creating: Promise<unknown> = Promise.resolve();
  async function createQueue(kind: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (await boss.getQueue(kind)) return;
        await boss.createQueue(kind);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 6 || (code !== '40P01' && code !== '23505')) throw error;
        await new Promise((r) => setTimeout(r, 25 * 2 ** attempt * (1 + Math.random())));
      }
    }
  }

  function queue(kind: string): Promise<void> {
    let ready = queues.get(kind);
    if (!ready) {
      ready = creating.then(() => boot()).then(() => createQueue(kind));
      creating = ready.catch(() => undefined);
      ready.catch(() => queues.delete(kind));
      queues.set(kind, ready);
    }
    return ready;
  }

  /**
   * pg-boss's maintenance (expire active jobs past their lease, archive, drop; each under an
   * advisory lock, so workers may run it at once), then the mirror brought in line with
   * pg-boss for jobs whose lease has passed (their worker died).
   */
  async function maintain(): Promise<void> {
    const now = Date.now();
    if (now - lastMaintenance >= maintenanceMs) {
      lastMaintenance = now;
      await boss.maintain();
    }
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      await pruneFinishedJobs(store, new Date(now - o.retentionDays * 86_400_000));
    }
    if (now - lastReconcile < maintenanceMs) return;
    lastReconcile = now;
    const stale = await db.selectFrom('jobs').select(['id', 'kind', 'attempts'])
      .where('state', '=', 'running').where('locked_until', '<=', iso(now)).limit(100).execute();
    for (const row of stale) {
      const job = await boss.getJobById<BossData>(row.kind, row.id, { includeArchive: true });
      if (!job || job.state === 'active' || job.state === 'completed') continue;
      const output = job.output as { value?: { message?: unknown }; message?: unknown } | null;
      const message = String(output?.value?.message ?? output?.message ?? 'the worker stopped before finishing (lease expired)');
      await db.updateTable('jobs').where('id', '=', row.id).where('state', '=', 'running').where('attempts', '=', row.attempts)
        .set({
          state: job.state === 'failed' || job.state === 'cancelled' ? 'failed' : 'queued',
          last_error: message,
          locked_until: null,
          run_after: iso(new Date(job.startAfter).getTime()),
          updated_at: iso(Date.now()),
        }).execute();
    }
  }

  /** Whether this worker still holds the attempt (not re-claimed by another after a lease expiry). */
  async function stillMine(id: string, attempt: number): Promise<boolean> {
    const row = await db.selectFrom('jobs').select('id').where('id', '=', id).where('worker', '=', o.worker)
      .where('attempts', '=', attempt).where('state', '=', 'running').executeTakeFirst();
    return row !== undefined;
  }

  async function run(job: PgBoss.JobWithMetadata<BossData>): Promise<void> {
    const attempt = job.retryCount + 1;
    const handler = handlers.get(job.name);
    let leaseTimer: NodeJS.Timeout | undefined;
    let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
    try {
      await db.updateTable('jobs').where('id', '=', job.id)
        .set({ state: 'running', attempts: attempt, worker: o.worker, locked_until: iso(Date.now() + o.leaseSeconds * 1000), updated_at: iso(Date.now()) })
        .execute();
      if (!handler) throw new Error(`no handler for job kind ${job.name}`);
      // Past the lease pg-boss hands the job to another worker, so this attempt counts as failed.
      const timeout = new Promise<never>((_, reject) => {
        leaseTimer = setTimeout(() => reject(new Error(`job ran longer than its lease of ${o.leaseSeconds} s`)), o.leaseSeconds * 1000);
        leaseTimer.unref();
      });
      outcome = { ok: true, result: await Promise.race([handler(job.data.payload, { id: job.id, attempt }), timeout]) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearTimeout(leaseTimer);
    }
    try {
      if (!(await stillMine(job.id, attempt))) {
        o.log.warn({ job: job.id, kind: job.name, attempt }, 'job finished after another worker took it over; outcome dropped');
        return;
      }
      if (outcome.ok) {
        const text = serializeJobResult(outcome.result);
        await boss.complete(job.name, job.id, { result: JSON.parse(text) as unknown });
        await db.updateTable('jobs').where('id', '=', job.id).where('attempts', '=', attempt)
          .set({ state: 'done', result: text, locked_until: null, updated_at: iso(Date.now()) }).execute();
        return;
      }
      const message = errorText(outcome.error);
      await boss.fail(job.name, job.id, { message });
      const after = await boss.getJobById<BossData>(job.name, job.id, { includeArchive: true });
      const retry = after?.state === 'retry' || after?.state === 'created';
      await db.updateTable('jobs').where('id', '=', job.id).where('attempts', '=', attempt)
        .set({
          state: retry ? 'queued' : 'failed',
          last_error: message,
          locked_until: null,
          run_after: iso(after ? new Date(after.startAfter).getTime() : Date.now()),
          updated_at: iso(Date.now()),
        }).execute();
      o.log.warn({ job: job.id, kind: job.name, attempt, retry, error: message }, retry ? 'job failed, will retry' : 'job failed');
    } catch (error) {
      o.log.error({ job: job.id, kind: job.name, error: errorText(error) }, 'cannot record a job outcome; the lease will hand it out again');
    }
  }

  function schedule(ms: number): void {
    if (!working) return;
    clearTimeout(timer);
    // Not unref'd: a started queue keeps a worker process alive until stop().
    timer = setTimeout(() => void pump(), ms);
  }

  async function pump(): Promise<void> {
    if (!working) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      await maintain();
      do {
        pumpAgain = false;
        const kinds = [...handlers.keys()];
        // Round-robin over the kinds so that one busy kind does not starve the others.
        for (let i = 0; i < kinds.length && running.size < o.concurrency && working; i++) {
          const kind = kinds[(nextKind + i) % kinds.length]!;
          await queue(kind);
          const jobs = await boss.fetch<BossData>(kind, { batchSize: o.concurrency - running.size, includeMetadata: true });
          for (const job of jobs) {
            const p: Promise<void> = run(job).finally(() => {
              running.delete(p);
              void pump();
            });
            running.add(p);
          }
          if (jobs.length > 0) pumpAgain = running.size < o.concurrency;
        }
        nextKind++;
      } while (pumpAgain && working);
    } catch (error) {
      o.log.error({ error: errorText(error) }, 'job queue: cannot fetch jobs; retrying');
    } finally {
      pumping = false;
      schedule(o.pollIntervalMs);
    }
  }

  return {
    async enqueue(kind: string, payload: unknown, jobOptions?: JobOptions): Promise<string> {
      await queue(kind);
      const id = randomUUID();
      const now = new Date().toISOString();
      const maxAttempts = Math.max(1, Math.floor(jobOptions?.maxAttempts ?? o.maxAttempts));
      const runAfter = jobOptions?.runAfter ?? new Date();
      await db.insertInto('jobs').values({
        id,
        kind,
        payload: JSON.stringify(payload ?? null),
        state: 'queued',
        attempts: 0,
        max_attempts: maxAttempts,
        run_after: runAfter.toISOString(),
        locked_until: null,
        worker: null,
        last_error: null,
        result: null,
        created_at: now,
        updated_at: now,
      }).execute();
      try {
        await boss.send(kind, { payload: payload ?? null } satisfies BossData, {
          id,
          retryLimit: maxAttempts - 1,
          retryDelay: o.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: o.leaseSeconds,
          ...(jobOptions?.runAfter ? { startAfter: jobOptions.runAfter } : {}),
        });
      } catch (error) {
        await db.updateTable('jobs').where('id', '=', id)
          .set({ state: 'failed', last_error: `could not be queued: ${errorText(error)}`, updated_at: new Date().toISOString() }).execute();
        throw error;
      }
      if (handlers.has(kind) && !jobOptions?.runAfter) void pump();
      return id;
    },
    handle(kind: string, handler: JobHandler): void {
      handlers.set(kind, handler);
      void pump();
    },
    async start(): Promise<void> {
      await boot();
      await Promise.all([...handlers.keys()].map(queue));
      if (working) return;
      working = true;
      void pump();
    },
    async stop(): Promise<void> {
      working = false;
      clearTimeout(timer);
      if (running.size > 0) {
        let waitTimer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((resolve) => {
          waitTimer = setTimeout(resolve, o.stopTimeoutMs);
        });
        await Promise.race([Promise.allSettled([...running]), waited]);
        clearTimeout(waitTimer);
        if (running.size > 0) o.log.warn({ running: running.size }, 'job queue stopped with jobs still running; pg-boss will expire them and another worker will retry');
      }
      if (booting) {
        await booting.catch(() => undefined);
        // Not graceful: our loop already waited; pg-boss has no workers of its own to fail.
        await boss.stop({ graceful: false, close: false, wait: true });
        booting = undefined;
        queues.clear();
      }
    },
  };
}
