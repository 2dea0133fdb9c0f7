import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseName } from './base-name.js';

describe('baseName', () => {
  it('answers as path.posix.basename, asked once or again in a row (property)', () => {
    const segment = fc.constantFrom('', '.', '..', 'usr', 'yarn.lock', 'Cargo.lock', 'a b');
    const p = fc.array(segment, { maxLength: 6 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(fc.array(fc.oneof(p, p.map((s) => `/${s}`), fc.string()), { maxLength: 8 }), (paths) => {
        for (const q of paths) {
          expect(baseName(q)).toBe(path.posix.basename(q));
          expect(baseName(q)).toBe(path.posix.basename(q));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
