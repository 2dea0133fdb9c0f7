/**
 * The inventory on both store dialects with real scan data: the demo image
 * assessed by the real pipeline, advisory databases built by the real import
 * code from the demo's advisory snapshot. Expected findings come from the
 * advisory facts (Debian fixed openssl in 1.0.1e-2+deb7u5 and +deb7u10; the
 * image has 1.0.1e-2+deb7u4 in libssl1.0.0 and openssl, per its dpkg status)
 * and the default policy's rules, not from our own output.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdvisoryStore } from '../../advisories/index.js';
import type { Store } from '../../store/open-store.js';
import { createAuditLog } from '../audit/audit-log.js';
import { consoleConfigSchema, type ConsoleConfig } from '../config.js';
import type { ConsoleContext, ConsoleEvent, JobQueue } from '../context.js';
import { activePolicy } from '../policies/active-policy.js';
import { STORE_DIALECTS, openFreshStore } from '../../../test/support/store-fixtures.js';
import { DEMO_RECORDS, demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { assessImage, assessImages, assessmentSchema, loadImageSubject, recordAssessment } from './image-assessment.js';

const noJobs: JobQueue = {
  enqueue: () => Promise.reject(new Error('no job queue in this test')),
  handle: () => undefined,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};

function contextFor(store: Store, dir: string, events: ConsoleEvent[]): ConsoleContext {
  const config: ConsoleConfig = {
    ...consoleConfigSchema.parse({ dataDir: dir }),
    database: store.location,
    advisoryDatabase: path.join(dir, 'advisories.db'),
    secretKey: Buffer.alloc(32, 7),
  };
  return {
    store,
    config,
    log: pino({ level: 'silent' }),
    audit: createAuditLog(store),
    events: { publish: async (list) => void events.push(...list) },
    jobs: noJobs,
    now: () => new Date(),
  };
}

const OPENSSL_PACKAGES = ['libssl1.0.0', 'openssl'];

describe.each(STORE_DIALECTS)('image assessment on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  let dir: string;
  let events: ConsoleEvent[];
  let ctx: ConsoleContext;

  beforeAll(async () => {
    store = await openFreshStore(dialect);
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-inventory-'));
    events = [];
    ctx = contextFor(store, dir, events);
  });
  afterAll(async () => {
    await store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records an upload without advisory data: zero vulnerabilities, a health problem, the check findings decide', async () => {
    const { assessment } = await demoAssessment();
    const result = await recordAssessment(ctx, { assessment, reference: 'registry.example.com/team-a/demo:1.0', environment: 'prod' }, { cause: { reason: 'scan' } });
    expect(result.problems.join('\n')).toMatch(/no advisory database/);
    expect(result.findings.filter((f) => f.kind === 'vulnerability')).toEqual([]);
    // The demo image runs as root: in prod the default policy's image-not-root-prod rule blocks.
    expect(result.decision.verdict).toBe('block');
    expect(result.decision.violations.map((v) => v.ruleId)).toContain('image-not-root-prod');

    const image = await store.db.selectFrom('images').selectAll().where('digest', '=', result.digest).executeTakeFirstOrThrow();
    expect(image.digest).toBe(assessment.inventory.image?.configDigest);
    expect(JSON.parse(image.repositories)).toContain('registry.example.com/team-a/demo');
    expect(image.registry).toBe('registry.example.com');
    expect(image.environment).toBe('prod');
    expect(image.verdict).toBe('block');
    expect(image.package_count).toBe(assessment.inventory.packages.length);
    const tags = await store.db.selectFrom('image_tags').selectAll().where('digest', '=', result.digest).execute();
    expect(tags.map((t) => t.reference)).toContain('registry.example.com/team-a/demo:1.0');

    // The package index keys OS packages by their source package, as Debian advisories name them.
    const ssl = await store.db.selectFrom('inventory_packages').selectAll().where('inventory_id', '=', image.inventory_id).where('source_name', '=', 'openssl').execute();
    expect(ssl.map((p) => p.name).sort()).toEqual(OPENSSL_PACKAGES);
    const lodash = await store.db.selectFrom('inventory_packages').selectAll().where('ecosystem', '=', 'npm').where('name_key', '=', 'lodash').execute();
    expect(lodash.map((p) => p.version)).toEqual(['4.17.15']);
    expect(lodash[0]?.source_name).toBeNull();
  });

  it('re-assesses a stored image after an advisory update: new findings, verdict change, cause, events', async () => {
    const { assessment } = await demoAssessment();
    const digest = assessment.inventory.image?.configDigest as string;
    // First advisory data: lodash only.
    demoAdvisoryDatabase(ctx.config.advisoryDatabase, [DEMO_RECORDS.lodash]);
    const first = await recordAssessment(ctx, { assessment, environment: 'dev' }, { cause: { reason: 'scan' } });
    expect(first.findings.filter((f) => f.kind === 'vulnerability').map((f) => `${f.id} ${f.package?.name}`)).toEqual(['GHSA-p6mc-m468-83gw lodash']);
    // In dev, no rule blocks: root user and a missing healthcheck only warn.
    expect(first.decision.verdict).toBe('warn');
    expect(first.previousVerdict).toBe('block');
    events.length = 0;

    // The advisory update: heartbleed, CCS injection and the KEV entry arrive.
    demoAdvisoryDatabase(ctx.config.advisoryDatabase);
    const advisories = openAdvisoryStore(ctx.config.advisoryDatabase, { readonly: true });
    try {
      const { policy } = await activePolicy(ctx);
      const dry = await assessImage(ctx, digest, { advisoryIndex: advisories.index(), policy, cause: { reason: 'advisory-update' }, dryRun: true });
      expect(dry?.stored).toBe(false);
      expect(dry?.decision.verdict).toBe('block');
      const stillWarn = await store.db.selectFrom('images').select('verdict').where('digest', '=', digest).executeTakeFirstOrThrow();
      expect(stillWarn.verdict).toBe('warn');
      expect(events).toEqual([]);

      const cause = { reason: 'advisory-update' as const, advisories: ['CVE-2014-0160', 'CVE-2014-0224'], snapshot: advisories.index().snapshot };
      const result = await assessImage(ctx, digest, { advisoryIndex: advisories.index(), policy, cause });
      expect(result?.verdictChanged).toBe(true);
      expect(result?.decision.verdict).toBe('block');
      expect(result?.decision.violations.map((v) => v.ruleId)).toEqual(expect.arrayContaining(['vuln-heartbleed', 'vuln-kev']));
      const added = (result?.newFindings ?? []).map((c) => `${c.id} ${c.package?.name}`).sort();
      expect(added).toEqual(['CVE-2014-0160 libssl1.0.0', 'CVE-2014-0160 openssl', 'CVE-2014-0224 libssl1.0.0', 'CVE-2014-0224 openssl']);
      expect(result?.resolvedFindings).toEqual([]);

      const changes = await store.db.selectFrom('image_changes').selectAll().where('digest', '=', digest).where('cause', 'like', '%advisory-update%').execute();
      expect(changes.filter((c) => c.kind === 'finding-new')).toHaveLength(4);
      const verdict = changes.find((c) => c.kind === 'verdict');
      expect(JSON.parse(verdict?.detail ?? '{}')).toMatchObject({ from: 'warn', to: 'block' });
      expect(JSON.parse(verdict?.cause ?? '{}')).toEqual(cause);

      const ids = await store.db.selectFrom('finding_ids').select('vuln_id').where('digest', '=', digest).execute();
      expect(ids.map((r) => r.vuln_id)).toEqual(expect.arrayContaining(['CVE-2014-0160', 'CVE-2014-0224', 'GHSA-p6mc-m468-83gw', 'CVE-2020-8203']));

      const verdictEvent = events.find((e) => e.type === 'verdict.changed');
      expect(verdictEvent?.detail).toMatchObject({ from: 'warn', to: 'block' });
      const newEvents = events.filter((e) => e.type === 'finding.new');
      expect(newEvents.reduce((n, e) => n + (e.detail['count'] as number), 0)).toBe(4);
      expect(new Set(newEvents.map((e) => e.severity)).size).toBe(newEvents.length);

      // Heartbleed withdrawn again: its findings resolve and the change says so.
      demoAdvisoryDatabase(ctx.config.advisoryDatabase, [DEMO_RECORDS.lodash, DEMO_RECORDS.ccs]);
      const after = openAdvisoryStore(ctx.config.advisoryDatabase, { readonly: true });
      try {
        const back = await assessImage(ctx, digest, { advisoryIndex: after.index(), policy, cause: { reason: 'advisory-update', advisories: ['CVE-2014-0160'] } });
        expect((back?.resolvedFindings ?? []).map((c) => `${c.id} ${c.package?.name}`).sort()).toEqual(['CVE-2014-0160 libssl1.0.0', 'CVE-2014-0160 openssl']);
        const left = await store.db.selectFrom('finding_ids').select('vuln_id').where('digest', '=', digest).execute();
        expect(left.map((r) => r.vuln_id)).not.toContain('CVE-2014-0160');
      } finally {
        after.close();
      }
    } finally {
      advisories.close();
    }
  });

  it('gives the stored Subject with its stored findings and identity', async () => {
    const { assessment } = await demoAssessment();
    const digest = assessment.inventory.image?.configDigest as string;
    const subject = await loadImageSubject(ctx, digest);
    expect(subject?.image?.digest).toBe(digest);
    // The second upload named no reference: the image's own RepoTags (docker save) were seen last.
    expect(subject?.image?.repository).toBe('docker.io/bulkhead-demo/heartbleed');
    expect(subject?.image?.tags).toEqual(assessment.inventory.image?.repoTags.map((t) => t.split(':').at(-1)));
    // The first upload's name stays known, so rules scoped to it still apply to this content.
    expect(subject?.image?.knownAs).toEqual(expect.arrayContaining(['registry.example.com/team-a/demo', 'registry.example.com/team-a/demo:1.0', 'docker.io/bulkhead-demo/heartbleed']));
    expect(subject?.environment).toBe('dev');
    expect(subject?.packages).toHaveLength(assessment.inventory.packages.length);
    const stored = await store.db.selectFrom('findings').select('key').where('digest', '=', digest).execute();
    expect(subject?.findings).toHaveLength(stored.length);
    expect(await loadImageSubject(ctx, 'sha256:' + '0'.repeat(64))).toBeUndefined();
  });

  it('refuses a stored document that was tampered with', async () => {
    const { assessment } = await demoAssessment();
    const digest = assessment.inventory.image?.configDigest as string;
    const row = await store.db.selectFrom('images').select('inventory_id').where('digest', '=', digest).executeTakeFirstOrThrow();
    await store.db.updateTable('inventories').set({ document: '{"schema":"bulkhead.assessment/v1","inventory":{}}' }).where('id', '=', row.inventory_id).execute();
    await expect(loadImageSubject(ctx, digest)).rejects.toThrow(/not a valid assessment document/);
  });

  it('skips re-validation only for documents carrying the console’s own MAC', async () => {
    const { assessment } = await demoAssessment();
    const inventory = { ...assessment.inventory, id: `sha256:${'9'.repeat(64)}` };
    const digest = `sha256:${'9'.repeat(64)}`;
    await recordAssessment(ctx, { assessment: { ...assessment, inventory }, digest }, { cause: { reason: 'scan' } });
    const stored = await store.db.selectFrom('inventories').select(['document', 'document_mac']).where('id', '=', inventory.id).executeTakeFirstOrThrow();
    expect(stored.document_mac).toBe(createHmac('sha256', ctx.config.secretKey).update(stored.document).digest('hex'));
    // Edited behind the console's back (the MAC no longer matches): validated in full, and refused.
    const edited = stored.document.replace('"ecosystem":"deb"', '"ecosystem":"nonsense"');
    await store.db.updateTable('inventories').set({ document: edited }).where('id', '=', inventory.id).execute();
    await expect(loadImageSubject(ctx, digest)).rejects.toThrow(/not a valid assessment document/);
    // The same text with a MAC under the console's key is taken as written: the key is what vouches for it.
    await store.db.updateTable('inventories').set({ document_mac: createHmac('sha256', ctx.config.secretKey).update(edited).digest('hex') }).where('id', '=', inventory.id).execute();
    expect((await loadImageSubject(ctx, digest))?.packages.some((p) => (p.ecosystem as string) === 'nonsense')).toBe(true);
  });

  it('decides many images at once; a broken document fails only its image', async () => {
    const { assessment } = await demoAssessment();
    const digests = ['a', 'b', 'c'].map((x) => `sha256:${x.repeat(64)}`);
    for (const [i, digest] of digests.entries()) {
      const inventory = { ...assessment.inventory, id: `sha256:${String(i).repeat(64)}` };
      await recordAssessment(ctx, { assessment: { ...assessment, inventory }, digest, reference: `registry.example.com/team-a/batch-${i}:1` }, { cause: { reason: 'scan' } });
    }
    await store.db.updateTable('inventories').set({ document: '[]' }).where('id', '=', `sha256:${'1'.repeat(64)}`).execute();
    // Withdraw the lodash advisory: each good image resolves its lodash finding under its own cause.
    demoAdvisoryDatabase(ctx.config.advisoryDatabase, [DEMO_RECORDS.heartbleed, DEMO_RECORDS.ccs, DEMO_RECORDS.kev]);
    const advisories = openAdvisoryStore(ctx.config.advisoryDatabase, { readonly: true });
    try {
      const { policy } = await activePolicy(ctx);
      const items = [...digests, `sha256:${'f'.repeat(64)}`].map((digest) => ({ digest, cause: { reason: 'advisory-update' as const, advisories: [`withdrawn-for-${digest.slice(7, 8)}`] } }));
      const { results, failed } = await assessImages(ctx, items, { advisoryIndex: advisories.index(), policy });
      expect(results.map((r) => r.digest)).toEqual([digests[0], digests[2]]);
      expect(failed.map((f) => f.digest)).toEqual([digests[1]]);
      expect(failed[0]?.error.message).toMatch(/not a valid assessment document/);
      for (const r of results) expect(r.resolvedFindings.map((c) => `${c.id} ${c.package?.name}`)).toEqual(['GHSA-p6mc-m468-83gw lodash']);
      const changes = await store.db.selectFrom('image_changes').select(['digest', 'cause']).where('kind', '=', 'finding-resolved').where('digest', 'in', digests).execute();
      expect(changes.map((c) => [c.digest, JSON.parse(c.cause).advisories[0]]).sort()).toEqual([
        [digests[0], 'withdrawn-for-a'],
        [digests[2], 'withdrawn-for-c'],
      ]);
    } finally {
      advisories.close();
    }
  });
});

describe('assessment document', () => {
  it('rejects vulnerability findings and oversized files in an upload', async () => {
    const { assessment } = await demoAssessment();
    const vuln = { ...assessment.checkFindings[0], kind: 'vulnerability' };
    expect(assessmentSchema.safeParse({ ...assessment, checkFindings: [vuln] }).success).toBe(false);
    expect(assessmentSchema.safeParse({ ...assessment, files: { '/etc/x': { content: 'x'.repeat(1024 * 1024 + 1) } } }).success).toBe(false);
    expect(assessmentSchema.safeParse(JSON.parse(JSON.stringify(assessment))).success).toBe(true);
  });
});
