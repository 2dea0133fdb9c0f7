import { describe, expect, it } from 'vitest';
import { compileGlob, GlobSyntaxError } from './glob.js';

describe('policy globs', () => {
  it('matches segments, trees, classes and alternatives', () => {
    expect(compileGlob('docker.io/library/*').test('docker.io/library/debian')).toBe(true);
    expect(compileGlob('docker.io/library/*').test('docker.io/library/a/b')).toBe(false);
    expect(compileGlob('ghcr.io/**').test('ghcr.io/acme/app/api')).toBe(true);
    expect(compileGlob('team-[a-c]?').test('team-b1')).toBe(true);
    expect(compileGlob('team-[!a-c]').test('team-b')).toBe(false);
    expect(compileGlob('/etc/{nginx,apache2}/*.conf').test('/etc/apache2/x.conf')).toBe(true);
    expect(compileGlob('a.b+c').test('aXb+c')).toBe(false);
  });

  it('rejects globs that do not compile', () => {
    for (const bad of ['', '[abc', '{a,b', '[z-a]']) expect(() => compileGlob(bad), bad).toThrow(GlobSyntaxError);
  });
});
