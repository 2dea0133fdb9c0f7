import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageFormatError } from '../domain/errors.js';
import { fileChunks, RECYCLE_AFTER } from './file-chunks.js';
import { makeTemp } from './testdata/make-archives.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

describe('fileChunks', () => {
  const data = randomBytes((RECYCLE_AFTER + 3) * 1024 * 1024 + 12_345);
  const file = path.join(temp.dir, 'data.bin');
  writeFileSync(file, data);

  it('delivers exactly the byte range, in order, across more chunks than it has buffers', async () => {
    const start = 777;
    const length = data.length - start - 100;
    const copies: Buffer[] = [];
    // Copied as they arrive: a chunk's buffer is reused RECYCLE_AFTER chunks later.
    for await (const chunk of fileChunks(file, start, length)) copies.push(Buffer.from(chunk));
    expect(copies.length).toBeGreaterThan(RECYCLE_AFTER);
    expect(Buffer.concat(copies).equals(data.subarray(start, start + length))).toBe(true);
  });

  it('reuses its buffers: a chunk kept without copying is overwritten later (the contract readers must honour)', async () => {
    const kept: Buffer[] = [];
    for await (const chunk of fileChunks(file, 0, data.length)) kept.push(chunk);
    expect(kept[0]!.equals(data.subarray(0, kept[0]!.length))).toBe(false);
  });

  it('reports a range past the end of the file as a truncated archive, and closes on an early stop', async () => {
    await expect(async () => {
      for await (const chunk of fileChunks(file, data.length - 10, 1000)) void chunk;
    }).rejects.toBeInstanceOf(ImageFormatError);
    const chunks = fileChunks(file, 0, data.length);
    for await (const chunk of chunks) {
      expect(chunk.length).toBe(1024 * 1024);
      break;
    }
    await chunks.close();
    let n = 0;
    for await (const chunk of fileChunks(file, 5, 0)) n += chunk.length;
    expect(n).toBe(0);
  });
});
