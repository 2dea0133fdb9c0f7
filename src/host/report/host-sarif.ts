/**
 * SARIF 2.1.0: one rule per CIS check, one result per failed or undecided
 * check (fail → error when the policy requires it, else warning; warn → note).
 * Locations are the host files the evidence names, where they are files.
 */
import type { HostPolicyOutcome } from '../host-policy.js';
import type { HostAuditReport } from '../run-host-audit.js';

export function renderHostSarif(report: HostAuditReport, toolVersion: string, policy?: HostPolicyOutcome): string {
  const reported = report.results.filter((r) => r.status === 'fail' || r.status === 'warn');
  const rules = report.results.map((r) => ({
    id: `CIS-Docker-${r.id}`,
    name: r.title.replace(/[^A-Za-z0-9]+/g, ' ').trim().replace(/ (\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
    shortDescription: { text: r.title },
    help: { text: r.remediation },
    properties: { level: r.level, scored: r.scored, section: r.section },
  }));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = reported.map((r) => {
    const evidence = r.evidence.map((e) => `${e.subject}: ${e.field} = ${e.value}`).join('; ');
    const files = [...new Set(r.evidence.map((e) => e.subject).filter((s) => s.startsWith('/')))];
    return {
      ruleId: `CIS-Docker-${r.id}`,
      ruleIndex: index.get(`CIS-Docker-${r.id}`),
      level: r.status === 'warn' ? 'note' : policy?.required.includes(r.id) ? 'error' : 'warning',
      message: { text: `${r.title}: ${[evidence, r.reason].filter(Boolean).join(' — ') || r.status}` },
      ...(files.length > 0 ? { locations: files.map((f) => ({ physicalLocation: { artifactLocation: { uri: `file://${encodeURI(f)}` } } })) } : {}),
      properties: { status: r.status, host: report.host },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'bulkhead', version: toolVersion, informationUri: 'https://github.com/bulkhead', rules } },
        results,
        properties: { benchmark: report.benchmark, mode: report.mode, host: report.host },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
