/**
 * Policy sets kept with their whole history: every version is a new row
 * (content, hash, author, reason), never an edit; activating one records who
 * did it and why, appends to the audit log and asks the workers to
 * re-evaluate the stored images under it. A version that does not compile
 * is refused with every problem (file, line, what).
 */
import { randomUUID } from 'node:crypto';
import { PolicyLoadError } from '../../policy/policy-load-error.js';
import type { PolicyVersionTable } from '../../store/schema.js';
import type { ConsoleContext } from '../context.js';
import { ProblemError } from '../route.js';
import { REEVALUATE_POLICY_JOB } from '../reevaluate/reevaluation.js';
import { compileCached, sha256Hex } from './active-policy.js';

export interface PolicyVersionSummary {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly author: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly active: boolean;
}

export interface PolicyVersionDetail extends PolicyVersionSummary {
  readonly content: string;
}

export function summaryOf(row: PolicyVersionTable): PolicyVersionSummary {
  return {
    name: row.name,
    version: row.version,
    hash: row.hash,
    author: row.author,
    reason: row.reason,
    createdAt: row.created_at,
    active: row.active === 1,
  };
}

/** Compiles a candidate policy; a 400 problem listing every problem when it does not. */
export function compileCandidate(name: string, content: string) {
  try {
    return compileCached(name, content);
  } catch (error) {
    if (error instanceof PolicyLoadError) {
      throw new ProblemError(400, 'Invalid policy', error.message, { problems: error.problems.map((p) => ({ file: p.file, line: p.line, message: p.message })) });
    }
    throw error;
  }
}

export async function listPolicyNames(ctx: ConsoleContext): Promise<{ name: string; versions: number; latest: number; activeVersion: number | null }[]> {
  const rows = await ctx.store.db.selectFrom('policy_versions').select(['name', 'version', 'active']).orderBy('name').orderBy('version').execute();
  const byName = new Map<string, { name: string; versions: number; latest: number; activeVersion: number | null }>();
  for (const r of rows) {
    const entry = byName.get(r.name) ?? { name: r.name, versions: 0, latest: 0, activeVersion: null };
    entry.versions++;
    entry.latest = Math.max(entry.latest, r.version);
    if (r.active === 1) entry.activeVersion = r.version;
    byName.set(r.name, entry);
  }
  return [...byName.values()];
}

export async function listPolicyVersions(ctx: ConsoleContext, name: string): Promise<PolicyVersionSummary[]> {
  const rows = await ctx.store.db.selectFrom('policy_versions').selectAll().where('name', '=', name).orderBy('version', 'desc').execute();
  return rows.map(summaryOf);
}

