/**
 * Matches every package of an inventory against an advisory index: the OS
 * matcher of its family or the language matcher. A language package that an
 * OS package owns (its files came from a dpkg/apk/rpm package) is left to the
 * OS matcher, so one component is not reported twice.
 */
import type { AdvisoryIndex } from '../domain/advisory.js';
import type { Ecosystem } from '../domain/ecosystem.js';
import type { Finding } from '../domain/finding.js';
import type { Inventory } from '../domain/inventory.js';
import type { Package } from '../domain/package.js';
import type { Matcher, UnmatchedPackage } from './matcher.js';
import { apkMatcher } from './matchers/apk/apk-matcher.js';
import { dpkgMatcher } from './matchers/dpkg/dpkg-matcher.js';
import { languageMatcher } from './matchers/language/language-matcher.js';
import { rpmMatcher } from './matchers/rpm/rpm-matcher.js';

export const MATCHERS: readonly Matcher[] = [dpkgMatcher, apkMatcher, rpmMatcher, languageMatcher];

const BY_ECOSYSTEM: Readonly<Record<Ecosystem, Matcher | undefined>> = {
  deb: dpkgMatcher,
  apk: apkMatcher,
  rpm: rpmMatcher,
  npm: languageMatcher,
  pypi: languageMatcher,
  go: languageMatcher,
  maven: languageMatcher,
  gem: languageMatcher,
  cargo: languageMatcher,
  composer: languageMatcher,
  nuget: languageMatcher,
  // Versions scraped from binaries would need NVD CPE matching, which Bulkhead does not do.
  binary: undefined,
};

export interface MatchResult {
  readonly findings: readonly Finding[];
  readonly unmatched: readonly UnmatchedPackage[];
  readonly advisorySnapshot: string;
  /** Packages skipped because an OS package owns them. */
  readonly skippedOwned: number;
}

export function matchInventory(inv: Pick<Inventory, 'packages' | 'relationships' | 'image'>, index: AdvisoryIndex): MatchResult {
  const layers = new Map((inv.image?.layers ?? []).map((l) => [l.diffId, l]));
  const owned = new Set(inv.relationships.filter((r) => r.type === 'owns').map((r) => r.to));
  const unmatched: UnmatchedPackage[] = [];
  const ctx = { layers, unmatched: (note: UnmatchedPackage) => unmatched.push(note) };
  const findings: Finding[] = [];
  let skippedOwned = 0;
  for (const pkg of inv.packages) {
    const matcher = BY_ECOSYSTEM[pkg.ecosystem];
    if (matcher === undefined) continue;
    if (matcher === languageMatcher && isOwned(pkg, owned)) {
      skippedOwned++;
      continue;
    }
    findings.push(...matcher.match(pkg, index, ctx));
  }
  return { findings, unmatched, advisorySnapshot: index.snapshot, skippedOwned };
}

function isOwned(pkg: Package, owned: ReadonlySet<string>): boolean {
  return owned.has(pkg.id) || (pkg.metadata?.ownedBy !== undefined && pkg.metadata.ownedBy !== '');
}
