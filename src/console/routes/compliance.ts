/**
 * Host hardening: defenders report their host's CIS Docker Benchmark audit;
 * readers see each host's score, its history and what drifted.
 */
import { z } from 'zod';
import { complianceOverview, hostAuditUploadSchema, hostCompliance, recordHostAudit } from '../compliance/host-compliance.js';
import { fleetIdSchema } from '../fleet/fleet-report.js';
import { actorOf } from '../principal.js';
import { route } from '../route.js';

const READERS = ['secops', 'auditor', 'developer'] as const;
const hostParams = z.strictObject({ id: fleetIdSchema });

export const complianceRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/hosts/:id/audit',
    summary: "A defender reports its host's CIS Docker Benchmark audit; answers the score and the checks that drifted from pass to fail",
    tag: 'compliance',
    access: ['defender'],
    bodyLimit: 4 * 1024 * 1024,
    params: hostParams,
    body: hostAuditUploadSchema,
    handler: async ({ params, body, principal }, ctx) => ({ status: 201, body: await recordHostAudit(ctx, params.id, body, actorOf(principal)) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/hosts/:id/compliance',
    summary: "A host's latest audit (score, counts, every result, drift) and its score history, newest first",
    tag: 'compliance',
    access: READERS,
    params: hostParams,
    query: z.strictObject({ history: z.coerce.number().int().min(1).max(500).default(30) }),
    handler: async ({ params, query, principal }, ctx) => ({ body: await hostCompliance(ctx, principal, params.id, query.history) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/compliance/hosts',
    summary: "Every host's latest hardening score, lowest first, with its drift count",
    tag: 'compliance',
    access: READERS,
    handler: async ({ principal }, ctx) => ({ body: { items: await complianceOverview(ctx, principal) } }),
  }),
];
