import type { FileHandle } from 'node:fs/promises';
import { ImageFormatError } from '../../domain/errors.js';

/**
 * What the tar parser needs from its input: exact reads for headers and
 * cheap skips for bodies nobody wants. `position` is the offset of the next
 * byte, so the file indexer can record where each body starts.
 */
export interface ByteSource {
  readonly position: number;
  /** Exactly n bytes, or undefined at a clean end of input. A partial read is a truncated archive. */
  read(n: number): Promise<Buffer | undefined>;
  /** Reads n bytes and hands them over piecewise, without gathering them into one buffer. */
  forEach(n: number, sink: (piece: Buffer) => void): Promise<void>;
  skip(n: number): Promise<void>;
}

const truncated = (): ImageFormatError => new ImageFormatError('tar archive is truncated');

export interface StreamByteSource extends ByteSource {
  /** Consumes whatever follows the archive (padding records), so taps upstream see every byte. */
  drain(): Promise<void>;
}

/**
 * Synchronous fast paths for a ByteSource whose next bytes may already be in
 * memory: a tar walk over 100k members would otherwise await (and allocate a
 * promise) several times per member for bytes it already has.
 */
export interface BufferedByteSource extends ByteSource {
  /** Exactly n bytes when they are buffered (a subarray, valid until the next call), else undefined: then use read(). */
  readBuffered(n: number): Buffer | undefined;
  /** Skips n bytes when they are buffered and returns true; false (nothing skipped) otherwise: then use skip(). */
  skipBuffered(n: number): boolean;
}

/** A ByteSource over streamed chunks. Pieces are subarrays of the incoming chunks: no copy unless a read spans chunks. */
export function streamByteSource(chunks: AsyncIterable<Buffer>): StreamByteSource & BufferedByteSource {
  const it = chunks[Symbol.asyncIterator]();
  let chunk: Buffer = Buffer.alloc(0);
  let offset = 0;
  let position = 0;
  let ended = false;

  async function fill(): Promise<boolean> {
    while (offset >= chunk.length) {
      if (ended) return false;
      const next = await it.next();
      if (next.done) {
        ended = true;
        return false;
      }
      chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
      offset = 0;
    }
    return true;
  }

  async function forEach(n: number, sink: (piece: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await fill())) throw truncated();
      const take = Math.min(left, chunk.length - offset);
      sink(chunk.subarray(offset, offset + take));
      offset += take;
      position += take;
      left -= take;
    }
  }

  return {
    get position() {
      return position;
    },
    async read(n) {
      if (!(await fill())) return undefined;
      if (chunk.length - offset >= n) {
        const out = chunk.subarray(offset, offset + n);
        offset += n;
        position += n;
        return out;
      }
      const out = Buffer.allocUnsafe(n);
      let at = 0;
      await forEach(n, (piece) => {
        piece.copy(out, at);
        at += piece.length;
      });
      return out;
    },
    forEach,
    async skip(n) {
      await forEach(n, () => undefined);
    },
    readBuffered(n) {
      if (chunk.length - offset < n || n === 0) return undefined;
      const out = chunk.subarray(offset, offset + n);
      offset += n;
      position += n;
      return out;
    },
    skipBuffered(n) {
      if (chunk.length - offset < n) return false;
      offset += n;
      position += n;
      return true;
    },
    async drain() {
      offset = chunk.length;
      while (await fill()) {
        position += chunk.length - offset;
        offset = chunk.length;
      }
    },
  };
}

/** A ByteSource over a file opened for positional reads: skips are free, so indexing never touches bodies. */
export function fileByteSource(handle: FileHandle, fileSize: number): ByteSource {
  let position = 0;
  async function readAt(n: number): Promise<Buffer> {
    const out = Buffer.alloc(n);
    let at = 0;
    while (at < n) {
      const { bytesRead } = await handle.read(out, at, n - at, position + at);
      if (bytesRead === 0) throw truncated();
      at += bytesRead;
    }
    return out;
  }
  return {
    get position() {
      return position;
    },
    async read(n) {
      if (position >= fileSize) return undefined;
      if (position + n > fileSize) throw truncated();
      const out = await readAt(n);
      position += n;
      return out;
    },
    async forEach(n, sink) {
      if (position + n > fileSize) throw truncated();
      sink(await readAt(n));
      position += n;
    },
    async skip(n) {
      if (position + n > fileSize) throw truncated();
      position += n;
    },
  };
}
