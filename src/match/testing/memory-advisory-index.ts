/**
 * An AdvisoryIndex over Advisory records held in memory, for tests: lookups
 * by (ecosystem, name, distro) as the contract describes, enrichment by CVE.
 */
import type { Advisory, AdvisoryIndex, VulnerabilityEnrichment } from '../../domain/advisory.js';
import type { Ecosystem } from '../../domain/ecosystem.js';
import { OS_ECOSYSTEMS } from '../../domain/ecosystem.js';
import { lookupName, type LanguageEcosystem } from '../matchers/language/lookup-name.js';

export function memoryAdvisoryIndex(
  advisories: readonly Advisory[],
  enrichment: readonly VulnerabilityEnrichment[] = [],
  snapshot = 'memory:test',
): AdvisoryIndex {
  const byKey = new Map<string, Advisory[]>();
  for (const advisory of advisories) {
    const keys = new Set(advisory.affected.map((a) => key(a.ecosystem, a.name, OS_ECOSYSTEMS.has(a.ecosystem) ? a.distro : undefined)));
    for (const k of keys) byKey.set(k, [...(byKey.get(k) ?? []), advisory]);
  }
  const byCve = new Map(enrichment.map((e) => [e.cve, e]));
  return {
    snapshot,
    lookup: (ecosystem, name, distro) => byKey.get(key(ecosystem, name, OS_ECOSYSTEMS.has(ecosystem) ? distro : undefined)) ?? [],
    enrichment: (cve) => byCve.get(cve),
  };
}

/** Names are keyed normalized, as the contract asks of every index. */
function key(ecosystem: Ecosystem, name: string, distro: string | undefined): string {
  const normalized = OS_ECOSYSTEMS.has(ecosystem) || ecosystem === 'binary' ? name : lookupName(ecosystem as LanguageEcosystem, name);
  return `${ecosystem}\u0000${normalized}\u0000${distro ?? ''}`;
}
