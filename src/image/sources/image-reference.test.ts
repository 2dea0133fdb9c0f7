// Cases come from distribution/reference's normalize_test.go and reference_test.go
// (the grammar Docker itself uses), not from this parser's output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import {
  familiarName,
  familiarString,
  formatReference,
  isLoopbackRegistry,
  manifestReference,
  parseImageReference,
  registryApiHost,
} from './image-reference.js';

const DIGEST = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

describe('parseImageReference: names Docker accepts', () => {
  it.each([
    'docker/docker',
    'library/debian',
    'debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
    'docker-rules/docker',
    'docker---rules/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
  ])('%s', (name) => {
    expect(() => parseImageReference(name)).not.toThrow();
  });
});

describe('parseImageReference: names Docker rejects', () => {
  it.each([
    '',
    'https://github.com/docker/docker',
    'docker/Docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker/Docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker',
    'debian:-tag',
    'debian:.tag',
    `debian:${'a'.repeat(129)}`,
    'debian@sha256:abc',
    'debian@md5:d41d8cd98f00b204e9800998ecf8427e',
    `debian@sha256:${'A'.repeat(64)}`,
    `debian@sha256:${'a'.repeat(63)}`,
  ])('%s', (name) => {
    expect(() => parseImageReference(name)).toThrow(BadInputError);
  });

  it('names the input and the reason', () => {
    expect(() => parseImageReference('docker/Docker')).toThrow(
      'invalid image reference "docker/Docker": repository name (docker/Docker) must be lowercase',
    );
    expect(() => parseImageReference('docker///docker')).toThrow('invalid reference format');
  });
});

