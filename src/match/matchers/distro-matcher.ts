/**
 * What the dpkg, apk and rpm matchers have in common: OS packages match their
 * distro's own statements for the exact release, looked up by source package
 * (Debian source, apk origin, source RPM) and compared with the source
 * version where the cataloger knows it, by the distro's version scheme.
 */
import type { Ecosystem } from '../../domain/ecosystem.js';
import type { VersionScheme } from '../../version/index.js';
import { matchAdvisories, type Lookup } from '../match-advisories.js';
import type { Matcher } from '../matcher.js';

export interface DistroMatcherSpec {
  readonly name: string;
  readonly ecosystem: Ecosystem;
  readonly scheme: VersionScheme;
  /** Releases whose statements apply, most specific first (RHEL-family data is per major release). */
  readonly releases?: (distro: string) => readonly string[];
}

export function distroMatcher(spec: DistroMatcherSpec): Matcher {
  return {
    name: spec.name,
    ecosystems: [spec.ecosystem],
    match(pkg, index, ctx) {
      if (pkg.distro === undefined) {
        ctx.unmatched({
          packageId: pkg.id,
          name: pkg.name,
          version: pkg.version,
          ecosystem: pkg.ecosystem,
          reason: 'the distro release is unknown (no /etc/os-release), so no distro advisories apply',
        });
        return [];
      }
      const source = pkg.source?.name;
      const bySource = source !== undefined && source !== '' && source !== pkg.name;
      const lookups: Lookup[] = (spec.releases?.(pkg.distro) ?? [pkg.distro]).map((distro) => ({
        ecosystem: spec.ecosystem,
        name: bySource ? source : pkg.name,
        distro,
        matchedBy: bySource ? 'source-package' : 'direct',
      }));
      // Distro fixes are stated for the source version; a binNMU'd binary (+b1) carries its own.
      const version = source !== undefined && pkg.source?.version ? pkg.source.version : pkg.version;
      return matchAdvisories({ pkg, version, scheme: spec.scheme, lookups, sameName: (a, b) => a === b }, index, ctx);
    },
  };
}
