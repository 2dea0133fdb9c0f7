/**
 * The shape of one CIS Docker Benchmark check and of its result. A check is a
 * pure function of the facts gathered about the host (facts/), so the same
 * facts always give the same report and a check never does I/O of its own.
 */
import type { HostFacts } from './facts/host-facts.js';

export type HostCheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'manual' | 'not-applicable';

/** What decided a result: the subject (file, daemon setting, container), the field and the value seen. */
export interface HostEvidence {
  readonly subject: string;
  readonly field: string;
  readonly value: string;
}

export interface HostCheckVerdict {
  readonly status: HostCheckStatus;
  readonly evidence: readonly HostEvidence[];
  /** Why the check could not decide (warn, not-applicable) or what a person must look at (manual, info). */
  readonly reason?: string;
}

export interface HostCheck {
  /** CIS id, e.g. '2.2' or '5.32'. */
  readonly id: string;
  readonly title: string;
  readonly level: 1 | 2;
  /** CIS v1.6.0 "Automated" (scored) or "Manual" (not scored). */
  readonly scored: boolean;
  readonly remediation: string;
  /** How the check is evaluated, for docs/host-audit.md and `--format json`. */
  readonly audit: string;
  evaluate(facts: HostFacts): HostCheckVerdict;
}

export interface HostCheckResult {
  readonly id: string;
  readonly section: string;
  readonly title: string;
  readonly level: 1 | 2;
  readonly scored: boolean;
  readonly status: HostCheckStatus;
  readonly evidence: readonly HostEvidence[];
  readonly reason?: string;
  readonly remediation: string;
}

export function verdict(status: HostCheckStatus, evidence: readonly HostEvidence[] = [], reason?: string): HostCheckVerdict {
  return reason === undefined ? { status, evidence } : { status, evidence, reason };
}

/** Folds per-subject verdicts: any fail fails, else any warn warns, else pass. */
export function combine(parts: readonly HostCheckVerdict[], emptyReason: string): HostCheckVerdict {
  if (parts.length === 0) return verdict('not-applicable', [], emptyReason);
  const evidence = parts.flatMap((p) => p.evidence);
  const reasons = [...new Set(parts.map((p) => p.reason).filter((r): r is string => Boolean(r)))];
  const reason = reasons.length > 0 ? reasons.join('; ') : undefined;
  for (const status of ['fail', 'warn', 'info', 'pass', 'manual'] as const) {
    if (parts.some((p) => p.status === status)) {
      const deciding = status === 'pass' ? evidence : parts.filter((p) => p.status === status).flatMap((p) => p.evidence);
      return verdict(status, deciding, reason);
    }
  }
  return verdict('not-applicable', evidence, reason);
}
