/** The contract every matcher implements, and what it may report besides findings. */
import type { AdvisoryIndex } from '../domain/advisory.js';
import type { Ecosystem } from '../domain/ecosystem.js';
import type { Finding } from '../domain/finding.js';
import type { LayerRef } from '../domain/image.js';
import type { Package } from '../domain/package.js';

/** A package that could not be evaluated against the advisories that name it. */
export interface UnmatchedPackage {
  readonly packageId: string;
  readonly name: string;
  readonly version: string;
  readonly ecosystem: Ecosystem;
  readonly reason: string;
}

export interface MatchContext {
  /** Image layers by diffId, so findings can name the instruction that added the package. */
  readonly layers: ReadonlyMap<string, LayerRef>;
  unmatched(note: UnmatchedPackage): void;
}

export interface Matcher {
  readonly name: string;
  readonly ecosystems: readonly Ecosystem[];
  /** Pure: the same package and index always give the same findings. */
  match(pkg: Package, index: AdvisoryIndex, ctx: MatchContext): Finding[];
}
