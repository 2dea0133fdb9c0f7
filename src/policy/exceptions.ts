/**
 * Exceptions waive violations: for named rules and/or advisories, on images
 * chosen by repository glob or digest, until an expiry date. Expiry is judged
 * against the evaluation time passed in, so an exception stops applying by
 * itself and the same inputs always give the same decision. A date-only
 * expiry holds through that whole day (UTC).
 */
import type { Violation } from '../domain/decision.js';
import { compileGlob } from './glob.js';
import type { EvaluationInput } from './evaluation-input.js';
import type { ExceptionSpec } from './policy-schema.js';
import type { GlobProblem } from './scope.js';

const DAY_MS = 86_400_000;

export interface PolicyException {
  readonly id: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
  readonly expiresAtMs: number;
  readonly source: { readonly file: string; readonly line: number };
  /** True when the exception covers this violation on this subject, expiry aside. */
  covers(violation: Violation, input: EvaluationInput): boolean;
}

export function expiryMs(expires: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T00:00:00Z`) + DAY_MS : Date.parse(expires);
}

export function compileException(spec: ExceptionSpec, source: PolicyException['source'], problems: GlobProblem[]): PolicyException {
  const rules = spec.rules ? new Set(spec.rules) : undefined;
  const advisories = spec.advisories ? new Set(spec.advisories.map((a) => a.toUpperCase())) : undefined;
  const digests = spec.digests ? new Set(spec.digests) : undefined;
  const images = spec.images?.flatMap((p, i) => {
    try {
      return [compileGlob(p)];
    } catch (error) {
      problems.push({ path: ['images', i], message: (error as Error).message });
      return [];
    }
  });
  return {
    id: spec.id,
    owner: spec.owner,
    reason: spec.reason,
    expires: spec.expires,
    expiresAtMs: expiryMs(spec.expires),
    source,
    covers(violation, input) {
      if (rules && !rules.has(violation.ruleId)) return false;
      if (advisories) {
        const adv = violation.evidence.advisory;
        if (!adv || (!advisories.has(adv.id.toUpperCase()) && !adv.aliases.some((a) => advisories.has(a.toUpperCase())))) return false;
      }
      const byDigest = digests !== undefined && [input.image.digest, input.subject.image?.metadata?.configDigest].some((d) => d !== undefined && digests.has(d));
      const names = input.referenceNames;
      // A subject without a reference (directory, SBOM) is only covered by a match-all glob.
      const byName = images !== undefined && (names.length > 0 ? names : ['']).some((n) => images.some((re) => re.test(n)));
      return byDigest || byName;
    },
  };
}
