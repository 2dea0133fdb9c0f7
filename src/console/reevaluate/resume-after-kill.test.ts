/**
 * `kill -9` during a re-evaluation loses nothing: a real worker process
 * (testdata/resume-child.ts, the real console services) is SIGKILLed while
 * it works through a run; the run resumes from its durable state and the
 * result equals an uninterrupted run's on a second store with the same data.
 * Also the advisory change itself: the states a kill leaves between the
 * database rename and the planning are finished on start.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAdvisoryStore } from '../../advisories/index.js';
import { changeAdvisoryData, previousPath, reconcileAdvisoryData } from '../advisory-data/change-advisory-data.js';
import { batchesFromUploads } from '../advisory-data/import-uploaded-feeds.js';
import { consoleConfigSchema, type ConsoleConfig } from '../config.js';
import type { ConsoleContext } from '../context.js';
import { recordAssessment } from '../inventory/image-assessment.js';
import { buildContext, type ConsoleServices } from '../server/build-context.js';
import { DEMO_ADVISORIES, DEMO_RECORDS, demoAssessment } from '../../../test/support/demo-assessment.js';
import { freshDatabase, STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { pendingRuns } from './reevaluation-run.js';
import { processReevaluations } from './run-reevaluations.js';

const CHILD = new URL('./testdata/resume-child.ts', import.meta.url).pathname;
/** Three chunks of the work list (100 images each), so a kill can land between them. */
const IMAGES = 250;

const record = (name: string) => batchesFromUploads([{ name: path.basename(name), data: readFileSync(path.join(DEMO_ADVISORIES, name)) }]);

interface Console {
  readonly services: ConsoleServices;
  readonly ctx: ConsoleContext;
  readonly where: { dataDir: string; database: string; advisoryDatabase: string };
  close(): Promise<void>;
}

const opened: Console[] = [];
afterAll(async () => {
  for (const c of opened) await c.close();
});

