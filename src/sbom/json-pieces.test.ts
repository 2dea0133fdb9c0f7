import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonArrayOf, jsonLater, jsonPieces } from './json-pieces.js';

const join = (pieces: Iterable<string>): string => [...pieces].join('');

describe('jsonPieces', () => {
  it('writes exactly what JSON.stringify(value, null, 2) writes, at every depth', () => {
    const value = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    const container = fc.oneof(fc.array(value), fc.dictionary(fc.string(), value), fc.object({ values: [value] }));
    fc.assert(
      fc.property(container, fc.integer({ min: 0, max: 4 }), (doc, depth) => {
        expect(join(jsonPieces(doc, depth))).toBe(JSON.stringify(doc, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('omits members JSON omits and writes null for array elements JSON cannot write, as JSON.stringify does', () => {
    const doc = {
      a: undefined,
      f: () => 1,
      s: Symbol('s'),
      list: [undefined, () => 1, Symbol('x'), Number.NaN, -0, new Date(0), 'line\nbreak\u2028'],
      nested: { only: undefined },
      empty: [],
    };
    for (const depth of [0, 1, 2, 3]) expect(join(jsonPieces(doc, depth))).toBe(JSON.stringify(doc, null, 2));
  });

  it('writes a jsonArrayOf as the array of its elements, reading the iterable only when reached', () => {
    const read: string[] = [];
    function* items(): Generator<object> {
      read.push('items');
      yield { id: 1, tags: ['x', 'y'] };
      yield { id: 2, tags: [] };
    }
    const pieces = jsonPieces({ head: 'h', items: jsonArrayOf(items()), none: jsonArrayOf([]), tail: 't' });
    expect(read).toEqual([]);
    const text = join(pieces);
    expect(text).toBe(
      JSON.stringify({ head: 'h', items: [{ id: 1, tags: ['x', 'y'] }, { id: 2, tags: [] }], none: [], tail: 't' }, null, 2),
    );
    expect(read).toEqual(['items']);
  });

  it('computes a jsonLater after everything before it is written, and omits it when it is undefined', () => {
    const seen: number[] = [];
    function* counted(): Generator<number> {
      for (const n of [1, 2, 3]) {
        seen.push(n);
        yield n;
      }
    }
    const doc = {
      numbers: jsonArrayOf(counted()),
      total: jsonLater(() => seen.reduce((a, b) => a + b, 0)),
      absent: jsonLater(() => undefined),
      last: jsonLater(() => ({ seen: [...seen] })),
    };
    expect(join(jsonPieces(doc))).toBe(JSON.stringify({ numbers: [1, 2, 3], total: 6, last: { seen: [1, 2, 3] } }, null, 2));
  });

  it('yields an opened list a few elements at a time, not the whole list at once', () => {
    const packages = Array.from({ length: 1000 }, (_, n) => ({ name: `p${n}`, versions: [`${n}.0`, `${n}.1`] }));
    const pieces = [...jsonPieces({ packages: jsonArrayOf(packages) })];
    const text = pieces.join('');
    expect(text).toBe(JSON.stringify({ packages }, null, 2));
    expect(pieces.length).toBeGreaterThan(20);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(text.length / 20);
  });

  it('writes elements whole at any indentation, mixed with opened ones', () => {
    const doc = { a: { b: [1, { c: [2, 3] }, 'x', [4], [], {}, null, undefined] }, list: Array.from({ length: 70 }, (_, n) => ({ n })) };
    for (const depth of [0, 1, 2, 3, 4, 5]) expect(join(jsonPieces(doc, depth))).toBe(JSON.stringify(doc, null, 2));
  });
});
