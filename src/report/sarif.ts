/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability id, one
 * result per vulnerable package, located at the file in the image that
 * declares the package (/var/lib/dpkg/status, a package.json, a jar), level
 * by severity, `security-severity` on rules and results, a stable
 * partialFingerprint per (vulnerability, package purl) so alerts track across
 * scans, and VEX suppressions as SARIF suppressions.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../domain/finding.js';
import type { SeverityLevel } from '../domain/severity.js';
import type { ScanResult } from '../scan/scan-target.js';
import { sortFindings } from './finding-order.js';
import { securitySeverity } from './security-severity.js';

const LEVEL: Readonly<Record<SeverityLevel, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'note',
};

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { 'security-severity': string; tags: string[]; precision: string };
}

export function toSarif(result: ScanResult): string {
  const findings = sortFindings(result.findings);
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of findings) {
    const existing = ruleIndex.get(f.id);
    if (existing !== undefined) {
      const rule = rules[existing]!;
      const score = securitySeverity(f);
      if (score > Number(rule.properties['security-severity'])) {
        rule.properties['security-severity'] = score.toFixed(1);
        rule.defaultConfiguration.level = LEVEL[f.severity];
      }
      continue;
    }
    ruleIndex.set(f.id, rules.length);
    rules.push(ruleFor(f));
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bulkhead',
            version: result.inventory.tool.version,
            semanticVersion: result.inventory.tool.version,
            informationUri: 'https://github.com/bulkhead-security/bulkhead',
            rules,
          },
        },
        automationDetails: { id: `bulkhead/scan/${result.inventory.target.reference}/` },
        results: findings.map((f) => resultFor(f, ruleIndex.get(f.id)!, result)),
        properties: {
          target: result.inventory.target.reference,
          ...(result.inventory.image ? { imageConfigDigest: result.inventory.image.configDigest } : {}),
          ...(result.advisorySnapshot ? { advisorySnapshot: result.advisorySnapshot } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function ruleFor(f: Finding): SarifRule {
  const summary = f.summary ?? `${f.id} in ${f.package?.name ?? 'a package'}`;
  const url = f.references[0]?.url;
  const lines = [
    `${f.id}${f.aliases.length > 0 ? ` (${f.aliases.join(', ')})` : ''}: ${summary}`,
    `Severity: ${f.severity}`,
    ...f.references.slice(0, 10).map((r) => r.url),
  ];
  return {
    id: f.id,
    name: f.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: summary.length > 120 ? `${summary.slice(0, 119)}…` : summary },
    fullDescription: { text: summary },
    ...(url ? { helpUri: url } : {}),
    help: {
      text: lines.join('\n'),
      markdown: [`**${f.id}**${f.aliases.length > 0 ? ` (${f.aliases.join(', ')})` : ''}: ${summary}`, '', `Severity: **${f.severity}**`, '', ...f.references.slice(0, 10).map((r) => `- <${r.url}>`)].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { 'security-severity': securitySeverity(f).toFixed(1), tags: ['security', 'vulnerability', f.severity], precision: 'very-high' },
  };
}

function resultFor(f: Finding, ruleIndex: number, scan: ScanResult) {
  const pkg = f.package;
  const where = pkg?.path?.replace(/^\/+/, '') || scan.inventory.target.reference;
  const fix = f.fixedVersions.length > 0 ? `; fixed in ${f.fixedVersions.join(', ')}` : f.status === 'fixed' ? '' : ` (${f.status})`;
  const text = `${pkg ? `${pkg.name} ${pkg.version}` : 'package'} is affected by ${f.id}${fix}. ${f.summary ?? ''}`.trim();
  const fingerprint = createHash('sha256').update(`${f.id}\u0000${pkg?.purl ?? ''}`).digest('hex');
  return {
    ruleId: f.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: where }, region: { startLine: 1 } },
        message: { text: `${pkg?.purl ?? ''}${pkg?.layer ? ` (layer ${pkg.layer})` : ''}` },
      },
    ],
    partialFingerprints: { 'bulkheadVulnerability/v1': fingerprint },
    ...(f.suppressed
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: [f.suppressed.status, f.suppressed.justification, f.suppressed.statement].filter(Boolean).join(': '),
            },
          ],
        }
      : {}),
    properties: {
      'security-severity': securitySeverity(f).toFixed(1),
      packageId: pkg?.id,
      purl: pkg?.purl,
      installedVersion: pkg?.version,
      fixedVersions: f.fixedVersions,
      status: f.status,
      ...(pkg?.layer ? { layer: pkg.layer } : {}),
      ...(pkg?.createdBy ? { layerCreatedBy: pkg.createdBy } : {}),
      ...(f.kev ? { kev: f.kev } : {}),
      ...(f.epss ? { epss: f.epss } : {}),
    },
  };
}
