/** Human-readable audit: results grouped by CIS section, then a summary with the score and any policy violations. */
import { SECTION_TITLES } from '../checks/all-checks.js';
import type { HostPolicyOutcome } from '../host-policy.js';
import type { HostAuditReport } from '../run-host-audit.js';
import { summarizeHostAudit } from './host-summary.js';

const LABEL: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO', manual: 'MANUAL', 'not-applicable': 'N/A' };

export function renderHostTable(report: HostAuditReport, policy?: HostPolicyOutcome): string {
  const lines: string[] = [`${report.benchmark} — ${report.mode === 'offline' ? `offline filesystem ${report.root}` : `host ${report.host} (${report.dockerHost ?? ''})`}`];
  let section = '';
  for (const r of report.results) {
    if (r.section !== section) {
      section = r.section;
      lines.push('', `[${section}] ${SECTION_TITLES[section] ?? ''}`);
    }
    const required = policy?.required.includes(r.id) ? ' (required)' : '';
    lines.push(`  ${LABEL[r.status]!.padEnd(6)} ${r.id.padEnd(7)} ${r.title}${required}`);
    const shown = r.status === 'pass' ? r.evidence.slice(0, 0) : r.evidence.slice(0, 10);
    for (const e of shown) lines.push(`           ${e.subject}: ${e.field} = ${e.value}`);
    if (r.evidence.length > shown.length && r.status !== 'pass') lines.push(`           … ${r.evidence.length - shown.length} more`);
    if (r.reason && r.status !== 'pass') lines.push(`           ${r.reason}`);
  }
  const { counts, score } = summarizeHostAudit(report.results);
  lines.push(
    '',
    `Summary: ${counts.pass} pass, ${counts.fail} fail, ${counts.warn} warn, ${counts.info} info, ${counts.manual} manual, ${counts['not-applicable']} not applicable`,
    `Score: ${score === undefined ? 'n/a' : `${score}%`} of decided scored checks pass`,
  );
  if (policy) {
    lines.push(
      policy.violations.length === 0
        ? `Policy (${policy.environment}): all ${policy.required.length} required checks satisfied`
        : `Policy (${policy.environment}): ${policy.violations.length} required check(s) not satisfied: ${policy.violations.map((v) => v.id).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
