/** The audit as JSON (bulkhead.host-audit/v1): report, summary and policy outcome. */
import type { HostPolicyOutcome } from '../host-policy.js';
import type { HostAuditReport } from '../run-host-audit.js';
import { summarizeHostAudit } from './host-summary.js';

export function renderHostJson(report: HostAuditReport, policy?: HostPolicyOutcome): string {
  return `${JSON.stringify(
    {
      schema: 'bulkhead.host-audit/v1',
      ...report,
      summary: summarizeHostAudit(report.results),
      ...(policy ? { policy: { environment: policy.environment, required: policy.required, violations: policy.violations.map((v) => v.id) } } : {}),
    },
    null,
    2,
  )}\n`;
}
