/**
 * The image inventory: every image the console has seen (by digest), its
 * tags and repositories, packages, findings, decision and the history of
 * what changed and why. Principals with collections see only images their
 * collections admit; any other image is a 404, exactly like one that does
 * not exist, so the API never confirms what lies outside a scope.
 */
import { z } from 'zod';
import type { Decision } from '../../domain/decision.js';
import type { ImageVerdict } from '../../domain/enforcement.js';
import { compileGlob } from '../../policy/glob.js';
import type { ImageTable } from '../../store/schema.js';
import { scopeAllows } from '../auth/scope-allows.js';
import type { ConsoleContext } from '../context.js';
import { DIGEST_PATTERN } from '../inventory/image-identity.js';
import { decodeCursor, encodeCursor, imageListItem, isStringList, isStringRecord, jsonOr } from '../inventory/image-views.js';
import { loadStoredImage } from '../inventory/stored-image.js';
import type { Principal } from '../principal.js';
import { ProblemError, route } from '../route.js';

const READERS = ['secops', 'auditor', 'developer'] as const;

export const digestParams = z.strictObject({ digest: z.string().regex(DIGEST_PATTERN, 'an image digest: sha256:<64 hex>') });
const limit = z.coerce.number().int().min(1).max(500).default(50);
const cursor = z.string().max(2048).optional();

function badCursor(): ProblemError {
  return new ProblemError(400, 'Invalid request', 'query cursor: not a cursor this list returned');
}

/** The image row when the principal may see it; 404 otherwise, whether it exists or not. */
export async function visibleImage(ctx: ConsoleContext, principal: Principal | undefined, digest: string): Promise<ImageTable> {
  const row = await ctx.store.db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
  if (!row || !scopeAllows(principal, { repositories: jsonOr<string[]>(row.repositories, [], isStringList), registry: row.registry })) {
    throw new ProblemError(404, 'Not Found', `no image ${digest}`);
  }
  return row;
}

/** Rows looked at per request at most when filters run outside SQL (scope, repository glob): the rest is the next page's. */
const MAX_SCANNED = 5000;

const LIST_COLUMNS = ['digest', 'registry', 'repositories', 'environment', 'verdict', 'package_count', 'first_seen', 'last_seen', 'evaluated_at', 'advisory_snapshot'] as const;

