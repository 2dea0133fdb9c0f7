import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLayerHash, PARALLEL_HASH_MIN_BYTES } from './layer-hash.js';

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
});
