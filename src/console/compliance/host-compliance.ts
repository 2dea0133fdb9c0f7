/**
 * Host hardening across the fleet: each defender runs the CIS Docker
 * Benchmark audit of its host (host/) on a schedule and reports the results
 * here. The console keeps every audit, a per-host compliance score (passed
 * over decided scored checks) and the drift since the previous audit — a
 * check that passed and now fails — which is audited and published as a
 * `host.drift` event for alert rules.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { summarizeHostAudit } from '../../host/index.js';
import { scopeAllows } from '../auth/scope-allows.js';
import type { ConsoleContext } from '../context.js';
import { fleetIdSchema } from '../fleet/fleet-report.js';
import type { Principal } from '../principal.js';
import { ProblemError } from '../route.js';

const STATUSES = ['pass', 'fail', 'warn', 'info', 'manual', 'not-applicable'] as const;
const text = (max: number) => z.string().max(max);

/** What a defender uploads: the `bulkhead host audit --format json` document (other fields are dropped), bounded. */
export const hostAuditUploadSchema = z.object({
  benchmark: text(200).min(1),
  startedAt: z.iso.datetime({ offset: true }),
  results: z
    .array(
      z.object({
        id: text(32).regex(/^\d+(\.\d+)*$/, 'a CIS check id such as 2.1 or 5.10'),
        section: text(200),
        title: text(1000),
        level: z.union([z.literal(1), z.literal(2)]),
        scored: z.boolean(),
        status: z.enum(STATUSES),
        reason: text(4000).optional(),
        evidence: z.array(z.record(z.string().max(64), z.unknown())).max(200),
        remediation: text(4000),
      }),
    )
    .min(1)
    .max(1000),
});
export type HostAuditUpload = z.infer<typeof hostAuditUploadSchema>;

export interface DriftedCheck {
  readonly id: string;
  readonly title: string;
  readonly from: 'pass';
  readonly to: 'fail';
}

export interface RecordedHostAudit {
  readonly id: string;
  readonly at: string;
  /** 0–100, or null when no scored check was decided. */
  readonly score: number | null;
  readonly drift: readonly DriftedCheck[];
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export async function recordHostAudit(ctx: ConsoleContext, hostId: string, upload: HostAuditUpload, actor: string): Promise<RecordedHostAudit> {
  const host = fleetIdSchema.parse(hostId);
  const at = ctx.now().toISOString();
  const summary = summarizeHostAudit(upload.results);
  const previous = await ctx.store.db.selectFrom('host_audits').select('results').where('host_id', '=', host).orderBy('at', 'desc').limit(1).executeTakeFirst();
  const before = new Map(parseJson<{ id: string; status: string }[]>(previous?.results ?? '[]', []).map((r) => [r.id, r.status]));
  const drift: DriftedCheck[] = upload.results.filter((r) => r.status === 'fail' && before.get(r.id) === 'pass').map((r) => ({ id: r.id, title: r.title, from: 'pass', to: 'fail' }));
  const id = randomUUID();
  await ctx.store.db.transaction().execute(async (trx) => {
    // A host may audit before its first container report: it exists from now on either way.
    const known = await trx.selectFrom('hosts').select('id').where('id', '=', host).executeTakeFirst();
    if (known) await trx.updateTable('hosts').set({ last_seen: at }).where('id', '=', host).execute();
    else await trx.insertInto('hosts').values({ id: host, name: host, environment: null, labels: '{}', info: '{}', first_seen: at, last_seen: at }).execute();
    await trx
      .insertInto('host_audits')
      .values({
        id,
        host_id: host,
        at,
        benchmark: upload.benchmark,
        score_tenths: summary.score === undefined ? null : Math.round(summary.score * 10),
        counts: JSON.stringify(summary.counts),
        results: JSON.stringify(upload.results),
        drift: JSON.stringify(drift),
      })
      .execute();
  });
  const score = summary.score ?? null;
  await ctx.audit.append({ actor, action: 'host.audit', target: `host:${host}`, detail: { benchmark: upload.benchmark, score, counts: summary.counts, drift: drift.map((d) => d.id) } });
  if (drift.length > 0) {
    await ctx.events.publish([
      {
        type: 'host.drift',
        severity: 'high',
        at,
        summary: `${host}: ${drift.length} hardening check(s) passed before and fail now: ${drift.map((d) => `${d.id} ${d.title}`).join('; ')}`,
        detail: { host, score, checks: drift },
      },
    ]);
  }
  return { id, at, score, drift };
}

export interface HostComplianceView {
  readonly host: string;
  readonly latest: (RecordedHostAudit & { readonly benchmark: string; readonly counts: Record<string, number>; readonly results: HostAuditUpload['results'] }) | null;
  /** Newest first. */
  readonly history: readonly { readonly at: string; readonly score: number | null; readonly drift: readonly string[] }[];
}

export async function hostCompliance(ctx: ConsoleContext, principal: Principal | undefined, hostId: string, historyLimit: number): Promise<HostComplianceView> {
  // Outside the caller's collections a host does not exist for them.
  if (!scopeAllows(principal, { host: hostId })) throw new ProblemError(404, 'Not found', `no host ${hostId}`);
  const rows = await ctx.store.db.selectFrom('host_audits').selectAll().where('host_id', '=', hostId).orderBy('at', 'desc').limit(historyLimit).execute();
  if (rows.length === 0) {
    const known = await ctx.store.db.selectFrom('hosts').select('id').where('id', '=', hostId).executeTakeFirst();
    if (!known) throw new ProblemError(404, 'Not found', `no host ${hostId}`);
  }
  const score = (tenths: number | null): number | null => (tenths === null ? null : tenths / 10);
  const [first] = rows;
  return {
    host: hostId,
    latest: first
      ? {
          id: first.id,
          at: first.at,
          benchmark: first.benchmark,
          score: score(first.score_tenths),
          counts: parseJson<Record<string, number>>(first.counts, {}),
          results: parseJson<HostAuditUpload['results']>(first.results, []),
          drift: parseJson<DriftedCheck[]>(first.drift, []),
        }
      : null,
    history: rows.map((r) => ({ at: r.at, score: score(r.score_tenths), drift: parseJson<DriftedCheck[]>(r.drift, []).map((d) => d.id) })),
  };
}

/** Every host's latest score, lowest first: where hardening needs work. */
export async function complianceOverview(ctx: ConsoleContext, principal: Principal | undefined): Promise<{ host: string; at: string; score: number | null; drift: number }[]> {
  const latest = ctx.store.db.selectFrom('host_audits').select(['host_id']).select((eb) => eb.fn.max('at').as('at')).groupBy('host_id').as('latest');
  const rows = await ctx.store.db
    .selectFrom('host_audits')
    .innerJoin(latest, (j) => j.onRef('latest.host_id', '=', 'host_audits.host_id').onRef('latest.at', '=', 'host_audits.at'))
    .select(['host_audits.host_id', 'host_audits.at', 'host_audits.score_tenths', 'host_audits.drift'])
    .execute();
  return rows
    .filter((r) => scopeAllows(principal, { host: r.host_id }))
    .map((r) => ({ host: r.host_id, at: r.at, score: r.score_tenths === null ? null : r.score_tenths / 10, drift: parseJson<unknown[]>(r.drift, []).length }))
    .sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || (a.host < b.host ? -1 : 1));
}
