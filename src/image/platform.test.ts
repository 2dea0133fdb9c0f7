import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js';

describe('platform', () => {
  it('parses and normalizes os/arch/variant', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(formatPlatform(parsePlatform('linux/arm/v6'))).toBe('linux/arm/v6');
    for (const bad of ['linux', 'linux/amd64/v1/x', '', 'linux/../etc']) expect(() => parsePlatform(bad)).toThrow(BadInputError);
  });

  it('matches index entries the way containerd does', () => {
    expect(platformMatches({ os: 'linux', architecture: 'arm64' }, parsePlatform('linux/arm64/v8'))).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm'))).toBe(false);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm' })).toBe(true);
    expect(platformMatches({ os: 'windows', architecture: 'amd64' }, parsePlatform('linux/amd64'))).toBe(false);
  });

  it('defaults to the host architecture as Debian names it', () => {
    const dpkg = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    const expected = { amd64: 'amd64', arm64: 'arm64', armhf: 'arm', i386: '386', ppc64el: 'ppc64le', s390x: 's390x' }[dpkg];
    expect(hostPlatform()).toMatchObject({ os: 'linux', architecture: expected });
  });
});