export async function getPolicyVersion(ctx: ConsoleContext, name: string, version: number): Promise<PolicyVersionDetail> {
  const row = await ctx.store.db.selectFrom('policy_versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
  if (!row) throw new ProblemError(404, 'Not found', `policy ${name} has no version ${version}`);
  return { ...summaryOf(row), content: row.content };
}

export interface NewPolicyVersion {
  readonly name: string;
  readonly content: string;
  readonly reason: string;
  /** The audit actor ('user:alice'). */
  readonly author: string;
  readonly activate?: boolean;
}

/** Stores a new version (number = latest + 1); optionally activates it in the same step. */
export async function createPolicyVersion(ctx: ConsoleContext, input: NewPolicyVersion): Promise<PolicyVersionDetail> {
  compileCandidate(input.name, input.content);
  const hash = sha256Hex(input.content);
  const at = ctx.now().toISOString();
  let row: PolicyVersionTable | undefined;
  // Two authors saving at once race for the same number; the unique (name, version) constraint makes one retry.
  for (let attempt = 0; attempt < 20 && !row; attempt++) {
    const latest = await ctx.store.db.selectFrom('policy_versions').select((eb) => eb.fn.max('version').as('v')).where('name', '=', input.name).executeTakeFirst();
    const candidate: PolicyVersionTable = {
      id: randomUUID(),
      name: input.name,
      version: Number(latest?.v ?? 0) + 1,
      content: input.content,
      hash,
      author: input.author,
      reason: input.reason,
      created_at: at,
      active: 0,
    };
    try {
      await ctx.store.db.insertInto('policy_versions').values(candidate).execute();
      row = candidate;
    } catch (error) {
      if (attempt === 19) throw error;
      // Someone else took this number: back off a little, read the latest again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    }
  }
  const created = row as PolicyVersionTable;
  await ctx.audit.append({ actor: input.author, action: 'policy.version.create', target: `policy:${created.name}`, detail: { version: created.version, hash, reason: input.reason } });
  if (input.activate) return activatePolicyVersion(ctx, { name: created.name, version: created.version, reason: input.reason, actor: input.author });
  return { ...summaryOf(created), content: created.content };
}

export interface Activation {
  readonly name: string;
  readonly version: number;
  readonly reason: string;
  readonly actor: string;
}

/** Makes one version the active policy; the previous active version stops being active. */
export async function activatePolicyVersion(ctx: ConsoleContext, input: Activation, action = 'policy.activate'): Promise<PolicyVersionDetail> {
  const at = ctx.now().toISOString();
  const target = await ctx.store.db.selectFrom('policy_versions').selectAll().where('name', '=', input.name).where('version', '=', input.version).executeTakeFirst();
  if (!target) throw new ProblemError(404, 'Not found', `policy ${input.name} has no version ${input.version}`);
  // A version stored before a rule kind changed could have stopped compiling: never activate what cannot be evaluated.
  compileCandidate(target.name, target.content);
  let previous: { name: string; version: number } | undefined;
  await ctx.store.db.transaction().execute(async (trx) => {
    // The state row serializes concurrent activations (a row lock on PostgreSQL), so exactly one version ends active.
    const lock = JSON.stringify({ name: input.name, version: input.version, at });
    await trx.insertInto('state').values({ key: 'policy.active', value: lock, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: lock, updated_at: at })).execute();
    previous = await trx.selectFrom('policy_versions').select(['name', 'version']).where('active', '=', 1).executeTakeFirst();
    await trx.updateTable('policy_versions').set({ active: 0 }).where('active', '=', 1).execute();
    await trx.updateTable('policy_versions').set({ active: 1 }).where('id', '=', target.id).execute();
    await trx.insertInto('policy_activations').values({ id: randomUUID(), name: target.name, version: target.version, actor: input.actor, reason: input.reason, at }).execute();
  });
  const policyVersion = `${target.name}@${target.version}`;
  await ctx.audit.append({
    actor: input.actor,
    action,
    target: `policy:${target.name}`,
    detail: { version: target.version, hash: target.hash, reason: input.reason, ...(previous ? { previous: `${previous.name}@${previous.version}` } : {}) },
  });
  await ctx.jobs.enqueue(REEVALUATE_POLICY_JOB, { reason: 'policy-change', policyVersion });
  await ctx.events.publish([{ type: 'policy.changed', at, summary: `policy ${policyVersion} activated by ${input.actor}: ${input.reason}`, detail: { name: target.name, version: target.version, hash: target.hash, actor: input.actor, reason: input.reason } }]);
  return { ...summaryOf({ ...target, active: 1 }), content: target.content };
}

/** Activates the version that was active before the current one. */
export async function rollbackPolicy(ctx: ConsoleContext, input: { reason: string; actor: string }): Promise<PolicyVersionDetail> {
  const history = await ctx.store.db.selectFrom('policy_activations').select(['name', 'version']).orderBy('at', 'desc').orderBy('id').limit(200).execute();
  const current = await ctx.store.db.selectFrom('policy_versions').select(['name', 'version']).where('active', '=', 1).executeTakeFirst();
  if (!current) throw new ProblemError(409, 'Nothing to roll back', 'no policy version is active (the built-in default policy is in use)');
  const before = history.find((h) => h.name !== current.name || h.version !== current.version);
  if (!before) throw new ProblemError(409, 'Nothing to roll back', `no version was active before ${current.name}@${current.version}`);
  return activatePolicyVersion(ctx, { name: before.name, version: before.version, reason: input.reason, actor: input.actor }, 'policy.rollback');
}
