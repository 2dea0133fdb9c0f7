/**
 * `bulkhead worker` as a separate process on the console's store: it takes
 * the jobs the console enqueues (here two registry syncs, one of a registry
 * that is gone and one of an unreachable registry, retried and then failed)
 * and stops on SIGTERM. On PostgreSQL two workers share the queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobQueue } from '../../src/console/jobs/create-job-queue.js';
import { createRegistry } from '../../src/console/registries/registries.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { freePort } from '../integration/support/free-port.js';
import { freshDatabase, STORE_DIALECTS } from '../support/store-fixtures.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_DIALECTS)('bulkhead worker on %s', (dialect) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function worker(database: string, dataDir: string, key: string, name: string): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--database', database, '--data-dir', dataDir, '--concurrency', '2', '--log-level', 'info'], {
      env: { ...process.env, BULKHEAD_SECRET_KEY: key, BULKHEAD_DATABASE: '', BULKHEAD_DATA_DIR: '', HOSTNAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    cleanups.push(() => void child.kill('SIGKILL'));
    return { child, output: () => out, exit };
  }

  it('runs the console\'s jobs in its own process and stops on SIGTERM', async () => {
    const where = freshDatabase(dialect);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-worker-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(() => where.cleanup());
    const store: Store = await openStore({ database: where.database });
    cleanups.push(() => store.close());
    const key = randomBytes(32);
    // A registry on a port nothing listens on: its sync fails for real, with the connection error.
    const { row } = await createRegistry(store, key, { name: 'unreachable', url: `http://127.0.0.1:${await freePort()}`, repositories: [], intervalMinutes: 0 }, 'test-user', new Date());
    const producer = createJobQueue(store, { log: pino({ level: 'silent' }), retryDelaySeconds: 1 });
    cleanups.push(() => producer.stop());
    const gone = await producer.enqueue('registry.sync', { registryId: 'no-such-registry', requestedBy: 'test' });
    const unreachable = await producer.enqueue('registry.sync', { registryId: row.id, requestedBy: 'test' }, { maxAttempts: 2 });

    const workers = [worker(where.database, dataDir, key.toString('base64'), 'w1')];
    if (dialect === 'postgres') workers.push(worker(where.database, dataDir, key.toString('base64'), 'w2'));
    const finished = async (id: string) => {
      const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return r && (r.state === 'done' || r.state === 'failed') ? r : undefined;
    };
    const goneRow = await waitFor(`the first job (worker output: ${workers[0]!.output()})`, () => finished(gone));
    expect(goneRow.state).toBe('done');
    expect(JSON.parse(goneRow.result!)).toMatchObject({ enqueued: 0, error: 'registry no longer exists' });
    const unreachableRow = await waitFor('the unreachable registry\'s sync to fail', () => finished(unreachable));
    expect(unreachableRow).toMatchObject({ state: 'failed', attempts: 2 });
    expect(unreachableRow.last_error).toMatch(/^cannot reach registry unreachable at http:\/\/127\.0\.0\.1:\d+\/v2\/: ECONNREFUSED/);
    const registry = await store.db.selectFrom('registries').select('last_sync').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(JSON.parse(registry.last_sync!)).toMatchObject({ repositories: 0, enqueued: 0, error: expect.stringMatching(/unreachable/) });

    for (const w of workers) w.child.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exit));
    expect(codes, workers.map((w) => w.output()).join('\n----\n')).toEqual(workers.map(() => 0));
    expect(workers[0]!.output()).toContain('bulkhead worker running');
  });

  it('refuses a bad --concurrency with one clear line', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--database', path.join(tmpdir(), 'unused.db'), '--concurrency', 'lots'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('bulkhead: --concurrency must be a whole number from 1 to 64');
  });
});