async function openConsole(dialect: 'sqlite' | 'postgres'): Promise<Console> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-resume-'));
  const db = freshDatabase(dialect);
  const where = { dataDir, database: db.database, advisoryDatabase: path.join(dataDir, 'advisories.db') };
  const config = { ...consoleConfigSchema.parse({ dataDir, workers: false, logLevel: 'silent' }), database: where.database, advisoryDatabase: where.advisoryDatabase, secretKey: Buffer.alloc(32, 1) } as ConsoleConfig;
  const services = await buildContext(config);
  const c: Console = {
    services,
    ctx: services.ctx,
    where,
    async close() {
      await services.close();
      db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  opened.push(c);
  return c;
}

/** lodash known, then IMAGES variants of the demo image stored (every other one without lodash). */
async function populate(c: Console): Promise<void> {
  await changeAdvisoryData(c.ctx, (store) => store.import(record(DEMO_RECORDS.lodash)));
  const { assessment } = await demoAssessment();
  for (let i = 0; i < IMAGES; i++) {
    const inventory = { ...assessment.inventory, id: `${assessment.inventory.id}-${i}`, packages: assessment.inventory.packages.filter((p) => i % 2 === 0 || p.name !== 'lodash') };
    const digest = `sha256:${createHash('sha256').update(`image-${i}`).digest('hex')}`;
    await recordAssessment(c.ctx, { assessment: { ...assessment, inventory }, digest, reference: `registry.example.com/team/app-${i}:1`, environment: 'dev' }, { cause: { reason: 'scan' } });
  }
}

/** Everything re-evaluation writes, without the times it was written at. */
async function outcome(ctx: ConsoleContext) {
  const { db } = ctx.store;
  const images = (await db.selectFrom('images').select(['digest', 'verdict', 'decision', 'advisory_snapshot']).execute()).map((r) => {
    const { evaluatedAt: _, ...decision } = JSON.parse(r.decision ?? '{}') as Record<string, unknown>;
    return JSON.stringify([r.digest, r.verdict, decision, r.advisory_snapshot]);
  });
  const findings = (await db.selectFrom('findings').select(['digest', 'key', 'document']).execute()).map((r) => JSON.stringify([r.digest, r.key, r.document]));
  const ids = (await db.selectFrom('finding_ids').select(['digest', 'vuln_id']).execute()).map((r) => `${r.digest} ${r.vuln_id}`);
  const changes = (await db.selectFrom('image_changes').select(['digest', 'kind', 'detail', 'cause']).execute()).map((r) => JSON.stringify([r.digest, r.kind, r.detail, r.cause]));
  return { images: images.sort(), findings: findings.sort(), ids: ids.sort(), changes: changes.sort() };
}

async function advisoryChanges(ctx: ConsoleContext): Promise<number> {
  const rows = await ctx.store.db.selectFrom('image_changes').select('id').where('cause', 'like', '%"advisory-update"%').execute();
  return rows.length;
}

describe.each(STORE_DIALECTS)('resuming after kill -9 on %s', (dialect) => {
  it('a worker killed between chunks leaves a run that resumes to exactly the uninterrupted result', async () => {
    const killed = await openConsole(dialect);
    const reference = await openConsole(dialect);
    await populate(killed);
    await populate(reference);
    for (const c of [killed, reference]) {
      const { planned } = await changeAdvisoryData(c.ctx, (store) => store.import(record(DEMO_RECORDS.heartbleed)));
      expect(planned?.run?.images).toBe(IMAGES);
    }

    // node itself runs the worker (tsx as a loader), so the pid killed is the worker's own.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(killed.where)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    // Kill as soon as the worker has finished its first chunk (and is on the next).
    const deadline = Date.now() + 60_000;
    let seen = 0;
    while (Date.now() < deadline) {
      seen = (await pendingRuns(killed.ctx.store.db))[0]?.run.done ?? 0;
      if (seen > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited, stderr).toBe('SIGKILL');
    expect(seen).toBeGreaterThan(0);
    const left = await pendingRuns(killed.ctx.store.db);
    expect(left).toHaveLength(1);
    expect(left[0]?.run.done).toBeLessThan(IMAGES);
    const changedBeforeKill = await advisoryChanges(killed.ctx);
    // Each image flips to block and gains two findings: 3 changes per image; the kill came before the last.
    expect(changedBeforeKill).toBeLessThan(IMAGES * 3);

    // The killed worker's lease is still running, but its process is gone: this process takes over at once.
    const resumed = await processReevaluations(killed.ctx);
    expect(resumed.finished).toHaveLength(1);
    const uninterrupted = await processReevaluations(reference.ctx);
    expect(uninterrupted.finished[0]?.changed).toMatchObject({ images: IMAGES, verdicts: IMAGES, newFindings: IMAGES * 2 });

    const a = await outcome(killed.ctx);
    const b = await outcome(reference.ctx);
    expect(a.changes.length).toBe(b.changes.length);
    expect(a).toEqual(b);
    expect(await advisoryChanges(killed.ctx)).toBe(IMAGES * 3);
  }, 240_000);

  it('finishes an advisory change a kill interrupted between the database rename and the planning', async () => {
    const c = await openConsole(dialect);
    await populate(c);
    const file = c.ctx.config.advisoryDatabase;
    // What changeAdvisoryData does up to the rename, then the process dies.
    linkSync(file, previousPath(file));
    const store = openAdvisoryStore(file);
    store.import(record(DEMO_RECORDS.heartbleed));
    store.close();

    // On start: the change is diffed against the kept previous state and planned like an uninterrupted one.
    const planned = await reconcileAdvisoryData(c.ctx);
    expect(planned?.changes?.advisories.added).toEqual(['CVE-2014-0160']);
    expect(planned?.run?.images).toBe(IMAGES);
    expect(existsSync(previousPath(file))).toBe(false);
    expect(await reconcileAdvisoryData(c.ctx)).toBeUndefined();
    await processReevaluations(c.ctx);
    expect(await advisoryChanges(c.ctx)).toBe(IMAGES * 3);

    // A kill before the rename leaves the link to an unchanged file: nothing to plan.
    linkSync(file, previousPath(file));
    expect(await reconcileAdvisoryData(c.ctx)).toBeUndefined();
    expect(existsSync(previousPath(file))).toBe(false);

    // The previous state lost as well: every image not matched against the current snapshot is planned.
    const again = openAdvisoryStore(file);
    again.import(record(DEMO_RECORDS.ccs));
    again.close();
    const full = await reconcileAdvisoryData(c.ctx);
    expect(full?.changes).toBeUndefined();
    expect(full?.run?.images).toBe(IMAGES);
    await processReevaluations(c.ctx);
    // CCS injection (fixed in +deb7u10) is now found in openssl and libssl1.0.0 of every image.
    const ccs = await c.ctx.store.db.selectFrom('finding_ids').select('digest').where('vuln_id', '=', 'CVE-2014-0224').execute();
    expect(ccs).toHaveLength(IMAGES);
  }, 240_000);
});
