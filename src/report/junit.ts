/**
 * JUnit XML for CI test tabs: one testsuite per scan, one testcase per
 * finding (a failure unless VEX suppressed it, then skipped with the
 * justification) and one passing testcase per package without findings.
 * When no advisory database was available every package is skipped.
 */
import type { ScanResult } from '../scan/scan-target.js';
import { sortFindings } from './finding-order.js';
import { escapeXml as xml } from './escape-xml.js';

export function toJUnit(result: ScanResult): string {
  const inv = result.inventory;
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  const withFindings = new Set(result.findings.map((f) => f.package?.id));
  for (const f of sortFindings(result.findings)) {
    const pkg = f.package;
    const classname = pkg ? `${pkg.ecosystem}.${pkg.name}@${pkg.version}` : 'image';
    const name = `${f.id} [${f.severity}]`;
    if (f.suppressed) {
      skipped++;
      const why = [f.suppressed.status, f.suppressed.justification].filter(Boolean).join(': ');
      cases.push(`    <testcase classname="${xml(classname)}" name="${xml(name)}">\n      <skipped message="${xml(`suppressed by VEX (${why})`)}"/>\n    </testcase>`);
      continue;
    }
    failures++;
    const fix = f.fixedVersions.length > 0 ? `fixed in ${f.fixedVersions.join(', ')}` : f.status;
    const body = [
      `${pkg ? `${pkg.name} ${pkg.version}` : 'package'} is affected by ${f.id}${f.aliases.length > 0 ? ` (${f.aliases.join(', ')})` : ''}: ${fix}`,
      f.summary ?? '',
      pkg?.path ? `path: ${pkg.path}` : '',
      pkg?.purl ? `purl: ${pkg.purl}` : '',
      ...f.references.slice(0, 5).map((r) => r.url),
    ].filter((l) => l !== '');
    cases.push(
      `    <testcase classname="${xml(classname)}" name="${xml(name)}">\n      <failure type="${xml(f.severity)}" message="${xml(`${f.id}: ${fix}`)}">${xml(body.join('\n'))}</failure>\n    </testcase>`,
    );
  }
  for (const pkg of [...inv.packages].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))) {
    if (withFindings.has(pkg.id)) continue;
    const classname = `${pkg.ecosystem}.${pkg.name}@${pkg.version}`;
    if (!result.evaluated) {
      skipped++;
      cases.push(`    <testcase classname="${xml(classname)}" name="vulnerabilities">\n      <skipped message="no advisory database"/>\n    </testcase>`);
    } else {
      cases.push(`    <testcase classname="${xml(classname)}" name="no known vulnerabilities"/>`);
    }
  }
  const tests = cases.length;
  const suite = xml(inv.target.reference);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bulkhead" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${suite}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `    <properties>\n      <property name="advisorySnapshot" value="${xml(result.advisorySnapshot ?? 'none')}"/>\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry. */
