/**
 * The loop every matcher shares: look the package up under each of its names,
 * keep the statements for its ecosystem (and distro release), evaluate them
 * with the ecosystem's scheme, drop vulnerabilities a statement declares not
 * affecting this package, and merge duplicates. Matchers supply the
 * ecosystem judgement: which names, which scheme, how advisory versions are spelled.
 */
import type { AdvisoryIndex, AffectedPackage } from '../domain/advisory.js';
import type { Ecosystem } from '../domain/ecosystem.js';
import type { Finding } from '../domain/finding.js';
import type { Package } from '../domain/package.js';
import type { VersionScheme } from '../version/index.js';
import type { FindingPackage } from '../domain/finding.js';
import { buildFinding, findingPackage, primaryId } from './build-finding.js';
import { dedupeFindings, type Candidate } from './dedupe-findings.js';
import { evaluateAffected } from './evaluate-affected.js';
import type { MatchContext } from './matcher.js';
import { recordMemo } from './record-memo.js';

export interface Lookup {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly distro?: string;
  readonly matchedBy: 'direct' | 'source-package';
}

export interface MatchSpec {
  readonly pkg: Package;
  /** The version compared with advisory data (a Debian source version, a Go 'v' version). */
  readonly version: string;
  readonly scheme: VersionScheme;
  readonly lookups: readonly Lookup[];
  /** Same package name as the ecosystem reads names (case, separators). */
  readonly sameName: (advisoryName: string, lookupName: string) => boolean;
  /** Rewrites advisory versions into the package's spelling (Go's 'v'). */
  readonly normalize?: (affected: AffectedPackage) => AffectedPackage;
}

export function matchAdvisories(spec: MatchSpec, index: AdvisoryIndex, ctx: MatchContext): Finding[] {
  const { pkg, version, scheme } = spec;
  const candidates: Candidate[] = [];
  const notAffected = new Set<string>();
  // The same record can come back under a package's second lookup name (only then is there anything to skip).
  const seen = spec.lookups.length > 1 ? new Set<string>() : undefined;
  let checkedValidity = false;
  let shown: FindingPackage | undefined;
  for (const lookup of spec.lookups) {
    for (const advisory of index.lookup(lookup.ecosystem, lookup.name, lookup.distro)) {
      if (advisory.withdrawn !== undefined) continue;
      if (seen) {
        const key = `${advisory.source}|${advisory.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      for (const raw of advisory.affected) {
        if (raw.ecosystem !== lookup.ecosystem || !spec.sameName(raw.name, lookup.name)) continue;
        if (lookup.distro !== undefined && raw.distro !== lookup.distro) continue;
        if (!checkedValidity) {
          checkedValidity = true;
          if (!scheme.valid(version)) {
            ctx.unmatched({
              packageId: pkg.id,
              name: pkg.name,
              version: pkg.version,
              ecosystem: pkg.ecosystem,
              reason: `version ${JSON.stringify(version)} is not a valid ${scheme.name} version; advisories for ${lookup.name} were not evaluated`,
            });
            return [];
          }
        }
        const affected = spec.normalize ? normalized(raw, spec.normalize) : raw;
        const verdict = evaluateAffected(scheme, version, affected);
        if (!verdict.affected) {
          if (verdict.notAffectedStatement) {
            const { id, aliases } = primaryId(advisory, affected.distro !== undefined);
            for (const v of [id, ...aliases]) notAffected.add(v);
          }
          continue;
        }
        const finding = buildFinding({
          pkg,
          advisory,
          affected,
          verdict,
          evidence: { source: advisory.source, matchedBy: lookup.matchedBy, lookupName: lookup.name },
          index,
          findingPackage: (shown ??= findingPackage(pkg, ctx.layers)),
        });
        candidates.push({ finding, specificity: affected.distro !== undefined ? 2 : 0 });
      }
    }
  }
  // A distro's "not affected" for this package outranks any other statement about the same vulnerability.
  const kept = notAffected.size === 0 ? candidates : candidates.filter((c) => ![c.finding.id, ...c.finding.aliases].some((id) => notAffected.has(id)));
  return candidates.length < 2 ? kept.map((c) => c.finding) : dedupeFindings(kept);
}

// Indexes cache parsed advisories, so a statement rewritten once serves every package that looks it up.
const rewritten = recordMemo<AffectedPackage, AffectedPackage>('rewritten statement');

function normalized(raw: AffectedPackage, normalize: (a: AffectedPackage) => AffectedPackage): AffectedPackage {
  return rewritten.get(raw, normalize);
}
