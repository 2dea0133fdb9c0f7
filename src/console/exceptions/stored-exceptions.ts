/**
 * exceptions: policy exceptions managed in the console instead of in policy
 * files — the same exception documents (id, owner, reason, expires, rules /
 * advisories, images / digests), with who created them, revocation and an
 * expiry report. Live ones are merged into the active policy
 * (policies/effective-policy.ts); every change is audited and re-evaluates
 * the stored images, and so does each exception's expiry.
 */
import { randomBytes } from 'node:crypto';
import { compileException, expiryMs } from '../../policy/exceptions.js';
import { exceptionSchema, type ExceptionSpec } from '../../policy/policy-schema.js';
import type { GlobProblem } from '../../policy/scope.js';
import type { ExceptionTable } from '../../store/schema.js';
import type { ConsoleContext } from '../context.js';
import { activePolicy } from '../policies/active-policy.js';
import { REEVALUATE_POLICY_JOB } from '../reevaluate/reevaluation.js';
import { ProblemError } from '../route.js';

export type ExceptionState = 'active' | 'expired' | 'revoked';

export interface StoredException {
  readonly id: string;
  readonly document: ExceptionSpec;
  readonly owner: string;
  readonly reason: string;
  /** The instant it stops applying (a date-only expiry holds through that day, UTC). */
  readonly expiresAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly state: ExceptionState;
}

export function exceptionOf(row: ExceptionTable, now: Date): StoredException {
  const document = JSON.parse(row.document) as ExceptionSpec;
  return {
    id: row.id,
    document,
    owner: row.owner,
    reason: row.reason,
    expiresAt: row.expires,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    state: row.revoked_at !== null ? 'revoked' : Date.parse(row.expires) <= now.getTime() ? 'expired' : 'active',
  };
}

/** Validates an exception document as a policy file's would be, plus what only the console can check. */
async function validate(ctx: ConsoleContext, input: Readonly<Record<string, unknown>>, id: unknown): Promise<ExceptionSpec> {
  const parsed = exceptionSchema.safeParse({ ...input, id });
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, 20).map((i) => ({ in: 'body', path: i.path.map(String).join('.'), message: i.message }));
    throw new ProblemError(400, 'Invalid exception', errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '), { errors });
  }
  const spec = parsed.data;
  const problems: GlobProblem[] = [];
  compileException(spec, { file: 'console', line: 0 }, problems);
  if (problems.length > 0) {
    throw new ProblemError(400, 'Invalid exception', problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '), { errors: problems.map((p) => ({ in: 'body', path: p.path.join('.'), message: p.message })) });
  }
  if (expiryMs(spec.expires) <= ctx.now().getTime()) throw new ProblemError(400, 'Invalid exception', `expires ${spec.expires} is already past`);
  const active = await activePolicy(ctx);
  const unknown = (spec.rules ?? []).filter((r) => !active.policy.rules.some((rule) => rule.id === r));
  if (unknown.length > 0) throw new ProblemError(400, 'Invalid exception', `the active policy ${active.name}@${active.version} has no rule ${unknown.join(', ')}`);
  if (active.policy.exceptions.some((e) => e.id === spec.id && !active.exceptions.applied.includes(e.id))) {
    throw new ProblemError(409, 'Conflict', `the active policy file already has an exception ${spec.id}`);
  }
  return spec;
}

async function changed(ctx: ConsoleContext, exceptionId: string, expiresAt?: string): Promise<void> {
  const payload = { reason: 'exception-change', exceptionId };
  await ctx.jobs.enqueue(REEVALUATE_POLICY_JOB, payload);
  // Images it waived must be decided again the moment it stops applying.
  if (expiresAt) await ctx.jobs.enqueue(REEVALUATE_POLICY_JOB, { ...payload, expired: true }, { runAfter: new Date(Date.parse(expiresAt) + 1000) });
}

