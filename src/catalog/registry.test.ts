import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { CATALOGERS, selectCatalogers } from './registry.js';

const names = (terms: string[]): string[] => selectCatalogers(terms).map((c) => c.name);

describe('selectCatalogers', () => {
  it('runs everything by default', () => {
    expect(names([])).toEqual(CATALOGERS.map((c) => c.name));
  });
  it('selects by exact name and by prefix, and excludes with a leading dash', () => {
    expect(names(['os/dpkg'])).toEqual(['os/dpkg']);
    expect(names(['os'])).toEqual(CATALOGERS.filter((c) => c.name.startsWith('os/')).map((c) => c.name));
    expect(names(['os,-os/rpm'])).not.toContain('os/rpm');
    expect(names(['-os/rpm'])).toEqual(CATALOGERS.filter((c) => c.name !== 'os/rpm').map((c) => c.name));
  });
  it('rejects unknown names with a hint', () => {
    expect(() => names(['os/nope'])).toThrow(BadInputError);
    expect(() => names(['os/nope'])).toThrow(/bulkhead catalogers/);
  });
  it('gives every cataloger a unique name', () => {
    expect(new Set(CATALOGERS.map((c) => c.name)).size).toBe(CATALOGERS.length);
  });
});
