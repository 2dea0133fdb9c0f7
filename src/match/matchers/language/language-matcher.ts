/**
 * Language packages against their ecosystem's advisories (OSV/GHSA ranges and
 * explicit version lists), names normalized as the ecosystem compares them.
 * Go advisories write versions without the 'v' that Go module versions (and
 * our packages) carry; they are rewritten to the 'v' spelling so ranges,
 * listed versions and the fixed versions shown all read one way.
 */
import type { AffectedPackage, AffectedRange, VersionEvent } from '../../../domain/advisory.js';
import { schemeForEcosystem, schemeForOsvEcosystem, type VersionScheme } from '../../../version/index.js';
import { matchAdvisories, type Lookup } from '../../match-advisories.js';
import type { Matcher } from '../../matcher.js';
import { lookupName, type LanguageEcosystem } from './lookup-name.js';

const LANGUAGE_ECOSYSTEMS: readonly LanguageEcosystem[] = ['npm', 'pypi', 'go', 'maven', 'gem', 'cargo', 'composer', 'nuget'];

function schemeFor(ecosystem: LanguageEcosystem): VersionScheme {
  // Packagist ranges are read the way OSV's reference reads them (raw strings, no Composer normalization).
  return ecosystem === 'composer' ? schemeForOsvEcosystem('Packagist')! : schemeForEcosystem(ecosystem);
}

export const languageMatcher: Matcher = {
  name: 'language',
  ecosystems: LANGUAGE_ECOSYSTEMS,
  match(pkg, index, ctx) {
    const ecosystem = pkg.ecosystem as LanguageEcosystem;
    if (!LANGUAGE_ECOSYSTEMS.includes(ecosystem)) return [];
    const normalized = lookupName(ecosystem, pkg.name);
    const lookups: Lookup[] = [{ ecosystem, name: normalized, matchedBy: 'direct' }];
    // Stores may key names as written or normalized; asking both costs one map lookup.
    if (normalized !== pkg.name) lookups.push({ ecosystem, name: pkg.name, matchedBy: 'direct' });
    const goVersion = ecosystem === 'go' ? withV(pkg.version) : pkg.version;
    return matchAdvisories(
      {
        pkg,
        version: goVersion,
        scheme: schemeFor(ecosystem),
        lookups,
        sameName: (a, b) => lookupName(ecosystem, a) === lookupName(ecosystem, b),
        ...(ecosystem === 'go' ? { normalize: goSpelling } : {}),
      },
      index,
      ctx,
    );
  },
};

function withV(version: string): string {
  const c = version.charCodeAt(0);
  return c >= 48 && c <= 57 ? `v${version}` : version;
}

function goSpelling(affected: AffectedPackage): AffectedPackage {
  // OSV's Go ranges are SEMVER; with the 'v' added they are Go versions and compare by the Go scheme.
  const ranges: AffectedRange[] = affected.ranges.map((r) => ({ type: r.type === 'SEMVER' ? 'ECOSYSTEM' : r.type, events: r.events.map(goEvent) }));
  return { ...affected, ranges, versions: affected.versions.length === 0 ? affected.versions : affected.versions.map(withV) };
}

/** One event in the 'v' spelling; events carry exactly one key, so this builds one small object per event. */
function goEvent(e: VersionEvent): VersionEvent {
  const out: { introduced?: string; fixed?: string; last_affected?: string; limit?: string } = {};
  if (e.introduced !== undefined) out.introduced = e.introduced === '0' ? '0' : withV(e.introduced);
  if (e.fixed !== undefined) out.fixed = withV(e.fixed);
  if (e.last_affected !== undefined) out.last_affected = withV(e.last_affected);
  if (e.limit !== undefined) out.limit = e.limit === '*' ? '*' : withV(e.limit);
  return out;
}
