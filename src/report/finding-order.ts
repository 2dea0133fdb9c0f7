/** The order reports list findings in: worst first, then by package and id, so output is stable. */
import type { Finding } from '../domain/finding.js';
import { SEVERITY_RANK } from '../domain/severity.js';

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.package?.name ?? '').localeCompare(b.package?.name ?? '') ||
      (a.package?.version ?? '').localeCompare(b.package?.version ?? '') ||
      a.id.localeCompare(b.id),
  );
}
