/**
 * Policy exceptions kept in the console: create, read, replace, revoke, and
 * the expiry report. Bodies are the exception documents policy files take.
 */
import { z } from 'zod';
import {
  createException,
  expiryReport,
  getException,
  listExceptions,
  revokeException,
  updateException,
} from '../exceptions/stored-exceptions.js';
import { actorOf } from '../principal.js';
import type { ConsoleRoute } from '../route.js';
import { route } from '../route.js';

const idParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'exception id: letters, digits and . _ : - only' }) });
/**
 * The exception document. Only its keys are checked here (unknown keys are
 * refused); the values are validated by the policy's own exception schema
 * (policy/policy-schema.ts), whose messages say what a policy file would be
 * told. The descriptions are for the OpenAPI document.
 */
const exceptionDocument = z.strictObject({
  id: z.unknown().optional().describe('string: letters, digits and . _ : - (generated when omitted on create)'),
  owner: z.unknown().optional().describe('string: the person or team answerable for it'),
  reason: z.unknown().optional().describe('string: why the violation is accepted'),
  expires: z.unknown().optional().describe('string: YYYY-MM-DD (holds through that day, UTC) or an RFC 3339 timestamp'),
  rules: z.unknown().optional().describe('string[]: rule ids it waives'),
  advisories: z.unknown().optional().describe('string[]: advisory ids or aliases it waives'),
  images: z.unknown().optional().describe("string[]: repository globs ('**' for all)"),
  digests: z.unknown().optional().describe('string[]: image digests (sha256:…)'),
});
const reason = z.string().trim().min(3, { error: 'say why (reason, at least 3 characters)' }).max(2000);

export const exceptionRoutes: readonly ConsoleRoute[] = [
  route({
    method: 'GET',
    url: '/api/v1/exceptions',
    summary: 'Exceptions kept in the console (state: active, expired, revoked or all)',
    tag: 'exceptions',
    access: ['secops', 'auditor'],
    query: z.strictObject({ state: z.enum(['active', 'expired', 'revoked', 'all']).default('active') }),
    async handler(request, ctx) {
      return { body: { exceptions: await listExceptions(ctx, request.query.state) } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/exceptions/expiring',
    summary: 'Expiry report: live exceptions that stop applying within N days (default 30), and expired ones not yet revoked',
    tag: 'exceptions',
    access: ['secops', 'auditor'],
    query: z.strictObject({ days: z.coerce.number().int().min(0).max(3650).default(30) }),
    async handler(request, ctx) {
      return { body: await expiryReport(ctx, request.query.days) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/exceptions',
    summary: 'Create an exception (an exception document: id optional, owner, reason, expires, rules/advisories, images/digests)',
    tag: 'exceptions',
    access: ['secops'],
    body: exceptionDocument,
    async handler(request, ctx) {
      const created = await createException(ctx, request.body, actorOf(request.principal));
      return { status: 201, headers: { location: `/api/v1/exceptions/${encodeURIComponent(created.id)}` }, body: created };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/exceptions/:id',
    summary: 'One exception with its state',
    tag: 'exceptions',
    access: ['secops', 'auditor'],
    params: idParam,
    async handler(request, ctx) {
      return { body: await getException(ctx, request.params.id) };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/v1/exceptions/:id',
    summary: 'Replace an exception document (extend its expiry, narrow what it covers, change owner or reason)',
    tag: 'exceptions',
    access: ['secops'],
    params: idParam,
    body: exceptionDocument,
    async handler(request, ctx) {
      return { body: await updateException(ctx, request.params.id, request.body, actorOf(request.principal)) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/exceptions/:id/revoke',
    summary: 'Revoke an exception now (kept, with its history, as revoked)',
    tag: 'exceptions',
    access: ['secops'],
    params: idParam,
    body: z.strictObject({ reason }),
    async handler(request, ctx) {
      return { body: await revokeException(ctx, request.params.id, { reason: request.body.reason, actor: actorOf(request.principal) }) };
    },
  }),
];
