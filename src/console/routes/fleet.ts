/**
 * Where containers run: Docker hosts and Kubernetes clusters report
 * themselves and their containers (role defender); people read the fleet,
 * each container with its image's verdict. Hosts and clusters are admitted
 * to a scoped principal by their name (collection `hosts` patterns), a
 * container also by its namespace or its image's repositories.
 */
import { z } from 'zod';
import { scopeAllows } from '../auth/scope-allows.js';
import type { ConsoleContext } from '../context.js';
import { listContainers } from '../fleet/container-view.js';
import { clusterReportSchema, fleetIdSchema, hostReportSchema } from '../fleet/fleet-report.js';
import { recordFleetReport } from '../fleet/record-fleet-report.js';
import { decodeCursor, encodeCursor, isStringRecord, jsonOr } from '../inventory/image-views.js';
import { actorOf, type Principal } from '../principal.js';
import { ProblemError, route } from '../route.js';

const READERS = ['secops', 'auditor', 'developer'] as const;
const idParams = z.strictObject({ id: fleetIdSchema });
const limit = z.coerce.number().int().min(1).max(500).default(50);
const cursor = z.string().max(2048).optional();
const object = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fleet reports are bigger than ordinary requests: 10,000 containers of a few hundred bytes. */
const REPORT_LIMIT = 16 * 1024 * 1024;

function afterOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const decoded = decodeCursor(value, 1);
  if (!decoded) throw new ProblemError(400, 'Invalid request', 'query cursor: not a cursor this list returned');
  return String(decoded[0]);
}

type OwnerTable = 'hosts' | 'clusters';

async function listOwners(ctx: ConsoleContext, principal: Principal | undefined, table: OwnerTable, query: { limit: number; cursor?: string | undefined; environment?: string | undefined }) {
  let after = afterOf(query.cursor);
  const items = [];
  let more = false;
  // Unscoped callers see every row: one page plus one tells whether there is more. Scoped ones may skip rows.
  const batch = principal?.scope ? 200 : query.limit + 1;
  for (let scanned = 0; scanned < 5000; ) {
    let q = ctx.store.db.selectFrom(table).selectAll();
    if (query.environment) q = q.where('environment', '=', query.environment);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(batch).execute();
    for (const r of rows) {
      scanned++;
      if (items.length === query.limit) {
        more = true;
        break;
      }
      after = r.id;
      if (scopeAllows(principal, { host: r.name })) items.push(r);
    }
    if (more || rows.length < batch) break;
  }
  const counts = items.length
    ? await ctx.store.db
        .selectFrom('containers')
        .select([table === 'hosts' ? 'host_id as owner' : 'cluster_id as owner', 'state', (eb) => eb.fn.countAll<number>().as('n')])
        .where(table === 'hosts' ? 'host_id' : 'cluster_id', 'in', items.map((i) => i.id))
        .groupBy([table === 'hosts' ? 'host_id' : 'cluster_id', 'state'])
        .execute()
    : [];
  const byOwner = new Map<string, Record<string, number>>();
  for (const c of counts) {
    const entry = byOwner.get(c.owner as string) ?? {};
    entry[c.state] = Number(c.n);
    byOwner.set(c.owner as string, entry);
  }
  return {
    items: items.map((r) => ({ ...ownerView(r), containers: byOwner.get(r.id) ?? {} })),
    nextCursor: more && after !== undefined ? encodeCursor([after]) : null,
  };
}

function ownerView(r: { id: string; name: string; environment: string | null; info: string; first_seen: string; last_seen: string; labels?: string }) {
  return {
    id: r.id,
    name: r.name,
    environment: r.environment,
    ...(r.labels !== undefined ? { labels: jsonOr<Record<string, string>>(r.labels, {}, isStringRecord) } : {}),
    info: jsonOr<Record<string, unknown>>(r.info, {}, object),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
}

async function ownerDetail(ctx: ConsoleContext, principal: Principal | undefined, table: OwnerTable, id: string) {
  const row = await ctx.store.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !scopeAllows(principal, { host: row.name })) throw new ProblemError(404, 'Not Found', `no ${table === 'hosts' ? 'host' : 'cluster'} ${id}`);
  const { items } = await listContainers(ctx, principal, { ...(table === 'hosts' ? { hostId: id } : { clusterId: id }), limit: 10_000 });
  return { ...ownerView(row), containers: items };
}

