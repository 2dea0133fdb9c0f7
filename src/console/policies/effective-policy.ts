/**
 * The policy text the console evaluates with and serves to enforcement
 * points: the active policy version's YAML with the console's live
 * exceptions appended to its `exceptions:` list. One text, so the console,
 * the defender and the admission webhook decide alike and one hash (the
 * ETag) names it.
 *
 * Merge rules: the policy file's own exceptions come first and win — a
 * stored exception whose id the file already uses is left out; a stored
 * exception naming rules the policy does not have keeps only the rules it
 * has, and is left out when none remain (it could cover nothing). With no
 * stored exceptions the text is the version's content, byte for byte.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { ExceptionSpec } from '../../policy/policy-schema.js';
import type { PolicySet } from '../../policy/policy-set.js';

export interface SkippedException {
  readonly id: string;
  readonly why: string;
}

export interface EffectivePolicyText {
  readonly text: string;
  readonly applied: readonly string[];
  readonly skipped: readonly SkippedException[];
}

/** `base` is the compiled version content, whose rule and exception ids decide what merges. */
export function effectivePolicyText(content: string, base: PolicySet, stored: readonly ExceptionSpec[]): EffectivePolicyText {
  const ruleIds = new Set(base.rules.map((r) => r.id));
  const ownIds = new Set(base.exceptions.map((e) => e.id));
  const skipped: SkippedException[] = [];
  const merged: ExceptionSpec[] = [];
  for (const spec of stored) {
    if (ownIds.has(spec.id)) {
      skipped.push({ id: spec.id, why: 'the policy file has an exception with this id' });
      continue;
    }
    if (spec.rules) {
      const known = spec.rules.filter((r) => ruleIds.has(r));
      if (known.length === 0) {
        skipped.push({ id: spec.id, why: `the policy has none of its rules (${spec.rules.join(', ')})` });
        continue;
      }
      merged.push(known.length === spec.rules.length ? spec : { ...spec, rules: known as [string, ...string[]] });
      continue;
    }
    merged.push(spec);
  }
  if (merged.length === 0) return { text: content, applied: [], skipped };
  const doc = parseDocument(content, { uniqueKeys: true });
  if (!isMap(doc.contents)) throw new Error('the policy version is not a YAML mapping');
  const existing = doc.get('exceptions', true);
  if (isSeq(existing)) {
    for (const spec of merged) existing.add(doc.createNode(spec));
  } else {
    doc.set('exceptions', doc.createNode(merged));
  }
  return { text: doc.toString({ lineWidth: 0 }), applied: merged.map((s) => s.id), skipped };
}
