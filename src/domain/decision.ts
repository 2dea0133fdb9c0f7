/**
 * The answer of the policy engine: allow, warn or block, with every violation,
 * its evidence and remedy, the exceptions that waived violations, and the basis
 * (policy identity, advisory snapshot, inventory) needed to reproduce it.
 */
import type { SeverityLevel } from './severity.js';

export type Verdict = 'allow' | 'warn' | 'block';

/** How a rule acts: 'alert' makes the verdict at least warn, 'block' makes it block. */
export type RuleEffect = 'alert' | 'block';

/** What a violation points at; only the fields that apply are set. */
export interface ViolationEvidence {
  readonly package?: { readonly name: string; readonly version: string; readonly ecosystem: string; readonly purl?: string };
  readonly advisory?: { readonly id: string; readonly aliases: readonly string[] };
  /** Image config or run-request field, e.g. 'config.user', 'deploy.privileged', 'labels.maintainer'. */
  readonly field?: string;
  /** The value found there, when showing it is safe. */
  readonly value?: string;
  /** A finding of another stage (secret, config check) by its id. */
  readonly finding?: { readonly kind: string; readonly id: string };
  readonly file?: string;
  readonly line?: number;
  readonly layer?: string;
}

export interface Violation {
  readonly ruleId: string;
  readonly effect: RuleEffect;
  readonly severity: SeverityLevel;
  readonly message: string;
  readonly evidence: ViolationEvidence;
  /** What would make it go away: 'upgrade openssl to 3.0.13', 'add USER to the Dockerfile'. */
  readonly remediation?: string;
}

export interface AppliedException {
  readonly id: string;
  readonly owner: string;
  readonly reason: string;
  /** ISO date or timestamp after which it stops applying. */
  readonly expires: string;
  /** The violations it waived. */
  readonly waived: readonly Violation[];
}

export interface DecisionBasis {
  readonly policyName: string;
  readonly policyVersion: string;
  /** sha256 over the policy files' contents: changes whenever a rule does. */
  readonly policyHash: string;
  readonly advisorySnapshot?: string;
  readonly inventoryId?: string;
}

export interface Decision {
  readonly verdict: Verdict;
  /** Sorted: block before alert, then rule id, then evidence. */
  readonly violations: readonly Violation[];
  readonly exceptionsApplied: readonly AppliedException[];
  readonly basis: DecisionBasis;
  /** The evaluation time given to evaluate (ISO timestamp). */
  readonly evaluatedAt: string;
}
