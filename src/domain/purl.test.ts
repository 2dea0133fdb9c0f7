import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPurl, parsePurl } from './purl.js';

describe('formatPurl', () => {
  // Canonical forms as the purl spec's encoding rules and examples give them.
  it.each([
    [{ type: 'deb', namespace: 'debian', name: 'openssl', version: '3.0.11-1~deb12u2', qualifiers: { distro: 'debian-12', arch: 'amd64' } }, 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'],
    [{ type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u4', qualifiers: { arch: 'amd64' } }, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64'],
    [{ type: 'deb', namespace: 'debian', name: 'zlib1g', version: '1:1.2.13.dfsg-1' }, 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1'],
    [{ type: 'npm', namespace: '@babel', name: 'core', version: '7.24.0' }, 'pkg:npm/%40babel/core@7.24.0'],
    [{ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'],
    [{ type: 'golang', namespace: 'github.com/gorilla', name: 'context', version: 'v1.1.1' }, 'pkg:golang/github.com/gorilla/context@v1.1.1'],
    [{ type: 'oci', name: 'debian', version: 'sha256:244fd47e07d10', qualifiers: { repository_url: 'ghcr.io/debian', tag: 'bullseye' } }, 'pkg:oci/debian@sha256:244fd47e07d10?repository_url=ghcr.io%2Fdebian&tag=bullseye'],
    [{ type: 'generic', name: 'a b', version: '1.0', qualifiers: { empty: '', x: undefined } }, 'pkg:generic/a%20b@1.0'],
    [{ type: 'cocoapods', name: 'GoogleUtilities', version: '7.5.2', subpath: 'NSData+zlib' }, 'pkg:cocoapods/GoogleUtilities@7.5.2#NSData%2Bzlib'],
  ])('%j → %s', (parts, expected) => {
    expect(formatPurl(parts)).toBe(expected);
  });

  it('round-trips any name, version and qualifier value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string(), (name, version, value) => {
        const purl = formatPurl({ type: 'generic', name, version, qualifiers: { q: value } });
        const back = parsePurl(purl);
        expect(back.name).toBe(name);
        expect(back.version ?? '').toBe(version);
        expect(back.qualifiers?.q ?? '').toBe(value);
      }),
    );
  });

  it('parses the spec\'s examples, with either encoding of a character', () => {
    expect(parsePurl('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64')).toEqual(parsePurl('pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64'));
    expect(parsePurl('pkg:npm/%40babel/core@7.24.0')).toEqual({ type: 'npm', namespace: '@babel', name: 'core', version: '7.24.0' });
    expect(parsePurl('pkg:maven/org.apache.commons/io@1.3.4?repository_url=repo.spring.io%2Frelease#a/b')).toEqual({
      type: 'maven',
      namespace: 'org.apache.commons',
      name: 'io',
      version: '1.3.4',
      qualifiers: { repository_url: 'repo.spring.io/release' },
      subpath: 'a/b',
    });
    expect(parsePurl('pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c')).toMatchObject({ namespace: 'github.com/gorilla', name: 'context' });
    expect(() => parsePurl('npm/foo@1')).toThrow(/pkg:/);
    expect(() => parsePurl('pkg:npm')).toThrow(/type and name/);
    expect(() => parsePurl('pkg:npm/a@%ZZ')).toThrow(/percent-encoding/);
  });
});
