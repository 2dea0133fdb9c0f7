/**
 * Drains a document written piece by piece (the SBOM writers' …Pieces) into
 * a stream — standard output or a file — in chunks of about 64 KiB. It waits
 * for 'drain' whenever the stream's buffer is full, so a slow reader never
 * makes the document pile up in memory, and the first error of the stream
 * rejects the returned promise (nothing is left to crash the process later).
 */
import type { Writable } from 'node:stream';

const CHUNK_CHARS = 64 * 1024;

export async function writePieces(pieces: Iterable<string>, sink: Writable, chunkChars = CHUNK_CHARS): Promise<void> {
  // Set by the listener at any time, so read through a function (TypeScript would narrow a plain variable).
  let failure: { readonly error: unknown } | undefined;
  const onError = (error: unknown): void => {
    failure ??= { error };
  };
  const throwIfFailed = (): void => {
    if (failure !== undefined) throw failure.error;
  };
  sink.on('error', onError);
  try {
    let batch: string[] = [];
    let size = 0;
    for (const piece of pieces) {
      batch.push(piece);
      size += piece.length;
      if (size < chunkChars) continue;
      const chunk = batch.join('');
      batch = [];
      size = 0;
      throwIfFailed();
      if (!sink.write(chunk)) await drained(sink);
    }
    throwIfFailed();
    // The last write's callback runs once everything before it has been handed to the OS too.
    const last = batch.join('');
    await new Promise<void>((resolve, reject) => {
      sink.write(last, (error) => (error ? reject(error) : resolve()));
    });
    throwIfFailed();
  } finally {
    sink.off('error', onError);
  }
}

function drained(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown): void => {
      sink.off('drain', onDrain);
      sink.off('error', onError);
      sink.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onDrain = (): void => settle();
    const onError = (error: unknown): void => settle(error);
    const onClose = (): void => settle(new Error('the output was closed before the document was written'));
    sink.on('drain', onDrain);
    sink.on('error', onError);
    sink.on('close', onClose);
    // The stream may have failed or closed between the write and now.
    if (sink.errored) settle(sink.errored);
    else if (sink.destroyed) onClose();
  });
}
