/**
 * The image module: reads container images (docker-archive, OCI layout and
 * archive, and — through other sources — registries and the Docker daemon)
 * and root filesystems into a FileTree that catalogers read from. Sources
 * stream layer blobs; readImage verifies, squashes and keeps only the
 * selected files' content.
 */
export { readImage } from './read-image.js';
export type { ReadImageOptions, ReadImageResult } from './read-image.js';
export type { FileEntry, FileTree, FileType } from './file-tree.js';
export type { Compression, ImageSource, LayerBlob, ReadProgress } from './image-source.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { ReadLimits } from './limits.js';
export { parseImageConfig } from './image-config.js';
export type { ImageConfigContext } from './image-config.js';
export {
  MEDIA_TYPES,
  descriptorSchema,
  indexSchema,
  layerCompression,
  manifestSchema,
  parseIndexDocument,
  parseManifestDocument,
} from './manifest.js';
export type { Descriptor, ImageIndex, ImageManifest, ManifestDocument } from './manifest.js';
export { formatPlatform, hostPlatform, normalizePlatform, parsePlatform, platformMatches } from './platform.js';
export type { Platform } from './platform.js';
export { isDigest, parseDigest } from './digest.js';
export { openDockerArchive } from './sources/docker-archive.js';
export type { DockerArchiveOptions } from './sources/docker-archive.js';
export { openOciLayout } from './sources/oci-layout.js';
export { openOciArchive } from './sources/oci-archive.js';
export { openDirectory } from './sources/dir.js';
export type { DirectorySelection, DirectoryTarget } from './sources/dir.js';
