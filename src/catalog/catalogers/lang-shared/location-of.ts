import type { PackageLocation } from '../../../domain/package.js';
import type { FileEntry } from '../../../image/file-tree.js';

/** The package location for a selected file: its path and the layer that wrote it. */
export function locationOf(entry: FileEntry): PackageLocation {
  return entry.layer === undefined ? { path: entry.path } : { path: entry.path, layer: entry.layer };
}
