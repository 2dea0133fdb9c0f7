/**
 * Vulnerabilities across the inventory: "where is CVE-X?" (the impact of
 * one vulnerability, by id or any alias) and a summary list of every
 * vulnerability found, filterable by severity and KEV. Both only count what
 * the caller's collections admit.
 */
import { z } from 'zod';
import { SEVERITY_LEVELS } from '../../domain/severity.js';
import { vulnerabilityImpact } from '../advisory-data/vulnerability-impact.js';
import { scopeAllows } from '../auth/scope-allows.js';
import { route } from '../route.js';

const readers = ['secops', 'auditor', 'developer'] as const;
const IN_CHUNK = 500;

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

interface Row {
  id: string;
  severity: string;
  images: number;
  kev: number;
}

export const vulnerabilityRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/vulnerabilities/:id/impact',
    summary: 'Where is this vulnerability? Images, tags, registries, running containers, hosts, clusters, environments and their decisions',
    tag: 'vulnerabilities',
    access: readers,
    params: z.strictObject({ id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, 'an advisory id such as CVE-2014-0160 or GHSA-p6mc-m468-83gw') }),
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(10_000).default(500) }),
    handler: async ({ params, query, principal }, ctx) => ({ body: await vulnerabilityImpact(ctx, principal, params.id, query.limit) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/vulnerabilities',
    summary: 'Every vulnerability found in the inventory with the number of images carrying it, most widespread first',
    tag: 'vulnerabilities',
    access: readers,
    query: z.strictObject({
      severity: z.enum(SEVERITY_LEVELS).optional(),
      kev: flag.optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(200),
    }),
    handler: async ({ query, principal }, ctx) => {
      const { db } = ctx.store;
      const base = () => {
        let q = db
          .selectFrom('findings')
          .select((eb) => [
            'finding_id as id',
            'severity',
            eb.fn.count<number>('digest').distinct().as('images'),
            // KEV listing lives in the finding document; `"kev":{` cannot occur inside an escaped JSON string.
            eb.fn.max(eb.case().when('document', 'like', '%"kev":{%').then(1).else(0).end()).as('kev'),
          ])
          .where('kind', '=', 'vulnerability')
          .groupBy(['finding_id', 'severity']);
        if (query.severity) q = q.where('severity', '=', query.severity);
        if (query.kev !== undefined) q = q.where('document', query.kev ? 'like' : 'not like', '%"kev":{%');
        return q;
      };
      let rows: Row[];
      if (principal?.scope === null) {
        rows = (await base().execute()) as Row[];
      } else {
        // A scoped caller counts only the images its collections admit: per chunk of those images, then summed.
        const images = await db.selectFrom('images').select(['digest', 'registry', 'repositories']).execute();
        const allowed = images.filter((i) => {
          let repositories: string[] = [];
          try {
            const v: unknown = JSON.parse(i.repositories);
            if (Array.isArray(v)) repositories = v.filter((x): x is string => typeof x === 'string');
          } catch {
            repositories = [];
          }
          return scopeAllows(principal, { repositories, registry: i.registry });
        }).map((i) => i.digest);
        const merged = new Map<string, Row>();
        for (let i = 0; i < allowed.length; i += IN_CHUNK) {
          for (const r of (await base().where('digest', 'in', allowed.slice(i, i + IN_CHUNK)).execute()) as Row[]) {
            const key = `${r.id}\0${r.severity}`;
            const prev = merged.get(key);
            merged.set(key, prev ? { ...prev, images: Number(prev.images) + Number(r.images), kev: Math.max(Number(prev.kev), Number(r.kev)) } : r);
          }
        }
        rows = [...merged.values()];
      }
      const rank = (s: string) => SEVERITY_LEVELS.indexOf(s as (typeof SEVERITY_LEVELS)[number]);
      const items = rows
        .map((r) => ({ id: r.id, severity: r.severity, images: Number(r.images), kev: Number(r.kev) === 1 }))
        .sort((a, b) => b.images - a.images || rank(a.severity) - rank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { body: { items: items.slice(0, query.limit), total: items.length } };
    },
  }),
];
