/** Counts per status and the score: passed scored checks over decided (pass + fail) scored checks. */
import type { HostCheckResult, HostCheckStatus } from '../host-check.js';

export interface HostAuditSummary {
  readonly counts: Readonly<Record<HostCheckStatus, number>>;
  /** 0–100, or undefined when no scored check was decided. */
  readonly score: number | undefined;
}

export function summarizeHostAudit(results: readonly Pick<HostCheckResult, 'status' | 'scored'>[]): HostAuditSummary {
  const counts: Record<HostCheckStatus, number> = { pass: 0, fail: 0, warn: 0, info: 0, manual: 0, 'not-applicable': 0 };
  for (const r of results) counts[r.status]++;
  const scored = results.filter((r) => r.scored && (r.status === 'pass' || r.status === 'fail'));
  const passed = scored.filter((r) => r.status === 'pass').length;
  return { counts, score: scored.length > 0 ? Math.round((passed / scored.length) * 1000) / 10 : undefined };
}
