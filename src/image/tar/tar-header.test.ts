import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../domain/errors.js';
import { parseHeader } from './tar-header.js';

/** A ustar header whose text fields hold `fill` bytes, with the checksum as POSIX defines it (field counted as spaces). */
function header(fill: (length: number) => Buffer, checksumDelta = 0): Buffer {
  const block = Buffer.alloc(512);
  fill(100).copy(block, 0); // name
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write('00000000000\0', 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block[156] = 0x30;
  fill(100).copy(block, 157); // linkname
  block.write('ustar\x0000', 257, 'latin1');
  fill(155 + 12).copy(block, 345); // prefix and the trailing pad
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${(sum + checksumDelta).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

describe('parseHeader checksum', () => {
  const fills = [(n: number) => Buffer.alloc(n, 0xff), (n: number) => randomBytes(n), (n: number) => Buffer.alloc(n, 0x61)];

  it('accepts the POSIX checksum at any byte offset of the chunk, and refuses one that is off by one', () => {
    for (const fill of fills) {
      for (const delta of [0, 1, -1]) {
        const block = header(fill, delta);
        for (let offset = 0; offset < 4; offset++) {
          // The header as a view into a larger chunk, as the stream reader hands it over.
          const chunk = Buffer.alloc(512 + 8);
          block.copy(chunk, offset);
          const view = chunk.subarray(offset, offset + 512);
          if (delta === 0) expect(() => parseHeader(view)).not.toThrow();
          else expect(() => parseHeader(view)).toThrow(ImageFormatError);
        }
      }
    }
  });
});
