import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeArchivePath } from './tar-path.js';

const limits = { maxPathLength: 4096 };

/** True when some prefix of the name climbs above the root ('a/../../b'), which Node's resolve silently clamps. */
function escapes(name: string): boolean {
  let depth = 0;
  for (const part of name.split('/')) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

describe('normalizeArchivePath', () => {
  it('agrees with path.posix.resolve on every name that stays inside the root, and refuses the rest', () => {
    const segments = ['usr', 'a.b', '.', '..', '', '...', '..x', '.wh.f', 'node_modules'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: 1 + random(6) }, () => segments[random(segments.length)] as string);
      const name = (random(3) === 0 ? './' : random(4) === 0 ? '/' : '') + parts.join('/') + (random(3) === 0 ? '/' : '');
      const verdict = normalizeArchivePath(name, limits);
      if (escapes(name)) expect(verdict, name).toEqual({ ok: false, reason: 'path escapes the root with ..' });
      else expect(verdict, name).toEqual({ ok: true, path: path.posix.resolve('/', name) });
    }
  });

  it('refuses NUL bytes and over-long names', () => {
    expect(normalizeArchivePath('etc/pass\0wd', limits).ok).toBe(false);
    expect(normalizeArchivePath('a'.repeat(4097), limits).ok).toBe(false);
  });
});
