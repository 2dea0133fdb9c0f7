/**
 * Job status: what the console's workers are doing and did — scans of
 * registry images, registry syncs, advisory updates, re-evaluations — with
 * attempts, the last error and the result. Read-only; jobs are created by
 * the features that need them.
 */
import { z } from 'zod';
import { getJob, JOB_STATES, jobViewSchema, listJobs } from '../jobs/job-status.js';
import { ProblemError, route } from '../route.js';

export const jobRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/jobs',
    summary: 'List jobs, newest first (filters: state, kind; paged with cursor)',
    tag: 'jobs',
    access: ['secops', 'auditor', 'ci'],
    query: z.strictObject({
      state: z.enum(JOB_STATES).optional(),
      kind: z.string().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().min(1).max(1000).optional(),
    }),
    response: z.object({ items: z.array(jobViewSchema), next: z.string().nullable() }),
    handler: async ({ query, principal }, ctx) => {
      const page = await listJobs(ctx, principal!, query);
      if (!page) throw new ProblemError(400, 'Bad Request', 'cursor is not one this server handed out');
      return { body: page };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/jobs/:id',
    summary: 'One job: state, attempts, last error, result',
    tag: 'jobs',
    access: ['secops', 'auditor', 'ci'],
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    response: jobViewSchema,
    handler: async ({ params, principal }, ctx) => {
      const job = await getJob(ctx, principal!, params.id);
      if (!job) throw new ProblemError(404, 'Not Found', 'no such job');
      return { body: job };
    },
  }),
];
