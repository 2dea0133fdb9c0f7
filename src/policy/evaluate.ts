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
  return (v.effect === 'block' ? '0' : '1') + '\u0000' + v.ruleId + '\u0000' + evidenceKey(v);
}

/** The part of the sort key after the rule: all one rule's violations share what comes before. */
function evidenceKey(v: Violation): string {
  const e = v.evidence;
  const pkg = e.package;
  // One concatenation instead of an array per violation: hundreds of violations per decision.
  return (
    (e.advisory?.id ?? '') +
    '\u0000' +
    (pkg?.ecosystem ?? '') +
    '\u0000' +
    (pkg?.name ?? '') +
    '\u0000' +
    (pkg?.version ?? '') +
    '\u0000' +
    (e.field ?? '') +
    '\u0000' +
    (e.finding?.id ?? '') +
    '\u0000' +
    (e.file ?? '') +
    '\u0000' +
    (e.line === undefined ? '' : String(e.line).padStart(10, '0')) +
    '\u0000' +
    (e.layer ?? '') +
    '\u0000' +
    v.message
  );
}

/**
 * Sorts by sortKey (stable), computing each key once. `oneRule`: every
 * violation is of the same rule, so the shared prefix is left out of the keys.
 */
function sortViolations(list: readonly Violation[], oneRule = false): Violation[] {
  if (list.length < 2) return [...list];
  const keys = list.map(oneRule ? evidenceKey : sortKey);
  const order = keys.map((_, i) => i);
  order.sort((a, b) => {
    const ka = keys[a] as string;
    const kb = keys[b] as string;
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
  return order.map((i) => list[i] as Violation);
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
      const severity = rule.severity ?? hit.severity ?? (rule.effect === 'block' ? 'high' : 'medium');
      const v: Violation = hit.remediation
        ? { ruleId: rule.id, effect: rule.effect, severity, message: hit.message, evidence: hit.evidence, remediation: hit.remediation }
        : { ruleId: rule.id, effect: rule.effect, severity, message: hit.message, evidence: hit.evidence };
      let exception: PolicyException | undefined;
      for (const e of active) {
        if (e.covers(v, input)) {
          exception = e;
          break;
        }
      }
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
    const sortedKept = sortViolations(kept, true);
    (rule.effect === 'block' ? blockViolations : alertViolations).push(...sortedKept);
    traces.push({ rule, status: kept.length > 0 ? 'violated' : 'passed', checked: outcome.checked, violations: sortedKept, waived: sortViolations(waived, true) });
  }

  const sorted = [...blockViolations, ...alertViolations];
  const verdict: Verdict = sorted.some((v) => v.effect === 'block') ? 'block' : sorted.length > 0 ? 'warn' : 'allow';
  const exceptionsApplied: AppliedException[] = policy.exceptions
    .filter((e) => waivedBy.has(e.id))
    .map((e) => ({ id: e.id, owner: e.owner, reason: e.reason, expires: e.expires, waived: sortViolations(waivedBy.get(e.id) ?? []) }));
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
