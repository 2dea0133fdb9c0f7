/**
 * The policy decision in every scan format: a closing section of the table,
 * `checks` and `decision` in the JSON, a second SARIF run whose results are
 * the violations, and a JUnit testsuite with a failing testcase per violation.
 */
import type { Decision, Violation } from '../domain/decision.js';
import type { Finding } from '../domain/finding.js';
import { escapeXml } from './escape-xml.js';

const VERDICT_LINE = { allow: 'ALLOWED', warn: 'ALLOWED WITH WARNINGS', block: 'BLOCKED' } as const;

function where(v: Violation): string {
  const e = v.evidence;
  const parts = [
    e.package ? `${e.package.name} ${e.package.version}` : undefined,
    e.advisory ? e.advisory.id : undefined,
    e.field ? `${e.field}${e.value !== undefined ? `=${e.value}` : ''}` : undefined,
    e.finding && !e.advisory ? e.finding.id : undefined,
    e.file ? `${e.file}${e.line ? `:${e.line}` : ''}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.join(', ');
}

export function renderDecisionText(decision: Decision, checkFindings: readonly Finding[]): string {
  const out: string[] = [''];
  const secrets = checkFindings.filter((f) => f.kind === 'secret').length;
  const config = checkFindings.filter((f) => f.kind === 'config').length;
  out.push(`Checks: ${secrets} secret${secrets === 1 ? '' : 's'}, ${config} configuration finding${config === 1 ? '' : 's'}`);
  out.push(`Policy: ${decision.basis.policyName} ${decision.basis.policyVersion} (${decision.basis.policyHash.slice(0, 19)})`);
  out.push(`Decision: ${VERDICT_LINE[decision.verdict]} — ${decision.violations.length} violation${decision.violations.length === 1 ? '' : 's'}`);
  for (const v of decision.violations) {
    out.push(`  ${v.effect === 'block' ? 'BLOCK' : 'ALERT'}  ${v.ruleId}: ${v.message}${where(v) ? ` [${where(v)}]` : ''}`);
    if (v.remediation) out.push(`         fix: ${v.remediation}`);
  }
  for (const e of decision.exceptionsApplied) {
    out.push(`  EXCEPTION ${e.id} (owner ${e.owner}, expires ${e.expires}): waived ${e.waived.length} — ${e.reason}`);
  }
  return out.join('\n');
}

export function withDecisionJson(scanJson: string, decision: Decision, checkFindings: readonly Finding[]): string {
  const document = JSON.parse(scanJson) as Record<string, unknown>;
  return `${JSON.stringify({ ...document, checks: checkFindings, decision }, null, 2)}\n`;
}

export function withDecisionSarif(sarifText: string, decision: Decision, toolVersion: string): string {
  const sarif = JSON.parse(sarifText) as { runs: unknown[] };
  const ruleIds = [...new Set(decision.violations.map((v) => v.ruleId))];
  sarif.runs.push({
    tool: {
      driver: {
        name: 'bulkhead-policy',
        version: toolVersion,
        rules: ruleIds.map((id) => ({ id, shortDescription: { text: decision.violations.find((v) => v.ruleId === id)?.message ?? id } })),
      },
    },
    results: decision.violations.map((v) => ({
      ruleId: v.ruleId,
      ruleIndex: ruleIds.indexOf(v.ruleId),
      level: v.effect === 'block' ? 'error' : 'warning',
      message: { text: `${v.message}${where(v) ? ` [${where(v)}]` : ''}${v.remediation ? ` Fix: ${v.remediation}` : ''}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: (v.evidence.file ?? 'image').replace(/^\//, '') }, ...(v.evidence.line ? { region: { startLine: v.evidence.line } } : {}) } }],
    })),
    properties: { verdict: decision.verdict, policy: decision.basis },
  });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

export function withDecisionJUnit(junit: string, decision: Decision): string {
  const cases = decision.violations.map(
    (v) =>
      `    <testcase classname="policy.${escapeXml(v.ruleId)}" name="${escapeXml(where(v) || v.ruleId)}">\n      <failure type="${v.effect}" message="${escapeXml(v.message)}">${escapeXml(v.remediation ?? '')}</failure>\n    </testcase>`,
  );
  if (cases.length === 0) cases.push('    <testcase classname="policy" name="no violations"/>');
  const failures = decision.violations.length;
  const suite = [
    `  <testsuite name="policy ${escapeXml(decision.basis.policyName)}: ${decision.verdict}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return junit
    .replace(/<testsuites name="bulkhead" tests="(\d+)" failures="(\d+)"/, (_m, t: string, f: string) => `<testsuites name="bulkhead" tests="${Number(t) + cases.length}" failures="${Number(f) + failures}"`)
    .replace('</testsuites>', `${suite}\n</testsuites>`);
}
