import type { Distro } from './distro.js';
import type { ImageMetadata } from './image.js';
import type { Package, Relationship } from './package.js';

export type TargetKind =
  | 'docker-archive'
  | 'oci-archive'
  | 'oci'
  | 'docker'
  | 'registry'
  | 'dir'
  | 'sbom';

/** A problem with one file or layer that did not stop the scan. */
export interface ScanWarning {
  readonly message: string;
  readonly path?: string;
  readonly layer?: string;
  /** Cataloger or stage that raised it. */
  readonly source?: string;
}

export interface CatalogerRun {
  readonly name: string;
  readonly version: number;
  readonly packages: number;
  readonly files: number;
}

/** The result of inventorying one target: what is inside it. */
export interface Inventory {
  readonly schema: 'bulkhead.inventory/v1';
  /** sha256 over (target identity + cataloger versions): the cache key of DESIGN.md. */
  readonly id: string;
  readonly target: { readonly kind: TargetKind; readonly reference: string };
  readonly image?: ImageMetadata;
  readonly distro?: Distro;
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly catalogers: readonly CatalogerRun[];
  readonly warnings: readonly ScanWarning[];
  readonly createdAt: string;
  readonly tool: { readonly name: 'bulkhead'; readonly version: string };
}
