/**
 * A byte range of a file read in 1 MiB chunks into a few buffers that are
 * used over and over. Streaming a 1 GB layer through fresh buffers makes a
 * gigabyte of short-lived external memory: V8 answers with a full GC every
 * few dozen megabytes and the process's RSS carries the garbage until then.
 * Recycled buffers cost neither. The price is a contract on the reader: a
 * chunk's bytes stay valid only until RECYCLE_AFTER more chunks were asked
 * for, so whatever is kept must be copied (the layer reader copies file
 * bodies, and parses headers before it moves on). A buffer lent out with
 * buffer-loan.ts is not read into again before it is returned.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { ImageFormatError } from '../domain/errors.js';
import { bufferReturned } from './buffer-loan.js';

export interface FileChunks extends AsyncIterable<Buffer> {
  /** Closes the file; safe to call at any point, more than once. */
  close(): Promise<void>;
}

const CHUNK_BYTES = 1024 * 1024;
/**
 * Buffers in rotation. One is being filled ahead of the reader, one is the
 * reader's current chunk, and the one before may still be looked at (a tar
 * header's extension body whose padding ends in the next chunk; a chunk zlib
 * is still inflating): a buffer comes back after this many chunks, a margin
 * over those three.
 */
export const RECYCLE_AFTER = 6;

/** Reads `length` bytes of `file` from `start`; a file shorter than that is a truncated archive. */
export function fileChunks(file: string, start: number, length: number): FileChunks {
  let handle: FileHandle | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    const h = handle;
    handle = undefined;
    await h?.close();
  };
  async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    if (length === 0) return;
    handle = await open(file, 'r');
    // Shared memory, so the layer hash can lend a chunk to its worker instead of copying it (buffer-loan.ts).
    const pool = Array.from({ length: Math.min(RECYCLE_AFTER, Math.ceil(length / CHUNK_BYTES)) }, () => Buffer.from(new SharedArrayBuffer(CHUNK_BYTES)));
    let next = 0;
    let at = 0;
    const readChunk = async (): Promise<Buffer | undefined> => {
      if (at >= length || closed || !handle) return undefined;
      const buffer = pool[next++ % pool.length] as Buffer;
      const lent = bufferReturned(buffer.buffer);
      if (lent) await lent;
      const want = Math.min(CHUNK_BYTES, length - at);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buffer, got, want - got, start + at + got);
        if (bytesRead === 0) throw new ImageFormatError(`${file} ends inside a member (truncated archive)`);
        got += bytesRead;
      }
      at += want;
      return buffer.subarray(0, want);
    };
    try {
      // One read ahead, so the disk (or page cache copy) works while the reader parses.
      let pending = readChunk();
      while (true) {
        const chunk = await pending;
        if (!chunk) return;
        pending = readChunk();
        // A failed read-ahead surfaces when it is awaited; until then it must not count as unhandled.
        pending.catch(() => undefined);
        yield chunk;
      }
    } finally {
      await close();
    }
  }
  return { [Symbol.asyncIterator]: chunks, close };
}
