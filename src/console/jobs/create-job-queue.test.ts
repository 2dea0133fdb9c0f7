import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { openStore, type Store } from '../../store/open-store.js';
import type { JobQueue } from '../context.js';
import { createJobQueue } from './create-job-queue.js';
import type { JobQueueOptions } from './job-queue-options.js';

const log = pino({ level: 'silent' });
const dyingWorker = fileURLToPath(new URL('./testdata/dying-worker.ts', import.meta.url));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_DIALECTS)('job queue on %s', (dialect) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ database: string; open(): Promise<Store>; queue(store: Store, o?: Partial<JobQueueOptions>): JobQueue }> {
    const where = freshDatabase(dialect);
    cleanups.push(() => where.cleanup());
    return {
      database: where.database,
      async open() {
        const store = await openStore({ database: where.database });
        cleanups.push(() => store.close());
        return store;
      },
      queue(store, o = {}) {
        const q = createJobQueue(store, { log, pollIntervalMs: 100, retryDelaySeconds: 1, ...o });
        cleanups.push(() => q.stop());
        return q;
      },
    };
  }

  it('runs an enqueued job once and keeps its result, woken by the enqueue', async () => {
    const s = await setup();
    const store = await s.open();
    // A poll interval far longer than the wait below: only the in-process wake-up can be that quick.
    const queue = s.queue(store, { pollIntervalMs: 10_000 });
    const seen: unknown[] = [];
    queue.handle('probe', async (payload, job) => {
      seen.push({ payload, attempt: job.attempt });
      return { echoed: payload };
    });
    await queue.start();
    const done = (id: string) => async () => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r?.state === 'done' ? r : undefined;
    };
    await waitFor('a first job (creates the pg-boss queue)', done(await queue.enqueue('probe', { n: 0 })));
    const started = Date.now();
    const id = await queue.enqueue('probe', { n: 7 });
    const row = await waitFor('the job to finish', done(id), 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen).toEqual([{ payload: { n: 0 }, attempt: 1 }, { payload: { n: 7 }, attempt: 1 }]);
    expect(row).toMatchObject({ kind: 'probe', attempts: 1, last_error: null, locked_until: null });
    expect(JSON.parse(row.result!)).toEqual({ echoed: { n: 7 } });
  });

  it('retries a failing handler with growing delays, then fails the job with its last error', async () => {
    const s = await setup();
    const store = await s.open();
    const queue = s.queue(store);
    const attempts: { attempt: number; at: number }[] = [];
    queue.handle('flaky', async (_payload, job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      throw new Error(`boom ${job.attempt}`);
    });
    await queue.start();
    const id = await queue.enqueue('flaky', {}, { maxAttempts: 3 });
    const row = await waitFor('the job to fail', async () => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r?.state === 'failed' ? r : undefined;
    }, 40_000);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(row).toMatchObject({ attempts: 3, max_attempts: 3, last_error: 'boom 3' });
    // Base 1 s doubled per attempt with up to 100% jitter: 1–2 s, then 2–4 s.
    const first = attempts[1]!.at - attempts[0]!.at;
    const second = attempts[2]!.at - attempts[1]!.at;
    expect(first).toBeGreaterThanOrEqual(950);
    expect(second).toBeGreaterThanOrEqual(1950);
    expect(first).toBeLessThan(4000);
    expect(second).toBeLessThan(6000);
    // Nothing runs it again.
    await new Promise((r) => setTimeout(r, 500));
    expect(attempts).toHaveLength(3);
  });

  it('succeeds on a retry and records the result', async () => {
    const s = await setup();
    const store = await s.open();
    const queue = s.queue(store);
    queue.handle('second-time', async (_payload, job) => {
      if (job.attempt === 1) throw new Error('transient');
      return { attempt: job.attempt };
    });
    await queue.start();
    const id = await queue.enqueue('second-time', null);
    const row = await waitFor('the retry to succeed', async () => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r?.state === 'done' ? r : undefined;
    });
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('transient');
    expect(JSON.parse(row.result!)).toEqual({ attempt: 2 });
  });

  it('two workers on the same database never run the same job twice', async () => {
    const s = await setup();
    const [storeA, storeB] = [await s.open(), await s.open()];
    const a = s.queue(storeA, { worker: 'worker-a', concurrency: 3 });
    const b = s.queue(storeB, { worker: 'worker-b', concurrency: 3 });
    const runs: { id: string; worker: string }[] = [];
    const handler = (worker: string) => async (_payload: unknown, job: { id: string }) => {
      runs.push({ id: job.id, worker });
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      return worker;
    };
    a.handle('shared', handler('worker-a'));
    b.handle('shared', handler('worker-b'));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await a.enqueue('shared', { i }));
    await Promise.all([a.start(), b.start()]);
    await waitFor('all jobs to finish', async () => {
      const left = await storeA.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '!=', 'done').executeTakeFirstOrThrow();
      return Number(left.n) === 0 ? true : undefined;
    });
    expect(runs).toHaveLength(40);
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(ids));
    const rows = await storeA.db.selectFrom('jobs').select(['id', 'worker', 'attempts', 'result']).execute();
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      // The worker recorded on the row is the one whose handler ran it.
      expect(JSON.parse(row.result!)).toBe(row.worker);
      expect(runs.find((r) => r.id === row.id)!.worker).toBe(row.worker);
    }
  });

  it('gives a job whose worker was killed to another worker after the lease', async () => {
    const s = await setup();
    const store = await s.open();
    const lease = 2;
    // On pg-boss the lease travels with the job (its expiry), so the enqueuer uses the same one.
    const id = await s.queue(store, { leaseSeconds: lease }).enqueue('lease-probe', { x: 1 }, { maxAttempts: 3 });
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', dyingWorker, s.database, 'lease-probe', String(lease)], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(`the child worker to claim the job (stderr: ${err})`, () => (out.includes(`claimed ${id} 1`) ? true : undefined), 30_000);
    const running = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(running).toMatchObject({ state: 'running', worker: 'dying-worker', attempts: 1 });
    const exited = new Promise((r) => child.once('exit', r));
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;

    const queue = s.queue(store, { worker: 'survivor', leaseSeconds: lease });
    const attempts: number[] = [];
    queue.handle('lease-probe', async (_payload, job) => {
      attempts.push(job.attempt);
      return 'recovered';
    });
    await queue.start();
    const row = await waitFor('the survivor to run the job', async () => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r?.state === 'done' ? r : undefined;
    }, 30_000);
    expect(attempts).toEqual([2]);
    expect(row).toMatchObject({ worker: 'survivor', attempts: 2, result: '"recovered"' });
    // Not before the dead worker's lease ran out.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(lease * 1000 - 1000);
  });

  it('leaves a job to the lease when stopped with a handler that never finishes', async () => {
    const s = await setup();
    const store = await s.open();
    const stuck = s.queue(store, { worker: 'stuck', leaseSeconds: 2, stopTimeoutMs: 200 });
    let claimed = false;
    stuck.handle('hang', async () => {
      claimed = true;
      return new Promise(() => undefined);
    });
    await stuck.start();
    const id = await stuck.enqueue('hang', {});
    await waitFor('the stuck worker to claim the job', () => (claimed ? true : undefined));
    await stuck.stop();
    const other = s.queue(store, { worker: 'other', leaseSeconds: 2 });
    other.handle('hang', async (_p, job) => job.attempt);
    await other.start();
    const row = await waitFor('the other worker to run it', async () => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r?.state === 'done' ? r : undefined;
    }, 30_000);
    expect(row).toMatchObject({ worker: 'other', attempts: 2, result: '2' });
  });
  it('deletes finished jobs older than the retention and keeps the rest', async () => {
    const s = await setup();
    const store = await s.open();
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    const row = (id: string, state: string, at: string) => ({
      id, kind: 'archived', payload: '{}', state, attempts: 1, max_attempts: 1, run_after: at, locked_until: null, worker: null,
      last_error: null, result: null, created_at: at, updated_at: at,
    });
    await store.db.insertInto('jobs').values([
      row('old-done', 'done', old), row('old-failed', 'failed', old), row('old-queued', 'queued', old), row('recent-done', 'done', recent),
    ]).execute();
    const queue = s.queue(store, { retentionDays: 14 });
    queue.handle('unrelated', async () => null);
    await queue.start();
    const left = await waitFor('the prune', async () => {
      const ids = (await store.db.selectFrom('jobs').select('id').orderBy('id').execute()).map((r) => r.id);
      return ids.includes('old-done') ? undefined : ids;
    });
    expect(left).toEqual(['old-queued', 'recent-done']);
  });
});
