/**
 * The console's advisory data: its status (snapshot, sources, age,
 * staleness, pending re-evaluation), uploads of bundles and feed files for
 * air-gapped sites, an update on demand, and the re-evaluation runs that
 * followed each change.
 */
import { z } from 'zod';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { advisoryDataStatus } from '../advisory-data/advisory-data-status.js';
import { changeAdvisoryData } from '../advisory-data/change-advisory-data.js';
import { batchesFromUploads, UPLOAD_LIMITS } from '../advisory-data/import-uploaded-feeds.js';
import { ADVISORY_UPDATE_JOB } from '../advisory-data/update-advisories.js';
import { describeRun, pendingRuns, runHistory } from '../reevaluate/reevaluation-run.js';
import { actorOf } from '../principal.js';
import { ProblemError, route } from '../route.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The JSON body: base64 grows the upload by a third, plus a little for names. */
const IMPORT_BODY_LIMIT = Math.ceil((UPLOAD_LIMITS.totalBytes * 4) / 3) + 64 * 1024;

const importBody = z.strictObject({
  files: z
    .array(
      z.strictObject({
        /** The file's name: it tells YAML from JSON and names a loose feed (`osv:upload:<name>`). */
        name: z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'a file name without slashes'),
        contentBase64: z.string().min(1).max(IMPORT_BODY_LIMIT).regex(BASE64, 'base64 (RFC 4648, no line breaks)'),
      }),
    )
    .min(1)
    .max(UPLOAD_LIMITS.files),
});

const readers = ['secops', 'auditor', 'developer'] as const;

export const advisoryRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/advisories/status',
    summary: 'The advisory data: snapshot, sources and their age, staleness, last update, pending re-evaluation',
    tag: 'advisories',
    access: readers,
    handler: async (_request, ctx) => ({ body: await advisoryDataStatus(ctx) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/advisories/import',
    summary: 'Import a bundle (`bulkhead db export`) or feed files (`bulkhead db import` formats), then re-evaluate the affected images',
    tag: 'advisories',
    access: ['secops'],
    body: importBody,
    bodyLimit: IMPORT_BODY_LIMIT + 16 * 1024,
    handler: async ({ body, principal }, ctx) => {
      const files = body.files.map((f) => ({ name: f.name, data: Buffer.from(f.contentBase64, 'base64') }));
      let batches;
      try {
        batches = batchesFromUploads(files);
      } catch (error) {
        if (error instanceof LimitExceededError) throw new ProblemError(413, 'Upload too large', error.message);
        if (error instanceof BadInputError) throw new ProblemError(400, 'Not importable', error.message);
        throw error;
      }
      let changed;
      try {
        changed = await changeAdvisoryData(ctx, (store) => store.import(batches));
      } catch (error) {
        if (error instanceof BadInputError) throw new ProblemError(400, 'Not importable', error.message);
        throw error;
      }
      const { value, planned } = changed;
      const feeds = value.feeds.map((f) => ({ feed: f.feed, advisories: f.advisories, enrichments: f.enrichments, skipped: f.skipped }));
      const warnings = batches.flatMap((b) => b.warnings).slice(0, 20);
      const changes = planned?.changes
        ? { advisories: planned.changes.advisories, packages: planned.changes.packages.length, enrichedCves: planned.changes.enrichedCves.length }
        : undefined;
      await ctx.audit.append({
        actor: actorOf(principal),
        action: 'advisories.import',
        target: 'advisories',
        detail: { files: files.map((f) => ({ name: f.name, bytes: f.data.length })), snapshot: value.snapshot, feeds: feeds.map((f) => f.feed), images: planned?.run?.images ?? 0 },
      });
      return {
        body: {
          snapshot: value.snapshot,
          feeds,
          warnings,
          ...(changes ? { changes } : {}),
          reevaluation: planned?.run ? { run: planned.run.id, images: planned.run.images } : { images: 0 },
        },
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/advisories/update',
    summary: 'Run an advisory update now (the configured sources and mirrors), as a job',
    tag: 'advisories',
    access: ['secops'],
    handler: async ({ principal }, ctx) => {
      const trigger = actorOf(principal);
      const job = await ctx.jobs.enqueue(ADVISORY_UPDATE_JOB, { trigger, scheduled: false }, { maxAttempts: 1 });
      await ctx.audit.append({ actor: trigger, action: 'advisories.update', target: 'advisories', detail: { job } });
      return { status: 202, headers: { location: `/api/v1/jobs/${job}` }, body: { job } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/advisories/reevaluations',
    summary: 'Re-evaluation runs: pending (with progress) and the last finished ones',
    tag: 'advisories',
    access: readers,
    handler: async (_request, ctx) => {
      const [pending, finished] = await Promise.all([pendingRuns(ctx.store.db), runHistory(ctx.store.db)]);
      return {
        body: {
          pending: pending.map(({ run }) => ({ ...describeRun(run), done: run.done, startedAt: run.startedAt })),
          finished,
        },
      };
    },
  }),
];
