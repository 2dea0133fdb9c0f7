/**
 * health: what keeps the console from telling the truth about risk, found
 * before anyone asks. Stale or missing advisory data (findings silently stop
 * including new vulnerabilities), a failed advisory update, image scans that
 * found zero packages (almost always a failed inventory somewhere else, not
 * an empty image), and re-evaluation work that is piling up or failing.
 * Each problem has a stable id, so the monitor publishes it once as a
 * 'health.problem' event and again only after it cleared and came back.
 */
import type { ConsoleContext } from '../context.js';
import { advisoryDataStatus } from '../advisory-data/advisory-data-status.js';
import { pendingRuns, runHistory } from '../reevaluate/reevaluation-run.js';

export interface HealthProblem {
  /** Stable: 'advisory-data-stale', 'zero-packages:sha256:…', … */
  readonly id: string;
  readonly kind: 'advisory-data-missing' | 'advisory-data-unreadable' | 'advisory-data-stale' | 'advisory-update-failed' | 'zero-packages' | 'reevaluation-backlog' | 'reevaluation-failures';
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  readonly summary: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Image targets: an inventory of one with zero packages means the scan saw no package database. */
const IMAGE_TARGETS = new Set(['docker-archive', 'oci-archive', 'oci', 'docker', 'registry']);
/** A run older than this that has not finished is a backlog. */
const BACKLOG_MINUTES = 15;
const MAX_LISTED = 100;

async function advisoryProblems(ctx: ConsoleContext): Promise<HealthProblem[]> {
  const status = await advisoryDataStatus(ctx);
  const out: HealthProblem[] = [];
  if (!status.present) {
    out.push({
      id: 'advisory-data-missing',
      kind: 'advisory-data-missing',
      severity: 'critical',
      summary: 'no advisory data: vulnerabilities are not matched (configure advisoryUpdate.intervalMinutes or upload a bundle)',
      detail: { path: 'advisoryDatabase' },
    });
  } else if (status.error) {
    out.push({ id: 'advisory-data-unreadable', kind: 'advisory-data-unreadable', severity: 'critical', summary: `the advisory database cannot be read: ${status.error}`, detail: {} });
  } else if (status.stale) {
    out.push({
      id: 'advisory-data-stale',
      kind: 'advisory-data-stale',
      severity: 'high',
      summary: status.ageHours === undefined
        ? 'the advisory database holds no feed data'
        : `advisory data is ${status.ageHours} h old (stale after ${status.staleAfterHours} h): new vulnerabilities are not being found`,
      detail: { ...(status.updatedAt ? { updatedAt: status.updatedAt } : {}), ...(status.ageHours !== undefined ? { ageHours: status.ageHours } : {}), staleAfterHours: status.staleAfterHours, snapshot: status.snapshot ?? null },
    });
  }
  if (status.lastUpdate && !status.lastUpdate.ok) {
    out.push({
      id: 'advisory-update-failed',
      kind: 'advisory-update-failed',
      severity: 'medium',
      summary: `the last advisory update (${status.lastUpdate.at}) failed: ${status.lastUpdate.error ?? 'unknown error'}`,
      detail: { at: status.lastUpdate.at, trigger: status.lastUpdate.trigger, error: status.lastUpdate.error ?? null },
    });
  }
  return out;
}

async function zeroPackageProblems(ctx: ConsoleContext): Promise<HealthProblem[]> {
  const rows = await ctx.store.db
    .selectFrom('images')
    .innerJoin('inventories', 'inventories.id', 'images.inventory_id')
    .select(['images.digest', 'images.repositories', 'images.last_seen', 'images.inventory_id', 'inventories.document'])
    .where('images.package_count', '=', 0)
    .orderBy('images.last_seen', 'desc')
    .limit(MAX_LISTED)
    .execute();
  const out: HealthProblem[] = [];
  for (const r of rows) {
    let target: { kind?: unknown; reference?: unknown } = {};
    let repositories: unknown = [];
    try {
      // An inventory without packages is small; only its target is read.
      target = ((JSON.parse(r.document) as { inventory?: { target?: typeof target } }).inventory?.target) ?? {};
      repositories = JSON.parse(r.repositories);
    } catch {
      target = {};
    }
    if (typeof target.kind !== 'string' || !IMAGE_TARGETS.has(target.kind)) continue;
    const name = Array.isArray(repositories) && typeof repositories[0] === 'string' ? repositories[0] : r.digest;
    out.push({
      id: `zero-packages:${r.digest}`,
      kind: 'zero-packages',
      severity: 'high',
      summary: `the scan of ${name} found zero packages: the inventory most likely failed (unsupported layout, unreadable package database)`,
      detail: { digest: r.digest, inventoryId: r.inventory_id, target: { kind: target.kind, reference: typeof target.reference === 'string' ? target.reference : null }, lastSeen: r.last_seen },
    });
  }
  return out;
}

async function reevaluationProblems(ctx: ConsoleContext): Promise<HealthProblem[]> {
  const now = ctx.now();
  const [runs, history] = await Promise.all([pendingRuns(ctx.store.db), runHistory(ctx.store.db)]);
  const out: HealthProblem[] = [];
  const old = runs.filter(({ run }) => now.getTime() - Date.parse(run.createdAt) > BACKLOG_MINUTES * 60_000);
  if (old.length > 0) {
    const images = runs.reduce((n, { run }) => n + run.total - run.done, 0);
    const oldest = old[0]?.run;
    out.push({
      id: 'reevaluation-backlog',
      kind: 'reevaluation-backlog',
      severity: 'high',
      summary: `${runs.length} re-evaluation run${runs.length === 1 ? '' : 's'} pending with ${images} image${images === 1 ? '' : 's'} left, the oldest since ${oldest?.createdAt}: decisions lag behind the advisory data and policy (are workers running?)`,
      detail: { runs: runs.length, images, oldest: oldest ? { id: oldest.id, createdAt: oldest.createdAt, done: oldest.done, total: oldest.total, owner: oldest.owner, leaseUntil: oldest.leaseUntil } : null },
    });
  }
  const failed = history.slice(0, 10).filter((h) => h.changed.failed > 0);
  if (failed[0]) {
    out.push({
      id: `reevaluation-failures:${failed[0].id}`,
      kind: 'reevaluation-failures',
      severity: 'medium',
      summary: `${failed[0].changed.failed} image${failed[0].changed.failed === 1 ? '' : 's'} could not be re-evaluated in the run of ${failed[0].finishedAt} (see the server log)`,
      detail: { run: failed[0].id, failed: failed[0].changed.failed, finishedAt: failed[0].finishedAt },
    });
  }
  return out;
}

/** Every current health problem, most severe first. */
export async function healthProblems(ctx: ConsoleContext): Promise<HealthProblem[]> {
  const lists = await Promise.all([advisoryProblems(ctx), zeroPackageProblems(ctx), reevaluationProblems(ctx)]);
  const rank = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  return lists.flat().sort((a, b) => rank[a.severity] - rank[b.severity] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