export const imageRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/images',
    cache: true,
    summary: 'List images, most recently seen first (filters: repository glob, registry, verdict, environment; cursor pages)',
    tag: 'images',
    access: READERS,
    query: z.strictObject({
      repository: z.string().min(1).max(512).optional().describe("glob over 'registry/repo' names, e.g. 'ghcr.io/team-a/*'"),
      registry: z.string().min(1).max(255).optional(),
      verdict: z.enum(['allow', 'warn', 'block']).optional(),
      environment: z.string().min(1).max(64).optional(),
      limit,
      cursor,
    }),
    handler: async ({ query, principal }, ctx) => {
      let glob: RegExp | undefined;
      try {
        glob = query.repository ? compileGlob(query.repository) : undefined;
      } catch (error) {
        throw new ProblemError(400, 'Invalid request', `query repository: ${(error as Error).message}`);
      }
      let after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
      if (query.cursor !== undefined && !after) throw badCursor();
      const filtered = glob !== undefined || principal?.scope !== null;
      const batch = filtered ? Math.max(200, query.limit * 4) : query.limit;
      const items = [];
      let scanned = 0;
      let last: { last_seen: string; digest: string } | undefined;
      let exhausted = false;
      page: while (items.length < query.limit && scanned < MAX_SCANNED) {
        let q = ctx.store.db.selectFrom('images').select([...LIST_COLUMNS]);
        if (query.registry) q = q.where('registry', '=', query.registry);
        if (query.verdict) q = q.where('verdict', '=', query.verdict);
        if (query.environment) q = q.where('environment', '=', query.environment);
        if (after) {
          const [seen, digest] = after as [string, string];
          q = q.where((eb) => eb.or([eb('last_seen', '<', seen), eb.and([eb('last_seen', '=', seen), eb('digest', '<', digest)])]));
        }
        const rows = await q.orderBy('last_seen', 'desc').orderBy('digest', 'desc').limit(batch).execute();
        for (const row of rows) {
          scanned++;
          last = row;
          const item = imageListItem(row);
          if (glob && !item.repositories.some((r) => glob.test(r))) continue;
          if (!scopeAllows(principal, { repositories: item.repositories, registry: item.registry })) continue;
          items.push(item);
          if (items.length === query.limit) {
            exhausted = row === rows[rows.length - 1] && rows.length < batch;
            break page;
          }
        }
        if (rows.length < batch) {
          exhausted = true;
          break;
        }
        after = [last!.last_seen, last!.digest];
      }
      return { body: { items, nextCursor: exhausted || !last ? null : encodeCursor([last.last_seen, last.digest]) } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/images/:digest',
    cache: true,
    summary: 'One image: tags, repositories, labels, first/last seen, package count, findings by severity and its decision',
    tag: 'images',
    access: READERS,
    params: digestParams,
    handler: async ({ params, principal }, ctx) => {
      const row = await visibleImage(ctx, principal, params.digest);
      const [tags, severities, containers] = await Promise.all([
        ctx.store.db.selectFrom('image_tags').selectAll().where('digest', '=', row.digest).orderBy('last_seen', 'desc').orderBy('reference').execute(),
        ctx.store.db
          .selectFrom('findings')
          .select(['kind', 'severity', (eb) => eb.fn.countAll<number>().as('n')])
          .where('digest', '=', row.digest)
          .groupBy(['kind', 'severity'])
          .execute(),
        ctx.store.db
          .selectFrom('containers')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .where('image_digest', '=', row.digest)
          .groupBy('state')
          .execute(),
      ]);
      const findings: Record<string, Record<string, number>> = {};
      for (const s of severities) (findings[s.kind] ??= {})[s.severity] = Number(s.n);
      return {
        body: {
          ...imageListItem(row),
          labels: jsonOr<Record<string, string>>(row.labels, {}, isStringRecord),
          inventoryId: row.inventory_id,
          tags: tags.map((t) => ({ reference: t.reference, repository: t.repository, tag: t.tag, firstSeen: t.first_seen, lastSeen: t.last_seen })),
          findings,
          containers: Object.fromEntries(containers.map((c) => [c.state, Number(c.n)])),
          decision: jsonOr<Decision | null>(row.decision, null, (v) => typeof v === 'object' && v !== null),
        },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/images/:digest/packages',
    summary: "The image's packages with purls and the layers that brought them (paged; filters: ecosystem, name substring)",
    tag: 'images',
    access: READERS,
    params: digestParams,
    query: z.strictObject({ ecosystem: z.string().min(1).max(32).optional(), name: z.string().min(1).max(256).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), cursor }),
    handler: async ({ params, query, principal }, ctx) => {
      await visibleImage(ctx, principal, params.digest);
      const stored = await loadStoredImage(ctx.store, params.digest).catch((error: unknown) => {
        throw new ProblemError(500, 'Stored inventory unreadable', (error as Error).message);
      });
      const start = query.cursor === undefined ? 0 : Number(decodeCursor(query.cursor, 1)?.[0] ?? NaN);
      if (!Number.isInteger(start) || start < 0) throw badCursor();
      const needle = query.name?.toLowerCase();
      const all = stored?.assessment.inventory.packages ?? [];
      const items = [];
      let i = start;
      for (; i < all.length && items.length < query.limit; i++) {
        const p = all[i]!;
        if (query.ecosystem && p.ecosystem !== query.ecosystem) continue;
        if (needle && !p.name.toLowerCase().includes(needle)) continue;
        items.push(p);
      }
      return { body: { items, total: all.length, nextCursor: i < all.length ? encodeCursor([i]) : null } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/images/:digest/findings',
    summary: "The image's current findings: vulnerabilities, secrets, configuration (filters: kind, severity; paged)",
    tag: 'images',
    access: READERS,
    params: digestParams,
    query: z.strictObject({
      kind: z.enum(['vulnerability', 'secret', 'config', 'license']).optional(),
      severity: z.enum(['critical', 'high', 'medium', 'low', 'negligible', 'unknown']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor,
    }),
    handler: async ({ params, query, principal }, ctx) => {
      await visibleImage(ctx, principal, params.digest);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1);
      if (query.cursor !== undefined && !after) throw badCursor();
      let q = ctx.store.db.selectFrom('findings').select(['key', 'document', 'first_seen']).where('digest', '=', params.digest);
      if (query.kind) q = q.where('kind', '=', query.kind);
      if (query.severity) q = q.where('severity', '=', query.severity);
      if (after) q = q.where('key', '>', String(after[0]));
      const rows = await q.orderBy('key').limit(query.limit + 1).execute();
      const more = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      return {
        body: {
          items: page.map((r) => ({ key: r.key, firstSeen: r.first_seen, finding: jsonOr<unknown>(r.document, null, () => true) })),
          nextCursor: more ? encodeCursor([page[page.length - 1]!.key]) : null,
        },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/images/:digest/changes',
    summary: 'What changed for the image and why: new and resolved findings, verdict changes, with their cause (newest first)',
    tag: 'images',
    access: READERS,
    params: digestParams,
    query: z.strictObject({ kind: z.enum(['finding-new', 'finding-resolved', 'verdict']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100), cursor }),
    handler: async ({ params, query, principal }, ctx) => {
      await visibleImage(ctx, principal, params.digest);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
      if (query.cursor !== undefined && !after) throw badCursor();
      let q = ctx.store.db.selectFrom('image_changes').selectAll().where('digest', '=', params.digest);
      if (query.kind) q = q.where('kind', '=', query.kind);
      if (after) {
        const [at, id] = after as [string, string];
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
      }
      const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
      const more = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      const object = (v: unknown): boolean => typeof v === 'object' && v !== null;
      return {
        body: {
          items: page.map((r) => ({ id: r.id, at: r.at, kind: r.kind, detail: jsonOr<unknown>(r.detail, {}, object), cause: jsonOr<unknown>(r.cause, {}, object) })),
          nextCursor: more ? encodeCursor([page[page.length - 1]!.at, page[page.length - 1]!.id]) : null,
        },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/images/:digest/verdict',
    summary: "The image's current verdict and decision for enforcement points (404 when never scanned)",
    tag: 'images',
    access: ['defender', ...READERS],
    params: digestParams,
    handler: async ({ params, principal }, ctx) => {
      const row = await visibleImage(ctx, principal, params.digest);
      const decision = jsonOr<Decision | null>(row.decision, null, (v) => typeof v === 'object' && v !== null);
      if (!row.verdict || !decision || !row.evaluated_at) throw new ProblemError(404, 'Not Found', `image ${params.digest} has not been evaluated yet`);
      const body: ImageVerdict = { digest: row.digest, verdict: row.verdict as ImageVerdict['verdict'], decision, evaluatedAt: row.evaluated_at };
      return { body };
    },
  }),
];
