/**
 * A finding: something wrong with one subject — a vulnerable package, a
 * secret, a configuration or license problem — with the evidence for it.
 */
import type { Ecosystem } from './ecosystem.js';
import type { Reference } from './advisory.js';
import type { SeverityLevel, SeverityRating } from './severity.js';

export type FindingKind = 'vulnerability' | 'secret' | 'config' | 'license';

/** 'fixed' means a fixed version exists (the package is still affected); the rest are distro statuses. */
export type FindingStatus = 'fixed' | 'unfixed' | 'will-not-fix' | 'postponed' | 'undetermined';

export interface FindingPackage {
  readonly id: string;
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly version: string;
  readonly purl: string;
  readonly path?: string;
  readonly layer?: string;
  /** The Dockerfile instruction of that layer (history created_by). */
  readonly createdBy?: string;
}

export interface FindingEvidence {
  /** Advisory source the match came from. */
  readonly source: string;
  /** 'direct': the package's own name; 'source-package': through its Debian source, apk origin or source RPM. */
  readonly matchedBy: 'direct' | 'source-package';
  /** The lookup name used. */
  readonly lookupName: string;
  /** Human-readable range or list that matched, e.g. '>=0, <1.0.1e-2+deb7u5'. */
  readonly range?: string;
  /** Secret and config findings: what was seen, e.g. 'USER is root' or the redacted secret ('AKIA****'). Never a whole secret. */
  readonly detail?: string;
}

/** Where a secret or config finding was seen: a file (of a layer or a Dockerfile) or an image config field. */
export interface FindingLocation {
  /** File inside the image, or the Dockerfile's path. */
  readonly path?: string;
  /** diffId of the layer holding that file (secrets are reported per layer, deleted files included). */
  readonly layer?: string;
  /** 1-based line in the file. */
  readonly line?: number;
  /** Image config field, e.g. 'config.Env[2]', 'config.Labels.maintainer', 'history[4].created_by', 'config.User'. */
  readonly field?: string;
  /** The Dockerfile instruction (history created_by) that produced the layer, where known. */
  readonly createdBy?: string;
}

export interface Suppression {
  readonly by: 'vex' | 'exception';
  /** VEX status or exception id. */
  readonly status: string;
  readonly justification?: string;
  readonly statement?: string;
  readonly document?: string;
}

export interface Finding {
  readonly kind: FindingKind;
  /** Advisory id for vulnerabilities, rule id for the rest. */
  readonly id: string;
  readonly aliases: readonly string[];
  readonly package?: FindingPackage;
  readonly severity: SeverityLevel;
  readonly ratings: readonly SeverityRating[];
  readonly epss?: { readonly score: number; readonly percentile: number };
  readonly kev?: { readonly dateAdded: string; readonly dueDate?: string };
  readonly fixedVersions: readonly string[];
  readonly status: FindingStatus;
  readonly published?: string;
  readonly fixAvailableSince?: string;
  readonly summary?: string;
  readonly references: readonly Reference[];
  readonly evidence: FindingEvidence;
  readonly suppressed?: Suppression;
  readonly cwes?: readonly string[];
  /** Kinds 'secret' and 'config': the file, layer, line or config field. */
  readonly location?: FindingLocation;
}
