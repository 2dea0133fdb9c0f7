import { describe, expect, it } from 'vitest';
import { bufferReturned, lendBuffer } from './buffer-loan.js';

describe('buffer loans', () => {
  it('waits until every loan of a buffer is returned, once each', async () => {
    const buffer = new SharedArrayBuffer(16);
    expect(bufferReturned(buffer)).toBeUndefined();
    const first = lendBuffer(buffer);
    const second = lendBuffer(buffer);
    let back = false;
    const waiting = bufferReturned(buffer)?.then(() => {
      back = true;
    });
    expect(waiting).toBeDefined();
    first();
    first(); // a second call of the same return must not count as the other loan's
    await Promise.resolve();
    expect(back).toBe(false);
    second();
    await waiting;
    expect(back).toBe(true);
    expect(bufferReturned(buffer)).toBeUndefined();
  });

  it('keeps buffers apart', () => {
    const a = new SharedArrayBuffer(8);
    const b = new SharedArrayBuffer(8);
    lendBuffer(a);
    expect(bufferReturned(a)).toBeDefined();
    expect(bufferReturned(b)).toBeUndefined();
  });
});
