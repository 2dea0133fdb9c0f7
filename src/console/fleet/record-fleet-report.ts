/**
 * Stores a host's or cluster's report: upserts the host (or cluster) and
 * every container it runs now, and marks the containers it reported before
 * but not now as 'gone' (they keep their last_seen: when they were last
 * seen running). Container ids are prefixed with the owner's id, so two
 * hosts never overwrite each other's containers.
 */
import type { ReportedContainer } from '../../domain/enforcement.js';
import type { ConsoleContext } from '../context.js';
import type { ClusterReport } from './fleet-report.js';
import type { HostReport } from '../../domain/enforcement.js';

const CHUNK = 500;

export interface FleetReportResult {
  readonly containers: number;
  readonly gone: number;
}

export type FleetReport = { readonly kind: 'host'; readonly id: string; readonly report: HostReport } | { readonly kind: 'cluster'; readonly id: string; readonly report: ClusterReport };

export async function recordFleetReport(ctx: ConsoleContext, input: FleetReport): Promise<FleetReportResult> {
  const now = ctx.now().toISOString();
  const { id, report } = input;
  const owner = input.kind === 'host' ? 'host_id' : 'cluster_id';
  // The last report of one container id wins, as the host itself would say.
  const byId = new Map<string, ReportedContainer>();
  for (const c of report.containers) byId.set(`${id}/${c.id}`, c);
  return ctx.store.db.transaction().execute(async (trx) => {
    if (input.kind === 'host') {
      const values = {
        name: report.name,
        environment: report.environment ?? null,
        labels: JSON.stringify(input.report.labels ?? {}),
        info: JSON.stringify(report.info ?? {}),
        last_seen: now,
      };
      await trx.insertInto('hosts').values({ id, ...values, first_seen: now }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
    } else {
      const values = { name: report.name, environment: report.environment ?? null, info: JSON.stringify(report.info ?? {}), last_seen: now };
      await trx.insertInto('clusters').values({ id, ...values, first_seen: now }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
    }
    const rows = [...byId].map(([key, c]) => ({
      id: key,
      host_id: input.kind === 'host' ? id : null,
      cluster_id: input.kind === 'cluster' ? id : null,
      namespace: c.namespace ?? null,
      name: c.name,
      image_reference: c.imageReference,
      image_digest: c.imageDigest ?? null,
      state: c.state,
      started_at: c.startedAt ?? null,
      last_seen: now,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('containers')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            namespace: eb.ref('excluded.namespace'),
            name: eb.ref('excluded.name'),
            image_reference: eb.ref('excluded.image_reference'),
            image_digest: eb.ref('excluded.image_digest'),
            state: eb.ref('excluded.state'),
            started_at: eb.ref('excluded.started_at'),
            last_seen: eb.ref('excluded.last_seen'),
          })),
        )
        .execute();
    }
    const known = await trx.selectFrom('containers').select('id').where(owner, '=', id).where('state', '!=', 'gone').execute();
    const gone = known.map((r) => r.id).filter((k) => !byId.has(k));
    for (let i = 0; i < gone.length; i += CHUNK) {
      await trx.updateTable('containers').set({ state: 'gone' }).where('id', 'in', gone.slice(i, i + CHUNK)).execute();
    }
    return { containers: rows.length, gone: gone.length };
  });
}
