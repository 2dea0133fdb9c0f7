import type { Distro } from '../domain/distro.js';
import type { ImageMetadata } from '../domain/image.js';
import type { ScanWarning } from '../domain/inventory.js';
import type { Package, Relationship } from '../domain/package.js';

/** What a format reader extracted; read-sbom.ts wraps it into an Inventory. */
export interface SbomContent {
  /** Cataloger-like name recorded in Inventory.catalogers, e.g. 'sbom/cyclonedx'. */
  readonly reader: string;
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly image?: ImageMetadata;
  readonly distro?: Distro;
  readonly warnings: readonly ScanWarning[];
}
