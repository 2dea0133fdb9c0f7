import type { Ecosystem } from './ecosystem.js';

/** Where a package was found: a path inside the image and the layer that put it there. */
export interface PackageLocation {
  /** Absolute path inside the image or scanned directory, e.g. '/var/lib/dpkg/status'. */
  readonly path: string;
  /**
   * diffId of the layer behind this location: for a package database, the layer
   * that introduced the package (the earliest layer holding its installed
   * files); otherwise the layer that last wrote the file. Absent for directory
   * and SBOM targets.
   */
  readonly layer?: string;
}

export interface SourcePackage {
  readonly name: string;
  readonly version?: string;
}

export type DependencyScope = 'prod' | 'dev' | 'optional' | 'peer';

/** How sure the cataloger is: 'low' for guesses such as a jar's file name. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * One software component found in a target. Carries everything a matcher
 * searches by: the name as the ecosystem spells it, the exact version, the
 * source package and the distro release for OS packages.
 */
export interface Package {
  /** Stable within one inventory: used for relationships and SBOM bom-refs. */
  readonly id: string;
  readonly ecosystem: Ecosystem;
  readonly name: string;
  /** Distro-exact for OS packages: epoch, upstream version and revision/release. */
  readonly version: string;
  readonly purl: string;
  readonly arch?: string;
  /** Debian source package, apk origin, RPM source RPM name and version. */
  readonly source?: SourcePackage;
  /** e.g. 'debian-12', 'alpine-3.19', 'rhel-9': the release whose advisories apply. */
  readonly distro?: string;
  /** SPDX expressions or license names as the package declares them. */
  readonly licenses: readonly string[];
  readonly locations: readonly PackageLocation[];
  /** Cataloger name, e.g. 'os/dpkg'. */
  readonly foundBy: string;
  readonly scope?: DependencyScope;
  readonly confidence?: Confidence;
  /** Extra facts a format records (rpm vendor, epoch, release; apk checksum; …). */
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

export type RelationshipType = 'depends-on' | 'contains' | 'owns';

/** A directed edge between two packages of the same inventory, by Package.id. */
export interface Relationship {
  readonly from: string;
  readonly to: string;
  readonly type: RelationshipType;
}
