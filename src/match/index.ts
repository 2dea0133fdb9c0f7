/**
 * match: findings from (inventory, advisory index). One matcher per package
 * family — dpkg, apk, rpm against the distro's own data for the exact
 * release, language packages against their ecosystem's advisories — and VEX
 * suppression. Never NVD/CPE matching. Pure: re-running on a new advisory
 * snapshot re-matches a stored inventory without touching the image.
 */
export { matchInventory, MATCHERS, type MatchResult } from './match-inventory.js';
export type { Matcher, MatchContext, UnmatchedPackage } from './matcher.js';
export { applyVex, parseVex, readVexFile, type VexStatement } from './vex/index.js';
