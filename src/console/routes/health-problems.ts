/**
 * The console's health problems: stale or missing advisory data, failed
 * updates, scans that found zero packages, re-evaluation backlog.
 */
import { z } from 'zod';
import { healthProblems } from '../health/health-problems.js';
import { route } from '../route.js';

export const healthProblemRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/health/problems',
    summary: 'Freshness and silent-failure problems: stale advisory data, zero-package scans, re-evaluation backlog',
    tag: 'health',
    access: ['secops', 'auditor'],
    response: z.object({ problems: z.array(z.object({ id: z.string(), kind: z.string(), severity: z.string(), summary: z.string(), detail: z.record(z.string(), z.unknown()) })) }),
    handler: async (_request, ctx) => ({ body: { problems: await healthProblems(ctx) } }),
  }),
];
