/**
 * A policy dry run: evaluates a candidate policy (with the console's live
 * exceptions merged, as activation would) over every stored image, on the
 * findings already stored, and compares with each image's current verdict.
 * Nothing is stored, no event is published: it answers "what would this
 * block?" before anyone activates it. Images are read a page at a time in
 * a few queries (inventory/stored-image loadStoredImages).
 */
import type { Verdict } from '../../domain/decision.js';
import { evaluate } from '../../policy/evaluate.js';
import type { ConsoleContext } from '../context.js';
import { liveExceptions } from '../exceptions/live-exceptions.js';
import type { Finding } from '../../domain/finding.js';
import { findingSchema } from '../inventory/assessment-document.js';
import { loadStoredImages, StoredDocumentError, subjectOfStoredImage } from '../inventory/stored-image.js';
import { activePolicy, compileCached, sha256Hex } from './active-policy.js';
import { effectivePolicyText } from './effective-policy.js';
import { compileCandidate } from './policy-versions.js';

export interface DryRunImage {
  readonly digest: string;
  readonly repositories: readonly string[];
  readonly environment: string | null;
  readonly current: Verdict | null;
  readonly candidate: Verdict;
  /** The candidate's violations, first few. */
  readonly violations: readonly { readonly ruleId: string; readonly effect: string; readonly message: string }[];
}

export interface DryRunResult {
  readonly candidate: { readonly name: string; readonly version: string; readonly hash: string };
  readonly active: { readonly name: string; readonly version: number; readonly hash: string };
  readonly evaluated: number;
  /** Images whose stored inventory could not be read (listed, not fatal). */
  readonly unreadable: readonly string[];
  readonly totals: {
    readonly current: Readonly<Record<Verdict | 'unevaluated', number>>;
    readonly candidate: Readonly<Record<Verdict, number>>;
  };
  /** Images whose verdict the candidate changes (blocks first). */
  readonly changed: readonly DryRunImage[];
  /** Images the candidate blocks or warns on, changed or not. */
  readonly wouldBlock: readonly DryRunImage[];
  readonly wouldWarn: readonly DryRunImage[];
  /** True when a list was cut at `limit`. */
  readonly truncated: boolean;
}

const PAGE = 200;
const RANK: Record<Verdict, number> = { block: 0, warn: 1, allow: 2 };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

export async function dryRunPolicy(ctx: ConsoleContext, content: string, options: { readonly limit?: number } = {}): Promise<DryRunResult> {
  const limit = Math.max(1, options.limit ?? 1000);
  const base = compileCandidate('candidate', content);
  const merged = effectivePolicyText(content, base, await liveExceptions(ctx.store, ctx.now(), ctx.log));
  const candidate = merged.text === content ? base : compileCached('candidate', merged.text);
  const active = await activePolicy(ctx);
  const now = ctx.now();
  const current: Record<Verdict | 'unevaluated', number> = { allow: 0, warn: 0, block: 0, unevaluated: 0 };
  const totals: Record<Verdict, number> = { allow: 0, warn: 0, block: 0 };
  const changed: DryRunImage[] = [];
  const wouldBlock: DryRunImage[] = [];
  const wouldWarn: DryRunImage[] = [];
  const unreadable: string[] = [];
  let truncated = false;
  let evaluated = 0;
  let after = '';
  for (;;) {
    const rows = await ctx.store.db.selectFrom('images').select(['digest', 'repositories', 'environment', 'verdict'])
      .where('digest', '>', after).orderBy('digest').limit(PAGE).execute();
    if (rows.length === 0) break;
    after = (rows[rows.length - 1] as { digest: string }).digest;
    // A page in four reads (rows, documents, tags, findings), not four per image.
    const digests = rows.map((r) => r.digest);
    const [stored, findingRows] = await Promise.all([
      loadStoredImages(ctx.store, digests, { secretKey: ctx.config.secretKey }),
      ctx.store.db.selectFrom('findings').select(['digest', 'document']).where('digest', 'in', digests).orderBy('digest').orderBy('key').execute(),
    ]);
    const findingsOf = new Map<string, Finding[]>();
    for (const f of findingRows) {
      const parsed = findingSchema.safeParse(parseJson(f.document));
      if (!parsed.success) continue;
      const list = findingsOf.get(f.digest);
      if (list) list.push(parsed.data as Finding);
      else findingsOf.set(f.digest, [parsed.data as Finding]);
    }
    for (const row of rows) {
      const image = stored.get(row.digest);
      if (image === undefined) continue;
      if (image instanceof StoredDocumentError) {
        unreadable.push(row.digest);
        continue;
      }
      const subject = subjectOfStoredImage(image, findingsOf.get(row.digest) ?? [], image.row.advisory_snapshot ?? undefined);
      const decision = evaluate(candidate, subject, now);
      evaluated++;
      const was = (row.verdict ?? null) as Verdict | null;
      current[was ?? 'unevaluated']++;
      totals[decision.verdict]++;
      const entry: DryRunImage = {
        digest: row.digest,
        repositories: parseList(row.repositories),
        environment: row.environment,
        current: was,
        candidate: decision.verdict,
        violations: decision.violations.slice(0, 5).map((v) => ({ ruleId: v.ruleId, effect: v.effect, message: v.message })),
      };
      for (const [list, wanted] of [[changed, was !== decision.verdict], [wouldBlock, decision.verdict === 'block'], [wouldWarn, decision.verdict === 'warn']] as const) {
        if (!wanted) continue;
        if (list.length < limit) list.push(entry);
        else truncated = true;
      }
    }
    if (rows.length < PAGE) break;
  }
  changed.sort((a, b) => RANK[a.candidate] - RANK[b.candidate] || (a.digest < b.digest ? -1 : 1));
  return {
    candidate: { name: candidate.name, version: candidate.version, hash: sha256Hex(merged.text) },
    active: { name: active.name, version: active.version, hash: active.hash },
    evaluated,
    unreadable,
    totals: { current, candidate: totals },
    changed,
    wouldBlock,
    wouldWarn,
    truncated,
  };
}
