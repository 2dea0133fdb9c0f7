/**
 * `vulnerabilities:` rules. The parameters are filters, all of which a
 * vulnerability must pass to violate the rule: severity at or above, CVSS at or
 * above, in CISA KEV, EPSS at or above, a fix available for more than N days,
 * one of the listed advisory ids (aliases count), only fixable ones.
 * Findings suppressed by VEX are not considered.
 */
import { z } from 'zod';
import type { ViolationEvidence } from '../../../domain/decision.js';
import type { Finding } from '../../../domain/finding.js';
import { SEVERITY_LEVELS, SEVERITY_RANK } from '../../../domain/severity.js';
import { defineRuleKind, type RuleHit } from '../../rule-kind.js';

const schema = z.strictObject({
  severity: z.enum(SEVERITY_LEVELS).optional(),
  cvss: z.number().min(0).max(10).optional(),
  kev: z.boolean().optional(),
  epss: z.number().min(0).max(1).optional(),
  fixAvailableForDays: z.int().min(0).optional(),
  ids: z.array(z.string().min(1)).min(1).optional(),
  fixableOnly: z.boolean().optional(),
});

type Params = z.infer<typeof schema>;

function describe(f: Finding, cvss: number, fixDays: number): string {
  const facts: string[] = [f.severity];
  if (cvss > 0) facts.push(`CVSS ${cvss.toFixed(1)}`);
  if (f.kev) facts.push('in CISA KEV');
  if (f.epss) facts.push(`EPSS ${f.epss.score.toFixed(3)}`);
  if (fixDays >= 0) facts.push(`fix available ${fixDays} day(s)`);
  const pkg = f.package ? ` in ${f.package.name} ${f.package.version}` : '';
  return `${f.id}${pkg} (${facts.join(', ')})`;
}

function findingHit(f: Finding): { evidence: ViolationEvidence; remediation: string } {
  const fixed = f.fixedVersions[0];
  const pkg = f.package;
  // Built field by field (no spreads): once per finding per evaluation, hundreds of findings.
  const evidence: { -readonly [K in keyof ViolationEvidence]: ViolationEvidence[K] } = { advisory: { id: f.id, aliases: f.aliases } };
  if (pkg) {
    evidence.package = { name: pkg.name, version: pkg.version, ecosystem: pkg.ecosystem, purl: pkg.purl };
    if (pkg.path) evidence.file = pkg.path;
    if (pkg.layer) evidence.layer = pkg.layer;
  }
  return { evidence, remediation: fixed && pkg ? `upgrade ${pkg.name} to ${fixed} or later` : 'no fixed version is known yet: mitigate or remove the package' };
}

export const vulnerabilitiesRule = defineRuleKind<Params>({
  name: 'vulnerabilities',
  schema,
  compile(params, ctx) {
    const criteria = Object.keys(params).filter((k) => k !== 'fixableOnly');
    if (criteria.length === 0 && params.fixableOnly !== true) {
      ctx.problems.push({ path: [], message: 'a vulnerabilities rule needs at least one criterion (severity, cvss, kev, epss, fixAvailableForDays, ids, fixableOnly)' });
    }
    const minRank = params.severity ? SEVERITY_RANK[params.severity] : undefined;
    const ids = params.ids ? new Set(params.ids.map((id) => id.toUpperCase())) : undefined;
    const matches = (f: Finding, cvss: number, fixDays: number): boolean => {
      if (minRank !== undefined && SEVERITY_RANK[f.severity] < minRank) return false;
      if (params.cvss !== undefined && cvss < params.cvss) return false;
      if (params.kev === true && f.kev === undefined) return false;
      if (params.kev === false && f.kev !== undefined) return false;
      if (params.epss !== undefined && (f.epss?.score ?? 0) < params.epss) return false;
      if (params.fixableOnly && f.status !== 'fixed') return false;
      if (params.fixAvailableForDays !== undefined && fixDays <= params.fixAvailableForDays) return false;
      if (ids && !ids.has(f.id.toUpperCase()) && !f.aliases.some((a) => ids.has(a.toUpperCase()))) return false;
      return true;
    };
    return {
      check(input) {
        if (input.vulnerabilities.length === 0 && input.subject.findings.every((f) => f.kind !== 'vulnerability')) {
          return { applies: true, hits: [], checked: 'no vulnerability findings in the subject' };
        }
        const hits: RuleHit[] = [];
        input.vulnerabilities.forEach((f, i) => {
          const facts = input.vulnerabilityFacts[i] ?? { cvss: 0, fixDays: -1 };
          if (!matches(f, facts.cvss, facts.fixDays)) return;
          // Several rules usually hit the same finding: describe it once per evaluation.
          const message = (facts.description ??= describe(f, facts.cvss, facts.fixDays));
          const shared = (facts.hit ??= findingHit(f));
          hits.push({ message, severity: f.severity, evidence: shared.evidence, remediation: shared.remediation });
        });
        return { applies: true, hits, checked: `${input.vulnerabilities.length} vulnerability finding(s) checked` };
      },
    };
  },
});
