import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferReturned } from './buffer-loan.js';
import { createLayerHash, endIdleHashWorker, PARALLEL_HASH_MIN_BYTES } from './layer-hash.js';

/** Feeds `data` in uneven pieces (so pieces straddle the worker's 1 MiB slots), waiting when asked to. */
async function feed(hash: ReturnType<typeof createLayerHash>, data: Buffer, piece: number): Promise<void> {
  for (let at = 0; at < data.length; at += piece) {
    const waiting = hash.update(data.subarray(at, Math.min(data.length, at + piece)));
    if (waiting) await waiting;
  }
}

const reference = (algorithm: string, data: Buffer): string => createHash(algorithm).update(data).digest('hex');

describe('createLayerHash', () => {
  const big = randomBytes(PARALLEL_HASH_MIN_BYTES + 3 * 1024 * 1024 + 17);

  it('hashes a large layer on the worker to the same digest as an inline hash (sha256 and sha512)', async () => {
    for (const algorithm of ['sha256', 'sha512'] as const) {
      const hash = createLayerHash(algorithm, big.length);
      await feed(hash, big, 300_001);
      expect(await hash.digest()).toBe(reference(algorithm, big));
    }
  });

  it('keeps concurrent layers apart and recovers the slots of an abandoned one', async () => {
    const other = randomBytes(PARALLEL_HASH_MIN_BYTES + 5);
    const a = createLayerHash('sha256', big.length);
    const b = createLayerHash('sha256', other.length);
    const abandoned = createLayerHash('sha256', big.length);
    await feed(abandoned, big.subarray(0, 2_500_000), 700_000);
    abandoned.dispose();
    await Promise.all([feed(a, big, 1024 * 1024), feed(b, other, 65_536)]);
    const [da, db] = await Promise.all([a.digest(), b.digest()]);
    expect(da).toBe(reference('sha256', big));
    expect(db).toBe(reference('sha256', other));
  });

  it('hashes small or unsized layers inline', async () => {
    const small = randomBytes(1000);
    for (const size of [small.length, undefined]) {
      const hash = createLayerHash('sha256', size);
      await feed(hash, small, 333);
      expect(await hash.digest()).toBe(reference('sha256', small));
    }
  });

  it('keeps the process alive while a digest is awaited, and not once the worker is idle', async () => {
    // Resources that keep the event loop alive: an idle worker must not be one (it lingers for seconds before it ends).
    const workerHandles = (): string[] => process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort');
    const hash = createLayerHash('sha256', big.length);
    await feed(hash, big, 1 << 20);
    expect(workerHandles().length).toBeGreaterThan(0);
    expect(await hash.digest()).toBe(reference('sha256', big));
    expect(workerHandles()).toEqual([]);
  });

  it('ends an idle worker on request, but not while a hash is open, and starts a new one when needed', async () => {
    // The worker is an OS thread of this process: it shows in /proc/self/task while it lives.
    const threads = async (): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return readdirSync('/proc/self/task').length;
    };
    const open = createLayerHash('sha256', big.length);
    await feed(open, big, 1 << 20);
    const withWorker = await threads();
    endIdleHashWorker(); // a hash is open: the worker stays
    expect(await threads()).toBe(withWorker);
    expect(await open.digest()).toBe(reference('sha256', big));
    endIdleHashWorker();
    expect(await threads()).toBe(withWorker - 1);
    const again = createLayerHash('sha256', big.length);
    await feed(again, big, 1 << 20);
    expect(await threads()).toBe(withWorker);
    expect(await again.digest()).toBe(reference('sha256', big));
  });
});

describe('createLayerHash with chunks in shared memory', () => {
  it('hashes lent chunks in place, and a reader that waits for their return may reuse the buffers', async () => {
    // Two recycled shared buffers, as file-chunks.ts reads a layer: were a buffer refilled while the worker
    // still read it, the digest would cover the new bytes instead of the old ones.
    const pool = [Buffer.from(new SharedArrayBuffer(1 << 20)), Buffer.from(new SharedArrayBuffer(1 << 20))];
    const data = randomBytes(PARALLEL_HASH_MIN_BYTES + (1 << 20) + 4097);
    const hash = createLayerHash('sha256', data.length);
    for (let at = 0, n = 0; at < data.length; at += 1 << 20, n++) {
      const buffer = pool[n % pool.length] as Buffer;
      await bufferReturned(buffer.buffer);
      const length = data.copy(buffer, 0, at, Math.min(data.length, at + (1 << 20)));
      const waiting = hash.update(buffer.subarray(0, length));
      // Lent, not copied: the buffer is out until the worker has read it.
      expect(bufferReturned(buffer.buffer)).toBeDefined();
      if (waiting) await waiting;
    }
    expect(await hash.digest()).toBe(reference('sha256', data));
    expect(pool.map((b) => bufferReturned(b.buffer))).toEqual([undefined, undefined]);
  });

  it('keeps the order of copied and lent bytes', async () => {
    const data = randomBytes(PARALLEL_HASH_MIN_BYTES + 1000);
    const shared = Buffer.from(new SharedArrayBuffer(data.length));
    data.copy(shared);
    const hash = createLayerHash('sha256', data.length);
    // Alternates plain (copied into slots) and shared (lent) pieces of uneven sizes.
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const end = Math.min(data.length, at + 700_001 + i * 13);
      const waiting = hash.update(i % 2 === 0 ? data.subarray(at, end) : shared.subarray(at, end));
      if (waiting) await waiting;
      at = end;
    }
    expect(await hash.digest()).toBe(reference('sha256', data));
    expect(bufferReturned(shared.buffer)).toBeUndefined();
  });
});
