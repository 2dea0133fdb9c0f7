/**
 * JUnit XML: one testsuite per CIS section, one testcase per check. fail →
 * <failure>; warn → <error> (could not decide); manual, info and
 * not-applicable → <skipped> with the reason.
 */
import { SECTION_TITLES } from '../checks/all-checks.js';
import type { HostCheckResult } from '../host-check.js';
import type { HostPolicyOutcome } from '../host-policy.js';
import type { HostAuditReport } from '../run-host-audit.js';

function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function detail(r: HostCheckResult): string {
  return [...r.evidence.map((e) => `${e.subject}: ${e.field} = ${e.value}`), ...(r.reason ? [r.reason] : []), `Remediation: ${r.remediation}`].join('\n');
}

export function renderHostJunit(report: HostAuditReport, policy?: HostPolicyOutcome): string {
  const sections = [...new Set(report.results.map((r) => r.section))];
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(report.benchmark)}" tests="${report.results.length}">`];
  for (const section of sections) {
    const results = report.results.filter((r) => r.section === section);
    const count = (s: string): number => results.filter((r) => r.status === s).length;
    out.push(
      `  <testsuite name="${xml(`${section} ${SECTION_TITLES[section] ?? ''}`.trim())}" tests="${results.length}" failures="${count('fail')}" errors="${count('warn')}" skipped="${count('manual') + count('info') + count('not-applicable')}">`,
    );
    for (const r of results) {
      const required = policy?.required.includes(r.id) ? ' [required]' : '';
      out.push(`    <testcase classname="${xml(`cis.${section}`)}" name="${xml(`${r.id} ${r.title}${required}`)}">`);
      if (r.status === 'fail') out.push(`      <failure message="${xml(r.evidence[0] ? `${r.evidence[0].subject}: ${r.evidence[0].field} = ${r.evidence[0].value}` : r.title)}">${xml(detail(r))}</failure>`);
      else if (r.status === 'warn') out.push(`      <error message="${xml(r.reason ?? 'could not decide')}">${xml(detail(r))}</error>`);
      else if (r.status !== 'pass') out.push(`      <skipped message="${xml(`${r.status}${r.reason ? `: ${r.reason}` : ''}`)}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
