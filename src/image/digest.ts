/**
 * Content digests as they appear in manifests and configs. Blob paths are
 * built from digests, so a digest is validated before it ever becomes a path.
 */
import { createHash } from 'node:crypto';
import { ImageFormatError } from '../domain/errors.js';

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export interface ParsedDigest {
  readonly algorithm: 'sha256' | 'sha512';
  readonly hex: string;
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Splits a digest into algorithm and hex, refusing anything that is not a well-formed sha256/sha512 digest. */
export function parseDigest(value: string): ParsedDigest {
  if (!DIGEST.test(value)) {
    throw new ImageFormatError(`invalid digest ${JSON.stringify(value.slice(0, 140))}`);
  }
  const [algorithm, hex] = value.split(':') as ['sha256' | 'sha512', string];
  return { algorithm, hex };
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
