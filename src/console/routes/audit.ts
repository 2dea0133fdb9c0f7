/**
 * The audit log over HTTP, for admins and auditors: filtered pages (newest
 * first, seq cursor), an export as JSON lines, and a chain verification
 * (the same check as `bulkhead audit verify`).
 */
import { z } from 'zod';
import { listAuditEntries } from '../audit/audit-query.js';
import { verifyAuditChain } from '../audit/verify-audit-chain.js';
import { actorOf } from '../principal.js';
import { route } from '../route.js';

const MAX_PAGE = 500;
/** Entries per export response; the x-next-cursor header continues. Bounds the response's memory. */
const MAX_EXPORT = 20_000;

const iso = z.iso.datetime({ offset: true });
const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const filterQuery = {
  actor: z.string().min(1).max(512).optional(),
  /** Prefix of the dotted action: 'policy.' */
  action: z.string().min(1).max(128).optional(),
  target: z.string().min(1).max(512).optional(),
  since: iso.optional(),
  until: iso.optional(),
};

const recordSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
  prev_hash: z.string(),
  hash: z.string(),
});

const filterOf = (q: { actor?: string | undefined; action?: string | undefined; target?: string | undefined; since?: string | undefined; until?: string | undefined }) => ({
  ...(q.actor !== undefined ? { actor: q.actor } : {}),
  ...(q.action !== undefined ? { actionPrefix: q.action } : {}),
  ...(q.target !== undefined ? { target: q.target } : {}),
  ...(q.since !== undefined ? { since: q.since } : {}),
  ...(q.until !== undefined ? { until: q.until } : {}),
});

export const auditRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/audit',
    summary: 'Audit entries, newest first (order=asc for oldest first); filter by actor, action prefix, target and time; continue with cursor=nextCursor',
    tag: 'audit',
    access: ['auditor'],
    query: z.strictObject({
      ...filterQuery,
      limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
      cursor: seq.optional(),
      order: z.enum(['asc', 'desc']).default('desc'),
    }),
    response: z.object({ items: z.array(recordSchema), nextCursor: z.number().int().optional() }),
    handler: async ({ query }, ctx) => {
      const page = await listAuditEntries(ctx.store, filterOf(query), { limit: query.limit, order: query.order, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
      return { body: page };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/audit/export',
    summary: `Audit entries as JSON lines (application/x-ndjson), oldest first, at most ${MAX_EXPORT} per response; when more follow, the x-next-cursor header gives the cursor for the next request`,
    tag: 'audit',
    access: ['auditor'],
    query: z.strictObject({
      ...filterQuery,
      limit: z.coerce.number().int().min(1).max(MAX_EXPORT).default(MAX_EXPORT),
      cursor: seq.optional(),
    }),
    handler: async ({ query, principal }, ctx) => {
      const page = await listAuditEntries(ctx.store, filterOf(query), { limit: query.limit, order: 'asc', ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) });
      // Who took a copy of the audit log is itself worth recording.
      await ctx.audit.append({
        actor: actorOf(principal),
        action: 'audit.export',
        target: 'audit',
        detail: { filter: filterOf(query), entries: page.items.length, ...(page.items.length ? { firstSeq: page.items[0]?.seq, lastSeq: page.items[page.items.length - 1]?.seq } : {}) },
      });
      const body = page.items.map((e) => `${JSON.stringify(e)}\n`).join('');
      return {
        headers: { 'content-type': 'application/x-ndjson; charset=utf-8', ...(page.nextCursor !== undefined ? { 'x-next-cursor': String(page.nextCursor) } : {}) },
        body,
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/audit/verify',
    summary: 'Check the hash chain: ok, entries, the head, or the first break (seq, edited|deleted|reordered|inserted, detail)',
    tag: 'audit',
    access: ['auditor'],
    response: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
      firstBad: z.object({ seq: z.number().int(), problem: z.enum(['edited', 'deleted', 'reordered', 'inserted']), detail: z.string() }).optional(),
    }),
    handler: async (_request, ctx) => ({ body: await verifyAuditChain(ctx.store) }),
  }),
];
