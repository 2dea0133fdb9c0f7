/**
 * CycloneDX 1.6 vulnerability disclosure report: the SBOM exactly as
 * `bulkhead sbom --format cyclonedx` writes it (components whose bom-ref is
 * Package.id), plus `vulnerabilities[]` — one entry per finding, `affects[].ref`
 * pointing at the package's component, ratings, CWEs, advisories, the fix
 * recommendation and, for VEX-suppressed findings, the analysis.
 */
import type { Finding } from '../domain/finding.js';
import type { SeverityLevel, SeverityRating } from '../domain/severity.js';
import type { ScanResult } from '../scan/scan-target.js';
import { toCycloneDx, type CycloneDxOptions } from '../sbom/index.js';
import { sortFindings } from './finding-order.js';

const SEVERITY: Readonly<Record<SeverityLevel, string>> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  unknown: 'unknown',
};

/** OpenVEX/CycloneDX states and justifications, as far as they correspond. */
const CDX_STATE: Readonly<Record<string, string>> = {
  not_affected: 'not_affected',
  fixed: 'resolved',
  resolved: 'resolved',
  resolved_with_pedigree: 'resolved_with_pedigree',
  false_positive: 'false_positive',
};
const CDX_JUSTIFICATION: Readonly<Record<string, string>> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};
const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

export function toCycloneDxVdr(result: ScanResult, options: CycloneDxOptions = {}): string {
  const bom = JSON.parse(toCycloneDx(result.inventory, options)) as Record<string, unknown>;
  const refs = new Set(result.inventory.packages.map((p) => p.id));
  const vulnerabilities = sortFindings(result.findings)
    .filter((f) => f.package && refs.has(f.package.id))
    .map((f) => vulnerability(f));
  if (vulnerabilities.length > 0) bom.vulnerabilities = vulnerabilities;
  return `${JSON.stringify(bom, null, 2)}\n`;
}

function vulnerability(f: Finding): Record<string, unknown> {
  const pkg = f.package!;
  const source = sourceOf(f.id, f.evidence.source);
  const cwes = (f.cwes ?? []).map((c) => Number(/^CWE-(\d+)$/.exec(c)?.[1])).filter((n) => Number.isInteger(n) && n > 0);
  const advisories = f.references.filter((r) => /^https?:\/\//.test(r.url)).slice(0, 50).map((r) => ({ url: r.url }));
  const properties: { name: string; value: string }[] = [
    { name: 'bulkhead:status', value: f.status },
    { name: 'bulkhead:evidence:source', value: f.evidence.source },
    { name: 'bulkhead:evidence:matchedBy', value: f.evidence.matchedBy },
    { name: 'bulkhead:evidence:lookupName', value: f.evidence.lookupName },
  ];
  if (f.evidence.range) properties.push({ name: 'bulkhead:evidence:range', value: f.evidence.range });
  if (f.kev) {
    properties.push({ name: 'bulkhead:kev:dateAdded', value: f.kev.dateAdded });
    if (f.kev.dueDate) properties.push({ name: 'bulkhead:kev:dueDate', value: f.kev.dueDate });
  }
  if (f.epss) {
    properties.push({ name: 'bulkhead:epss:score', value: String(f.epss.score) });
    properties.push({ name: 'bulkhead:epss:percentile', value: String(f.epss.percentile) });
  }
  if (f.fixAvailableSince) properties.push({ name: 'bulkhead:fixAvailableSince', value: f.fixAvailableSince });
  const analysis = f.suppressed ? suppressionAnalysis(f.suppressed) : undefined;
  return {
    'bom-ref': `vuln:${f.id}:${pkg.id}`,
    id: f.id,
    ...(source ? { source } : {}),
    ...(f.aliases.length > 0 ? { references: f.aliases.map((a) => ({ id: a, source: sourceOf(a, f.evidence.source) ?? { name: f.evidence.source } })) } : {}),
    ratings: ratings(f),
    ...(cwes.length > 0 ? { cwes } : {}),
    ...(f.summary ? { description: f.summary } : {}),
    recommendation:
      f.fixedVersions.length > 0
        ? `Upgrade ${pkg.name} to ${f.fixedVersions[0]} or later`
        : `No fixed version of ${pkg.name} is available (${f.status})`,
    ...(advisories.length > 0 ? { advisories } : {}),
    ...(f.published && isDateTime(f.published) ? { published: f.published } : {}),
    ...(analysis ? { analysis } : {}),
    affects: [{ ref: pkg.id, versions: [{ version: pkg.version, status: f.suppressed?.status === 'not_affected' ? 'unaffected' : 'affected' }] }],
    properties,
  };
}

function ratings(f: Finding): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = f.ratings.map((r) => rating(r));
  if (out.length === 0) out.push({ severity: SEVERITY[f.severity], method: 'other' });
  return out;
}

function rating(r: SeverityRating): Record<string, unknown> {
  const method =
    r.type === 'CVSS_V2' ? 'CVSSv2' : r.type === 'CVSS_V3' ? (r.vector?.startsWith('CVSS:3.0') ? 'CVSSv3' : 'CVSSv31') : r.type === 'CVSS_V4' ? 'CVSSv4' : 'other';
  return {
    source: { name: r.source },
    ...(r.score !== undefined ? { score: r.score } : {}),
    severity: SEVERITY[r.level],
    method,
    ...(r.vector ? { vector: r.vector } : {}),
  };
}

function sourceOf(id: string, fallback: string): { name: string; url?: string } | undefined {
  if (/^CVE-\d{4}-\d+$/.test(id)) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (/^GHSA-/.test(id)) return { name: 'GitHub', url: `https://github.com/advisories/${id}` };
  if (/^GO-\d{4}-\d+$/.test(id)) return { name: 'Go Vulnerability Database', url: `https://pkg.go.dev/vuln/${id}` };
  if (/^(DSA|DLA)-/.test(id)) return { name: 'Debian' };
  return fallback ? { name: fallback } : undefined;
}

function suppressionAnalysis(s: NonNullable<Finding['suppressed']>): Record<string, unknown> {
  const state = CDX_STATE[s.status] ?? 'not_affected';
  const justification = s.justification ? (CDX_JUSTIFICATION[s.justification] ?? s.justification) : undefined;
  const detail = [s.statement, s.document ? `VEX: ${s.document}` : undefined].filter(Boolean).join(' — ');
  return {
    state,
    ...(justification && CDX_JUSTIFICATIONS.has(justification) ? { justification } : {}),
    ...(detail ? { detail } : {}),
  };
}

function isDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value);
}
