/**
 * policies: central policy sets with their version history. activePolicy()
 * is what everything that evaluates in the console calls: the active stored
 * version (or the built-in policies/default.yaml when none is stored) with
 * the console's live exceptions merged in (effective-policy.ts), compiled
 * once per distinct text and cached by its hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BUILT_IN_POLICY_PATH } from '../../policy/built-in-policy.js';
import { compilePolicy } from '../../policy/compile-policy.js';
import type { PolicySet } from '../../policy/policy-set.js';
import type { ConsoleContext } from '../context.js';
import { liveExceptions } from '../exceptions/live-exceptions.js';
import type { ExceptionSpec } from '../../policy/policy-schema.js';
import { effectivePolicyText, type EffectivePolicyText, type SkippedException } from './effective-policy.js';


export interface ActivePolicy {
  readonly policy: PolicySet;
  /** The policy set's name in the console (the version's name; the file's `name` for the built-in one). */
  readonly name: string;
  /** The stored version number; 0 for the built-in default. */
  readonly version: number;
  /** sha256 hex of `text`: the ETag enforcement points send back. */
  readonly hash: string;
  /** The YAML served to enforcement points: the version's content plus the live stored exceptions. */
  readonly text: string;
  readonly source: 'stored' | 'built-in';
  readonly exceptions: { readonly applied: readonly string[]; readonly skipped: readonly SkippedException[] };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The file name the served text is compiled under, here and by the defender
 * and the admission webhook (console-policy.yaml): the policy hash covers the
 * file's name, so the same name makes every decision's basis.policyHash agree.
 */
const SERVED_FILE = 'console-policy';

const CACHE_LIMIT = 16;
const compiled = new Map<string, PolicySet>();
let builtIn: { text: string; name: string } | undefined;

/** Compiles a policy text once per hash; the most recently used stay cached. */
export function compileCached(name: string, text: string, hash = sha256Hex(text)): PolicySet {
  const key = `${name}\0${hash}`;
  const hit = compiled.get(key);
  if (hit) {
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  const policy = compilePolicy([{ file: `${name}.yaml`, text }]);
  compiled.set(key, policy);
  if (compiled.size > CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  return policy;
}

function builtInPolicy(): { text: string; name: string } {
  if (!builtIn) {
    const text = readFileSync(BUILT_IN_POLICY_PATH, 'utf8');
    builtIn = { text, name: compileCached(SERVED_FILE, text).name };
  }
  return builtIn;
}

let lastMerge: { key: string; result: EffectivePolicyText } | undefined;

/** The merge re-parses the YAML; every evaluation asks for it, but it changes only with the version or the exceptions. */
function mergedCached(text: string, base: PolicySet, stored: readonly ExceptionSpec[]): EffectivePolicyText {
  if (stored.length === 0) return { text, applied: [], skipped: [] };
  const key = `${base.hash}\0${JSON.stringify(stored)}`;
  if (lastMerge?.key !== key) lastMerge = { key, result: effectivePolicyText(text, base, stored) };
  return lastMerge.result;
}

/** The stored version marked active, if any. */
export async function activeVersionRow(ctx: Pick<ConsoleContext, 'store'>) {
  return ctx.store.db.selectFrom('policy_versions').selectAll().where('active', '=', 1).orderBy('created_at', 'desc').executeTakeFirst();
}

export async function activePolicy(ctx: Pick<ConsoleContext, 'store' | 'now' | 'log'>): Promise<ActivePolicy> {
  const [row, stored] = await Promise.all([activeVersionRow(ctx), liveExceptions(ctx.store, ctx.now(), ctx.log)]);
  const base = row ? { name: row.name, version: row.version, text: row.content, source: 'stored' as const } : { ...builtInPolicy(), version: 0, source: 'built-in' as const };
  const basePolicy = compileCached(SERVED_FILE, base.text);
  let merged = mergedCached(base.text, basePolicy, stored);
  let policy = basePolicy;
  if (merged.text !== base.text) {
    try {
      policy = compileCached(SERVED_FILE, merged.text);
    } catch (error) {
      // Stored exceptions are validated when written; should one still break the policy, evaluate without them (stricter, never looser).
      ctx.log.error({ err: error }, 'the stored exceptions do not compile with the active policy; evaluating without them');
      merged = { text: base.text, applied: [], skipped: stored.map((s) => ({ id: s.id, why: 'the merged policy did not compile' })) };
    }
  }
  const hash = sha256Hex(merged.text);
  return {
    policy,
    name: base.name,
    version: base.version,
    hash,
    text: merged.text,
    source: base.source,
    exceptions: { applied: merged.applied, skipped: merged.skipped },
  };
}
