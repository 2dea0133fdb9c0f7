/**
 * Containers as the fleet API shows them: each with its image's current
 * verdict (a left join on images by digest; null when the console never
 * scanned that image), filtered to what a principal's collections admit —
 * by the host or cluster name, the namespace, or the image's repositories.
 */
import { scopeAllows } from '../auth/scope-allows.js';
import type { ConsoleContext } from '../context.js';
import { isStringList, jsonOr } from '../inventory/image-views.js';
import type { Principal } from '../principal.js';

export interface ContainerView {
  readonly id: string;
  readonly hostId: string | null;
  readonly clusterId: string | null;
  readonly namespace: string | null;
  readonly name: string;
  readonly imageReference: string;
  readonly imageDigest: string | null;
  readonly state: string;
  readonly startedAt: string | null;
  readonly lastSeen: string;
  /** The image's verdict in the console; null when it was never scanned. */
  readonly verdict: string | null;
}

export interface ContainerFilter {
  readonly hostId?: string;
  readonly clusterId?: string;
  readonly state?: string;
  readonly imageDigest?: string;
  readonly verdict?: string;
  /** Only containers with an id after this one (pages). */
  readonly after?: string;
  readonly limit: number;
}

/** One page of containers the principal may see; `last` is the last row looked at (the next page's cursor). */
export async function listContainers(ctx: ConsoleContext, principal: Principal | undefined, filter: ContainerFilter): Promise<{ items: ContainerView[]; last?: string; more: boolean }> {
  const scoped = principal?.scope !== null;
  const batch = scoped ? Math.max(200, filter.limit * 4) : filter.limit + 1;
  const items: ContainerView[] = [];
  let after = filter.after;
  let scanned = 0;
  for (;;) {
    let q = ctx.store.db
      .selectFrom('containers as c')
      .leftJoin('images as i', 'i.digest', 'c.image_digest')
      .leftJoin('hosts as h', 'h.id', 'c.host_id')
      .leftJoin('clusters as k', 'k.id', 'c.cluster_id')
      .select(['c.id', 'c.host_id', 'c.cluster_id', 'c.namespace', 'c.name', 'c.image_reference', 'c.image_digest', 'c.state', 'c.started_at', 'c.last_seen', 'i.verdict', 'i.repositories', 'h.name as host_name', 'k.name as cluster_name']);
    if (filter.hostId) q = q.where('c.host_id', '=', filter.hostId);
    if (filter.clusterId) q = q.where('c.cluster_id', '=', filter.clusterId);
    if (filter.state) q = q.where('c.state', '=', filter.state);
    if (filter.imageDigest) q = q.where('c.image_digest', '=', filter.imageDigest);
    if (filter.verdict) q = q.where('i.verdict', '=', filter.verdict);
    if (after !== undefined) q = q.where('c.id', '>', after);
    const rows = await q.orderBy('c.id').limit(batch).execute();
    for (const r of rows) {
      scanned++;
      if (!scoped && items.length === filter.limit) return { items, last: items[items.length - 1]?.id ?? after, more: true };
      after = r.id;
      const object = { repositories: jsonOr<string[]>(r.repositories, [], isStringList), host: r.host_name ?? r.cluster_name, namespace: r.namespace };
      if (!scopeAllows(principal, object)) continue;
      items.push({
        id: r.id,
        hostId: r.host_id,
        clusterId: r.cluster_id,
        namespace: r.namespace,
        name: r.name,
        imageReference: r.image_reference,
        imageDigest: r.image_digest,
        state: r.state,
        startedAt: r.started_at,
        lastSeen: r.last_seen,
        verdict: r.verdict ?? null,
      });
      if (scoped && items.length === filter.limit) return { items, last: r.id, more: true };
    }
    if (rows.length < batch) return { items, more: false };
    // Scoped principals: rows are filtered here, so look further, but not without bound.
    if (scanned >= 5000) return { items, ...(after !== undefined ? { last: after } : {}), more: true };
  }
}
