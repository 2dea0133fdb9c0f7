import { describe, expect, it } from 'vitest';
import { recordMemo } from './record-memo.js';

describe('recordMemo', () => {
  it('computes once per record and leaves the record as JSON, spreading and equality see it', () => {
    const memo = recordMemo<{ v: string }, string>('test');
    const record = { v: 'a' };
    let calls = 0;
    const compute = (r: { v: string }): string => `${r.v}!${++calls}`;
    expect(memo.get(record, compute)).toBe('a!1');
    expect(memo.get(record, compute)).toBe('a!1');
    expect(calls).toBe(1);
    expect(JSON.stringify(record)).toBe('{"v":"a"}');
    expect(Object.keys({ ...record })).toEqual(['v']);
    expect(record).toStrictEqual({ v: 'a' });
    // Another record, and the same record under another memo, compute their own values.
    expect(memo.get({ v: 'b' }, compute)).toBe('b!2');
    expect(recordMemo<{ v: string }, string>('other').get(record, compute)).toBe('a!3');
  });

  it('works on frozen records (kept aside, still once)', () => {
    const memo = recordMemo<{ v: string }, number>('frozen');
    const record = Object.freeze({ v: 'x' });
    let calls = 0;
    expect(memo.get(record, () => ++calls)).toBe(1);
    expect(memo.get(record, () => ++calls)).toBe(1);
    expect(calls).toBe(1);
  });
});
