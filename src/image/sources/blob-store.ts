/**
 * Where an OCI layout's files live: a directory on disk or members of a tar
 * file. Blobs are addressed only by validated digests and verified on read.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ImageFormatError } from '../../domain/errors.js';
import { parseDigest } from '../digest.js';
import type { FileChunks } from '../file-chunks.js';

export interface BlobStore {
  /** Human name for messages: the directory or archive path. */
  readonly location: string;
  /** A top-level file such as index.json; undefined when absent. */
  readFile(name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Blob bytes, verified against the digest; a missing blob is a BadInputError. */
  readBlob(digest: string, maxBytes: number): Promise<Buffer>;
  /** Stream of a (large) blob; the layer reader verifies the digest while reading. */
  openBlob(digest: string): Promise<Readable>;
  /** The same bytes in recycled buffers (LayerBlob.openChunks), when the store knows the blob's byte range up front. */
  blobChunks?(digest: string): FileChunks;
  /** Size on disk when the store knows it. */
  blobSize(digest: string): Promise<number | undefined>;
}

/** Relative path of a blob inside a layout: built only from a validated digest, so it cannot climb out. */
export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

export function verifyBlob(digest: string, bytes: Buffer, location: string): Buffer {
  const { algorithm, hex } = parseDigest(digest);
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== hex) throw new ImageFormatError(`blob ${digest} in ${location} does not match its digest (got ${algorithm}:${actual})`);
  return bytes;
}
