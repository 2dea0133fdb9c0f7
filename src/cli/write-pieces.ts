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
      if (!sink.write(chunk)) await until(sink, (done) => sink.once('drain', () => done()));
    }
    throwIfFailed();
    // The last write's callback runs once everything before it has been handed to the OS too.
    const last = batch.join('');
    await until(sink, (done) => sink.write(last, done));
    throwIfFailed();
  } finally {
    // A stream that failed may still emit its error (Node emits it on the
    // next tick, after the failed write's callback): keep listening, or that
    // late event would crash the process instead of the one-line error.
    if (!sink.destroyed && !sink.errored) sink.off('error', onError);
  }
}

/**
 * Resolves when `start`'s callback reports success; rejects with its error,
 * or with the stream's error or close if one comes first (a destroyed stream
 * never calls back, and must not leave the command waiting forever).
 */
function until(sink: Writable, start: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      sink.off('error', settle);
      sink.off('close', onClose);
      if (error === undefined || error === null) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onClose = (): void => settle(sink.errored ?? new Error('the output was closed before the document was written'));
    sink.on('error', settle);
    sink.on('close', onClose);
    // The stream may have failed or closed between the last write and now.
    if (sink.errored) settle(sink.errored);
    else if (sink.destroyed) onClose();
    else start(settle);
  });
}
