/**
 * What GET /api/v1/jobs shows: the rows of the `jobs` table (both queue
 * implementations keep them current), filtered by state and kind, newest
 * first, paged by an opaque cursor. A principal limited to collections sees
 * only the jobs whose target its collections admit; a CI token sees the
 * scan jobs it asked for.
 */
import { z } from 'zod';
import { parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import type { JobTable } from '../../store/schema.js';
import type { Selectable } from 'kysely';
import { scopeAdmits } from '../auth/scope-allows.js';
import type { ConsoleContext } from '../context.js';
import { actorOf, type Principal } from '../principal.js';

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;

export const jobViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(JOB_STATES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAfter: z.string(),
  lockedUntil: z.string().nullable(),
  worker: z.string().nullable(),
  lastError: z.string().nullable(),
  payload: z.unknown(),
  result: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JobView = z.infer<typeof jobViewSchema>;

type JobRow = Selectable<JobTable>;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function jobView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state as JobView['state'],
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAfter: row.run_after,
    lockedUntil: row.locked_until,
    worker: row.worker,
    lastError: row.last_error,
    payload: parseJson(row.payload),
    result: parseJson(row.result),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const payloadFacets = z.looseObject({ target: z.string().max(4096).optional(), registryId: z.string().optional(), requestedBy: z.string().optional() });

/** Whether the principal may see this job: global roles see all; ci its own scan jobs; scoped roles what their collections admit. */
async function visible(ctx: ConsoleContext, principal: Principal, row: JobRow, registries: Map<string, { name: string; url: string } | null>): Promise<boolean> {
  const facets = payloadFacets.safeParse(parseJson(row.payload));
  const payload = facets.success ? facets.data : {};
  if (principal.role === 'ci') return payload.requestedBy !== undefined && payload.requestedBy === actorOf(principal);
  if (principal.scope === null) return true;
  let repository: string | undefined;
  let registry: string | undefined;
  if (payload.target) {
    try {
      const ref = parseImageReference(payload.target);
      repository = repositoryName(ref);
      registry = ref.domain;
    } catch {
      // An unparsable target admits nothing scoped.
    }
  }
  if (payload.registryId && registry === undefined) {
    if (!registries.has(payload.registryId)) {
      const r = await ctx.store.db.selectFrom('registries').select(['name', 'url']).where('id', '=', payload.registryId).executeTakeFirst();
      registries.set(payload.registryId, r ?? null);
    }
    const r = registries.get(payload.registryId);
    if (r) registry = new URL(r.url).host;
  }
  return scopeAdmits(principal.scope, { ...(repository ? { repositories: [repository] } : {}), registry: registry ?? null });
}

export interface JobFilters {
  readonly state?: (typeof JOB_STATES)[number];
  readonly kind?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Cursor: base64url of "created_at|id" of the last row shown. */
function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  if (bar < 1) return undefined;
  return { createdAt: text.slice(0, bar), id: text.slice(bar + 1) };
}

const SCAN_BUDGET = 5000;

export async function listJobs(ctx: ConsoleContext, principal: Principal, filters: JobFilters): Promise<{ items: JobView[]; next: string | null } | undefined> {
  let after = filters.cursor ? decodeCursor(filters.cursor) : undefined;
  if (filters.cursor && !after) return undefined;
  const everything = principal.scope === null && principal.role !== 'ci';
  const items: JobView[] = [];
  const registries = new Map<string, { name: string; url: string } | null>();
  let scanned = 0;
  let last: JobRow | undefined;
  let exhausted = false;
  // Rows a scoped principal may not see are skipped; read on until the page is full, within a budget.
  while (items.length < filters.limit && !exhausted && scanned < SCAN_BUDGET) {
    let q = ctx.store.db.selectFrom('jobs').selectAll();
    if (filters.state) q = q.where('state', '=', filters.state);
    if (filters.kind) q = q.where('kind', '=', filters.kind);
    if (after) {
      const a = after;
      q = q.where((eb) => eb.or([eb('created_at', '<', a.createdAt), eb.and([eb('created_at', '=', a.createdAt), eb('id', '<', a.id)])]));
    }
    const batch = everything ? filters.limit - items.length : 200;
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(batch).execute();
    exhausted = rows.length < batch;
    for (const row of rows) {
      scanned++;
      last = row;
      if (everything || (await visible(ctx, principal, row, registries))) items.push(jobView(row));
      if (items.length === filters.limit) break;
    }
    if (last) after = { createdAt: last.created_at, id: last.id };
    if (rows.length === 0) break;
  }
  const next = !exhausted && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null;
  return { items, next };
}

export async function getJob(ctx: ConsoleContext, principal: Principal, id: string): Promise<JobView | undefined> {
  const row = await ctx.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await visible(ctx, principal, row, new Map()))) return undefined;
  return jobView(row);
}
