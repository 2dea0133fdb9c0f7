/** Reads at most maxBytes of a file (procfs files report size 0, so stat cannot bound them). */
import { open } from 'node:fs/promises';
import { LimitExceededError } from '../../domain/errors.js';

export async function readBounded(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    while (total <= maxBytes) {
      const { bytesRead } = await handle.read(buffer, total, maxBytes + 1 - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > maxBytes) throw new LimitExceededError(`${file} is larger than ${maxBytes} bytes`);
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}
