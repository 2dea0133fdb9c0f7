/**
 * Writes a command's result to `-o FILE` (atomically, via a temp file that
 * is renamed into place only once complete) or stdout. The result may be one
 * string or a document written piece by piece, which is streamed out without
 * ever being held whole. It always ends with a newline.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { writePieces } from './write-pieces.js';

export async function writeOutput(text: string | Iterable<string>, file?: string): Promise<void> {
  const pieces = endingWithNewline(typeof text === 'string' ? [text] : text);
  if (!file || file === '-') {
    await writePieces(pieces, process.stdout);
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  const stream = createWriteStream(temp);
  try {
    await writePieces(pieces, stream);
    stream.end();
    await finished(stream);
  } catch (error) {
    // The temp file may still be opening: remove it only once the stream has closed it.
    if (!stream.closed) await new Promise<void>((resolve) => stream.destroy().once('close', () => resolve()));
    await rm(temp, { force: true });
    throw error;
  }
  await rename(temp, file);
}

function* endingWithNewline(pieces: Iterable<string>): Generator<string, void, undefined> {
  let last = '';
  for (const piece of pieces) {
    if (piece !== '') last = piece;
    yield piece;
  }
  if (!last.endsWith('\n')) yield '\n';
}
