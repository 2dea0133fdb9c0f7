import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { BulkheadError, ImageFormatError } from '../domain/errors.js';
import type { Compression } from './image-source.js';

/**
 * Decompression of layer blobs as async iterables of chunks. Output is
 * produced under backpressure (gzip) or in small slices (zstd), so a
 * decompression bomb is stopped by the caller's byte limit before it fills memory.
 */
export type ConcreteCompression = Exclude<Compression, 'detect'>;

/** Sniffs magic bytes: gzip 1f 8b, zstd 28 b5 2f fd; anything else is treated as a plain tar. */
export function sniffCompression(head: Uint8Array): ConcreteCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Input slice fed to fzstd per push: bounds what one push can emit (a zstd RLE block turns 4 bytes into 128 KiB). */
const ZSTD_SLICE = 4096;

export function decompress(input: AsyncIterable<Buffer>, compression: ConcreteCompression): AsyncIterable<Buffer> {
  switch (compression) {
    case 'none':
      return input;
    case 'gzip':
      return gunzip(input);
    case 'zstd':
      return unzstd(input);
  }
}

async function* gunzip(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createGunzip({ chunkSize: 64 * 1024 });
  let failure: unknown;
  const out = pipeline(input, inflater, (error) => {
    if (error) failure = error;
  });
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } catch (error) {
    throw wrap(failure ?? error, 'gzip');
  }
  if (failure) throw wrap(failure, 'gzip');
}

async function* unzstd(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  const decoder = new Decompress((chunk) => {
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  try {
    for await (const chunk of input) {
      for (let at = 0; at < chunk.length; at += ZSTD_SLICE) {
        decoder.push(chunk.subarray(at, Math.min(chunk.length, at + ZSTD_SLICE)));
        if (pending.length > 0) {
          const ready = pending;
          pending = [];
          yield* ready;
        }
      }
    }
    decoder.push(new Uint8Array(0), true);
    yield* pending;
  } catch (error) {
    throw wrap(error, 'zstd');
  }
}

function wrap(error: unknown, format: string): Error {
  // Errors of our own (limits raised by the consumer, source failures) pass through unchanged.
  if (error instanceof BulkheadError) return error;
  return new ImageFormatError(`corrupt ${format} stream: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
