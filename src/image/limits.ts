/** Bounds that keep hostile images from exhausting memory, disk or time. */
export interface ReadLimits {
  /** Largest single file whose content is buffered for a cataloger. */
  readonly maxFileBytes: number;
  /** Total bytes of buffered file content across the whole image. */
  readonly maxBufferedBytes: number;
  /** Largest uncompressed layer (decompression bombs stop here). */
  readonly maxLayerBytes: number;
  /** Most tar entries per layer. */
  readonly maxEntriesPerLayer: number;
  /** Largest manifest, index or config JSON document. */
  readonly maxJsonBytes: number;
  /** Most symlinks followed while resolving one path. */
  readonly maxSymlinkHops: number;
  /** Longest path accepted from a tar header or a link target. */
  readonly maxPathLength: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxBufferedBytes: 1024 * 1024 * 1024,
  maxLayerBytes: 32 * 1024 * 1024 * 1024,
  maxEntriesPerLayer: 2_000_000,
  maxJsonBytes: 8 * 1024 * 1024,
  maxSymlinkHops: 40,
  maxPathLength: 4096,
};