describe('parseImageReference: normalization (TestParseRepositoryInfo)', () => {
  const cases: { path: string; familiar: string; full: string; ambiguous?: string; domain: string }[] = [
    { path: 'fooo/bar', familiar: 'fooo/bar', full: 'docker.io/fooo/bar', ambiguous: 'index.docker.io/fooo/bar', domain: 'docker.io' },
    { path: 'library/ubuntu', familiar: 'ubuntu', full: 'docker.io/library/ubuntu', ambiguous: 'library/ubuntu', domain: 'docker.io' },
    { path: 'nonlibrary/ubuntu', familiar: 'nonlibrary/ubuntu', full: 'docker.io/nonlibrary/ubuntu', domain: 'docker.io' },
    { path: 'other/library', familiar: 'other/library', full: 'docker.io/other/library', domain: 'docker.io' },
    { path: 'private/moonbase', familiar: '127.0.0.1:8000/private/moonbase', full: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000' },
    { path: 'privatebase', familiar: '127.0.0.1:8000/privatebase', full: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000' },
    { path: 'private/moonbase', familiar: 'example.com/private/moonbase', full: 'example.com/private/moonbase', domain: 'example.com' },
    { path: 'privatebase', familiar: 'example.com:8000/privatebase', full: 'example.com:8000/privatebase', domain: 'example.com:8000' },
    { path: 'library/ubuntu-12.04-base', familiar: 'ubuntu-12.04-base', full: 'docker.io/library/ubuntu-12.04-base', ambiguous: 'index.docker.io/library/ubuntu-12.04-base', domain: 'docker.io' },
    { path: 'library/foo', familiar: 'foo', full: 'docker.io/library/foo', ambiguous: 'docker.io/foo', domain: 'docker.io' },
    { path: 'library/foo/bar', familiar: 'library/foo/bar', full: 'docker.io/library/foo/bar', domain: 'docker.io' },
    { path: 'store/foo/bar', familiar: 'store/foo/bar', full: 'docker.io/store/foo/bar', domain: 'docker.io' },
    { path: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo' },
    { path: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO' },
  ];
  for (const c of cases) {
    for (const input of [c.familiar, c.full, ...(c.ambiguous ? [c.ambiguous] : [])]) {
      it(input, () => {
        const ref = parseImageReference(input);
        expect(ref.domain).toBe(c.domain);
        expect(ref.path).toBe(c.path);
        expect(familiarName(ref)).toBe(c.familiar);
        expect(formatReference(ref)).toBe(`${c.full}:latest`);
      });
    }
  }

  it.each([
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
    ['localhost/foo', 'localhost', 'foo'],
    ['localhost:5000/foo/bar:v1', 'localhost:5000', 'foo/bar'],
  ])('splits %s into %s + %s', (input, domain, path) => {
    const ref = parseImageReference(input);
    expect([ref.domain, ref.path]).toEqual([domain, path]);
  });
});

describe('parseImageReference: tags and digests', () => {
  it('defaults the tag to latest only when there is no digest', () => {
    expect(parseImageReference('redis')).toMatchObject({ tag: 'latest' });
    const pinned = parseImageReference(`redis@${DIGEST}`);
    expect(pinned.tag).toBeUndefined();
    expect(pinned.digest).toBe(DIGEST);
    expect(formatReference(pinned)).toBe(`docker.io/library/redis@${DIGEST}`);
    expect(manifestReference(pinned)).toBe(DIGEST);
  });

  it('keeps tag and digest together and fetches by digest (TestParseReferenceWithTagAndDigest)', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const ref = parseImageReference(short);
    expect(formatReference(ref)).toBe(`docker.io/library/${short}`);
    expect(familiarString(ref)).toBe(short);
    expect(manifestReference(ref)).toBe('sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
  });

  it('reads a registry port apart from a tag', () => {
    const ref = parseImageReference('127.0.0.1:5000/app/api:1.2.3-rc1');
    expect(ref).toEqual({ domain: '127.0.0.1:5000', path: 'app/api', tag: '1.2.3-rc1' });
    expect(parseImageReference('192.168.0.1:80')).toEqual({ domain: 'docker.io', path: 'library/192.168.0.1', tag: '80' });
  });

  it.each([
    ['dmcgowan/myapp:latest', 'docker.io/dmcgowan/myapp:latest'],
    ['docker.io/mcgowan/myapp:latest', 'docker.io/mcgowan/myapp:latest'],
    [`dmcgowan/myapp@${DIGEST}`, `docker.io/dmcgowan/myapp@${DIGEST}`],
    ['dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', 'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest'],
    ['dbcc1', 'docker.io/library/dbcc1:latest'],
  ])('%s is %s', (input, full) => {
    expect(formatReference(parseImageReference(input))).toBe(full);
  });
});

describe('registry hosts', () => {
  it('sends Docker Hub API calls to registry-1.docker.io', () => {
    expect(registryApiHost(parseImageReference('debian'))).toBe('registry-1.docker.io');
    expect(registryApiHost(parseImageReference('index.docker.io/library/debian'))).toBe('registry-1.docker.io');
    expect(registryApiHost(parseImageReference('ghcr.io/a/b'))).toBe('ghcr.io');
  });

  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3', true],
    ['[::1]:5000', true],
    ['example.com:5000', false],
    ['localhost.example.com', false],
    ['128.0.0.1:5000', false],
  ])('%s is loopback: %s', (domain, expected) => {
    expect(isLoopbackRegistry(domain)).toBe(expected);
  });
});

describe('parseImageReference: properties', () => {
  const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const component = fc
    .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), alnum), { maxLength: 2 }))
    .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
  const domain = fc.option(
    fc.oneof(
      fc.constant('localhost'),
      fc.tuple(alnum, alnum).map(([a, b]) => `${a}.${b}`),
      fc.tuple(fc.constantFrom('localhost', '127.0.0.1', 'registry.example'), fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`),
    ),
    { nil: undefined },
  );
  const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined });
  const digest = fc.option(fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`), { nil: undefined });
  const reference = fc
    .tuple(domain, fc.array(component, { minLength: 1, maxLength: 3 }), tag, digest)
    // Without a domain, a first component with a dot would be read as a domain (as Docker does), which is not what this generates.
    .filter(([d, parts]) => d !== undefined || !(parts[0] ?? '').includes('.'))
    .map(([d, parts, t, g]) => (d ? `${d}/` : '') + parts.join('/') + (t ? `:${t}` : '') + (g ? `@${g}` : ''));

  it('normalizing is idempotent: the canonical form parses to the same reference', () => {
    fc.assert(
      fc.property(reference, (input) => {
        const ref = parseImageReference(input);
        expect(parseImageReference(formatReference(ref))).toEqual(ref);
        expect(parseImageReference(familiarString(ref))).toEqual(ref);
      }),
    );
  });

  it('never throws anything but BadInputError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        try {
          parseImageReference(input);
        } catch (error) {
          expect(error).toBeInstanceOf(BadInputError);
        }
      }),
    );
  });
});