export async function createException(ctx: ConsoleContext, input: Readonly<Record<string, unknown>>, actor: string): Promise<StoredException> {
  // An id that is not a string is the schema's to refuse, never silently replaced.
  const id = input['id'] === undefined ? `console-${randomBytes(4).toString('hex')}` : input['id'];
  const spec = await validate(ctx, input, id);
  const now = ctx.now().toISOString();
  const row: ExceptionTable = {
    id: spec.id,
    document: JSON.stringify(spec),
    owner: spec.owner,
    reason: spec.reason,
    expires: new Date(expiryMs(spec.expires)).toISOString(),
    created_by: actor,
    created_at: now,
    revoked_at: null,
  };
  const existing = await ctx.store.db.selectFrom('exceptions').select('id').where('id', '=', spec.id).executeTakeFirst();
  if (existing) throw new ProblemError(409, 'Conflict', `an exception ${spec.id} exists (revoked ones keep their id); update it or choose another id`);
  try {
    await ctx.store.db.insertInto('exceptions').values(row).execute();
  } catch (error) {
    const again = await ctx.store.db.selectFrom('exceptions').select('id').where('id', '=', spec.id).executeTakeFirst();
    if (again) throw new ProblemError(409, 'Conflict', `an exception ${spec.id} exists`);
    throw error;
  }
  await ctx.audit.append({ actor, action: 'exception.create', target: `exception:${spec.id}`, detail: { document: spec } });
  await changed(ctx, spec.id, row.expires);
  return exceptionOf(row, ctx.now());
}

export async function getException(ctx: ConsoleContext, id: string): Promise<StoredException> {
  const row = await ctx.store.db.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProblemError(404, 'Not found', `no exception ${id}`);
  return exceptionOf(row, ctx.now());
}

/** Replaces an exception's document (owner, reason, expiry, what it covers); revoked ones stay revoked. */
export async function updateException(ctx: ConsoleContext, id: string, input: Readonly<Record<string, unknown>>, actor: string): Promise<StoredException> {
  const before = await getException(ctx, id);
  if (before.state === 'revoked') throw new ProblemError(409, 'Conflict', `exception ${id} was revoked; create a new one`);
  if (input['id'] !== undefined && input['id'] !== id) throw new ProblemError(400, 'Invalid exception', 'the id in the body differs from the id in the path');
  const spec = await validate(ctx, input, id);
  const expires = new Date(expiryMs(spec.expires)).toISOString();
  await ctx.store.db.updateTable('exceptions').set({ document: JSON.stringify(spec), owner: spec.owner, reason: spec.reason, expires }).where('id', '=', id).execute();
  await ctx.audit.append({ actor, action: 'exception.update', target: `exception:${id}`, detail: { before: before.document, after: spec } });
  await changed(ctx, id, expires);
  return getException(ctx, id);
}

export async function revokeException(ctx: ConsoleContext, id: string, input: { reason: string; actor: string }): Promise<StoredException> {
  const before = await getException(ctx, id);
  if (before.state === 'revoked') return before;
  const at = ctx.now().toISOString();
  await ctx.store.db.updateTable('exceptions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  await ctx.audit.append({ actor: input.actor, action: 'exception.revoke', target: `exception:${id}`, detail: { reason: input.reason } });
  await changed(ctx, id);
  return getException(ctx, id);
}

export async function listExceptions(ctx: ConsoleContext, state: ExceptionState | 'all'): Promise<StoredException[]> {
  const now = ctx.now();
  const iso = now.toISOString();
  let q = ctx.store.db.selectFrom('exceptions').selectAll();
  if (state === 'revoked') q = q.where('revoked_at', 'is not', null);
  if (state === 'active') q = q.where('revoked_at', 'is', null).where('expires', '>', iso);
  if (state === 'expired') q = q.where('revoked_at', 'is', null).where('expires', '<=', iso);
  const rows = await q.orderBy('expires').orderBy('id').limit(10_000).execute();
  return rows.map((r) => exceptionOf(r, now));
}

/** Live exceptions that stop applying within `days`, soonest first, and those already expired (not revoked). */
export async function expiryReport(ctx: ConsoleContext, days: number): Promise<{ now: string; until: string; expiring: StoredException[]; expired: StoredException[] }> {
  const now = ctx.now();
  const until = new Date(now.getTime() + days * 86_400_000).toISOString();
  const rows = await ctx.store.db.selectFrom('exceptions').selectAll().where('revoked_at', 'is', null).where('expires', '<=', until)
    .orderBy('expires').orderBy('id').limit(10_000).execute();
  const all = rows.map((r) => exceptionOf(r, now));
  return { now: now.toISOString(), until, expiring: all.filter((e) => e.state === 'active'), expired: all.filter((e) => e.state === 'expired') };
}