function reportRoute(kind: 'host' | 'cluster') {
  const plural = kind === 'host' ? 'hosts' : 'clusters';
  return route({
    method: 'POST',
    url: `/api/v1/${plural}/:id/report`,
    summary: `A ${kind} reports itself and the containers it runs now; containers it no longer reports become 'gone'`,
    tag: 'fleet',
    access: ['defender'],
    bodyLimit: REPORT_LIMIT,
    params: idParams,
    body: kind === 'host' ? hostReportSchema : clusterReportSchema,
    handler: async ({ params, body, principal }, ctx) => {
      const result = await recordFleetReport(ctx, kind === 'host' ? { kind, id: params.id, report: body } : { kind, id: params.id, report: body });
      ctx.log.debug({ [kind]: params.id, actor: actorOf(principal), ...result }, `${kind} report`);
      return { body: { id: params.id, ...result } };
    },
  });
}

export const fleetRoutes = [
  reportRoute('host'),
  reportRoute('cluster'),
  route({
    method: 'GET',
    url: '/api/v1/hosts',
    cache: true,
    summary: 'List Docker hosts with their containers by state (filter: environment; cursor pages)',
    tag: 'fleet',
    access: READERS,
    query: z.strictObject({ environment: z.string().min(1).max(64).optional(), limit, cursor }),
    handler: async ({ query, principal }, ctx) => ({ body: await listOwners(ctx, principal, 'hosts', query) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/hosts/:id',
    cache: true,
    summary: 'One host with its containers and each container image’s verdict',
    tag: 'fleet',
    access: READERS,
    params: idParams,
    handler: async ({ params, principal }, ctx) => ({ body: await ownerDetail(ctx, principal, 'hosts', params.id) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/clusters',
    cache: true,
    summary: 'List Kubernetes clusters with their containers by state (filter: environment; cursor pages)',
    tag: 'fleet',
    access: READERS,
    query: z.strictObject({ environment: z.string().min(1).max(64).optional(), limit, cursor }),
    handler: async ({ query, principal }, ctx) => ({ body: await listOwners(ctx, principal, 'clusters', query) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/clusters/:id',
    cache: true,
    summary: 'One cluster with its containers and each container image’s verdict',
    tag: 'fleet',
    access: READERS,
    params: idParams,
    handler: async ({ params, principal }, ctx) => ({ body: await ownerDetail(ctx, principal, 'clusters', params.id) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/containers',
    cache: true,
    summary: "List containers with their image's verdict (filters: host, cluster, state, image digest, verdict; cursor pages)",
    tag: 'fleet',
    access: READERS,
    query: z.strictObject({
      host: fleetIdSchema.optional(),
      cluster: fleetIdSchema.optional(),
      state: z.string().min(1).max(32).optional(),
      image: z.string().min(1).max(200).optional(),
      verdict: z.enum(['allow', 'warn', 'block']).optional(),
      limit,
      cursor,
    }),
    handler: async ({ query, principal }, ctx) => {
      const after = afterOf(query.cursor);
      const page = await listContainers(ctx, principal, {
        ...(query.host ? { hostId: query.host } : {}),
        ...(query.cluster ? { clusterId: query.cluster } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.image ? { imageDigest: query.image } : {}),
        ...(query.verdict ? { verdict: query.verdict } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: query.limit,
      });
      return { body: { items: page.items, nextCursor: page.more && page.last !== undefined ? encodeCursor([page.last]) : null } };
    },
  }),
];
