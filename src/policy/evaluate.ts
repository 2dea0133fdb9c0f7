/**
 * The decision engine: the one place policy is evaluated. Pure and
 * deterministic — the evaluation time is an argument, rules run in id order,
 * violations come out sorted — so the CLI, CI, the console and the
 * enforcement points all get the same answer for the same inputs.
 */
import type { AppliedException, Decision, Verdict, Violation } from '../domain/decision.js';
import type { Subject } from '../domain/subject.js';
import { evaluationInput } from './evaluation-input.js';
import type { CompiledRule, PolicySet } from './policy-set.js';
import type { PolicyException } from './exceptions.js';

export type RuleTrace =
  | { readonly rule: CompiledRule; readonly status: 'out-of-scope' | 'not-applicable'; readonly reason: string }
  | { readonly rule: CompiledRule; readonly status: 'passed' | 'violated'; readonly checked: string; readonly violations: readonly Violation[]; readonly waived: readonly Violation[] };

export interface ExceptionTrace {
  readonly exception: PolicyException;
  readonly status: 'applied' | 'expired' | 'unused';
  /** For 'expired': the violations it would have waived. */
  readonly matched: readonly Violation[];
}

export interface TracedDecision {
  readonly decision: Decision;
  readonly rules: readonly RuleTrace[];
  readonly exceptions: readonly ExceptionTrace[];
}

/** The sort key: block before alert, then rule id, then the evidence, then the message. */
function sortKey(v: Violation): string {
  const e = v.evidence;
  return [
    v.effect === 'block' ? '0' : '1',
    v.ruleId,
    e.advisory?.id,
    e.package?.ecosystem,
    e.package?.name,
    e.package?.version,
    e.field,
    e.finding?.id,
    e.file,
    e.line === undefined ? '' : String(e.line).padStart(10, '0'),
    e.layer,
    v.message,
  ]
    .map((x) => x ?? '')
    .join('\u0000');
}

/** Sorts by sortKey, computing each key once. */
function sortViolations(list: readonly Violation[], keys: Map<Violation, string>): Violation[] {
  const keyOf = (v: Violation): string => {
    let k = keys.get(v);
    if (k === undefined) {
      k = sortKey(v);
      keys.set(v, k);
    }
    return k;
  };
  return [...list].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Evaluates and records, per rule and per exception, what happened and why. */
export function evaluateTraced(policy: PolicySet, subject: Subject, now: Date): TracedDecision {
  const input = evaluationInput(subject, now);
  const nowMs = input.nowMs;
  const active = policy.exceptions.filter((e) => nowMs < e.expiresAtMs);
  const expired = policy.exceptions.filter((e) => nowMs >= e.expiresAtMs);
  const waivedBy = new Map<string, Violation[]>();
  const expiredMatches = new Map<string, Violation[]>();
  // Rules run in id order and each rule's list is sorted, so block-then-alert concatenation is the full order.
  const blockViolations: Violation[] = [];
  const alertViolations: Violation[] = [];
  const traces: RuleTrace[] = [];
  const keys = new Map<Violation, string>();

  for (const rule of policy.rules) {
    const scope = rule.scope.test(input);
    if (!scope.inScope) {
      traces.push({ rule, status: 'out-of-scope', reason: scope.reason });
      continue;
    }
    const outcome = rule.condition.check(input);
    if (!outcome.applies) {
      traces.push({ rule, status: 'not-applicable', reason: outcome.reason });
      continue;
    }
    const kept: Violation[] = [];
    const waived: Violation[] = [];
    for (const hit of outcome.hits) {
      const v: Violation = {
        ruleId: rule.id,
        effect: rule.effect,
        severity: rule.severity ?? hit.severity ?? (rule.effect === 'block' ? 'high' : 'medium'),
        message: hit.message,
        evidence: hit.evidence,
        ...(hit.remediation ? { remediation: hit.remediation } : {}),
      };
      const exception = active.find((e) => e.covers(v, input));
      if (exception) {
        waived.push(v);
        const list = waivedBy.get(exception.id) ?? [];
        list.push(v);
        waivedBy.set(exception.id, list);
        continue;
      }
      kept.push(v);
      for (const e of expired) {
        if (!e.covers(v, input)) continue;
        const list = expiredMatches.get(e.id) ?? [];
        list.push(v);
        expiredMatches.set(e.id, list);
      }
    }
    const sortedKept = sortViolations(kept, keys);
    (rule.effect === 'block' ? blockViolations : alertViolations).push(...sortedKept);
    traces.push({ rule, status: kept.length > 0 ? 'violated' : 'passed', checked: outcome.checked, violations: sortedKept, waived: sortViolations(waived, keys) });
  }

  const sorted = [...blockViolations, ...alertViolations];
  const verdict: Verdict = sorted.some((v) => v.effect === 'block') ? 'block' : sorted.length > 0 ? 'warn' : 'allow';
  const exceptionsApplied: AppliedException[] = policy.exceptions
    .filter((e) => waivedBy.has(e.id))
    .map((e) => ({ id: e.id, owner: e.owner, reason: e.reason, expires: e.expires, waived: sortViolations(waivedBy.get(e.id) ?? [], keys) }));
  const decision: Decision = {
    verdict,
    violations: sorted,
    exceptionsApplied,
    basis: {
      policyName: policy.name,
      policyVersion: policy.version,
      policyHash: policy.hash,
      ...(subject.basis?.advisorySnapshot ? { advisorySnapshot: subject.basis.advisorySnapshot } : {}),
      ...(subject.basis?.inventoryId ? { inventoryId: subject.basis.inventoryId } : {}),
    },
    evaluatedAt: now.toISOString(),
  };
  const exceptionTraces: ExceptionTrace[] = policy.exceptions.map((e) => ({
    exception: e,
    status: waivedBy.has(e.id) ? 'applied' : nowMs >= e.expiresAtMs ? 'expired' : 'unused',
    matched: expiredMatches.get(e.id) ?? [],
  }));
  return { decision, rules: traces, exceptions: exceptionTraces };
}

/** The decision for `subject` under `policy` at time `now`. */
export function evaluate(policy: PolicySet, subject: Subject, now: Date): Decision {
  return evaluateTraced(policy, subject, now).decision;
}
