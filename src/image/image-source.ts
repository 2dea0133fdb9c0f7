/**
 * The image-source contract: every transport (docker-archive, OCI layout,
 * registry, Docker daemon) hands the reader its layer blobs as streams and
 * describes the image. Sources never extract to disk.
 */
import type { Readable } from 'node:stream';
import type { ImageMetadata } from '../domain/image.js';
import type { TargetKind } from '../domain/inventory.js';
import type { FileChunks } from './file-chunks.js';

export type Compression = 'gzip' | 'zstd' | 'none' | 'detect';

export interface LayerBlob {
  /** Position among the image's filesystem layers when the source knows it up front. */
  readonly index?: number;
  /** Digest of the bytes as delivered; the reader verifies it when present. */
  readonly digest?: string;
  /** sha256 of the uncompressed tar; the reader verifies it when present. */
  readonly diffId?: string;
  readonly mediaType?: string;
  readonly compression: Compression;
  /** Size in bytes as delivered, when known (for progress). */
  readonly size?: number;
  /** The blob's bytes. Called once; the stream must be consumed before the next blob is requested. */
  open(): Promise<Readable>;
  /**
   * The same bytes from a file on disk, in recycled buffers (see image/file-chunks.ts: a chunk is valid
   * only until a few more were read). The layer reader prefers it over open(); it must close() it.
   */
  openChunks?(): FileChunks;
}

export interface ImageSource {
  readonly kind: TargetKind;
  readonly reference: string;
  /** Layer blobs, base first where the source allows it (the Docker daemon stream may not). */
  layers(): AsyncIterable<LayerBlob>;
  /**
   * True when the blobs layers() yields may be opened and read concurrently and
   * metadata() is available before any layer is read (random-access sources:
   * archives and layouts on disk). Absent means strictly one blob at a time.
   */
  readonly randomAccess?: boolean;
  /** Image identity and configuration. May only be complete once layers() is exhausted. */
  metadata(): Promise<ImageMetadata>;
  close(): Promise<void>;
}

export interface ReadProgress {
  readonly layer: number;
  readonly layers: number;
  /** Bytes of blobs read so far (as delivered). */
  readonly bytes: number;
  readonly totalBytes?: number;
}
