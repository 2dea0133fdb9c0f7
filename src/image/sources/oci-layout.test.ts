import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { parsePlatform } from '../platform.js';
import { readImage } from '../read-image.js';
import { makeTemp, ociLayout, tarDir, writeTree } from '../testdata/make-archives.js';
import { openOciArchive } from './oci-archive.js';
import { openOciLayout } from './oci-layout.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());
const at = (name: string): string => path.join(temp.dir, name);

writeTree(at('amd'), { 'etc/arch': 'amd64' });
writeTree(at('arm'), { 'etc/arch': 'arm64' });
writeTree(at('armv7'), { 'etc/arch': 'armv7' });
const amd = tarDir(at('amd'), at('amd.tar'));
const arm = tarDir(at('arm'), at('arm.tar'));
const armv7 = tarDir(at('armv7'), at('armv7.tar'));
const multi = ociLayout(
  at('multi'),
  [
    { layers: [amd], platform: { os: 'linux', architecture: 'amd64' } },
    { layers: [arm], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { layers: [armv7], platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
  ],
  'latest',
);
const selects = (p: string): boolean => p === '/etc/arch';
const archOf = async (source: Parameters<typeof readImage>[0]): Promise<string> =>
  (await (await readImage(source, { selects })).tree.read('/etc/arch', 100)).toString();

describe('openOciLayout', () => {
  it('picks the image for the requested platform from a nested index', async () => {
    expect(await archOf(await openOciLayout(multi, 'latest', parsePlatform('linux/arm64')))).toBe('arm64');
    expect(await archOf(await openOciLayout(multi, 'latest', parsePlatform('linux/arm/v7')))).toBe('armv7');
    expect(await archOf(await openOciLayout(multi, undefined, parsePlatform('linux/amd64')))).toBe('amd64');
  });

  it('defaults to the host platform', async () => {
    const expected = process.arch === 'arm64' ? 'arm64' : 'amd64';
    expect(await archOf(await openOciLayout(multi))).toBe(expected);
  });

  it('explains a missing platform or ref', async () => {
    await expect(openOciLayout(multi, 'latest', parsePlatform('linux/s390x'))).rejects.toThrow(/no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7\)/);
    await expect(openOciLayout(multi, 'nope')).rejects.toThrow(/no image named "nope" \(refs: latest\)/);
  });

  it('selects among several images by ref name', async () => {
    const dir = ociLayout(at('refs'), [
      { layers: [amd], ref: 'one' },
      { layers: [arm], ref: 'two' },
    ]);
    expect(await archOf(await openOciLayout(dir, 'two'))).toBe('arm64');
    await expect(openOciLayout(dir)).rejects.toThrow(/choose one by reference \(refs: one, two\)/);
  });

  it('refuses unknown media types, bad digests and missing blobs with typed errors', async () => {
    const dir = ociLayout(at('bad'), [{ layers: [amd] }]);
    const indexFile = path.join(dir, 'index.json');
    const good = readFileSync(indexFile, 'utf8');
    const index = JSON.parse(good);

    index.manifests[0].mediaType = 'application/vnd.example.unknown+json';
    writeFileSync(indexFile, JSON.stringify(index));
    await expect(openOciLayout(dir)).rejects.toThrow(/unsupported media type "application\/vnd.example.unknown\+json"/);

    index.manifests[0].mediaType = 'application/vnd.oci.image.manifest.v1+json';
    index.manifests[0].digest = 'sha256:../../../../etc/passwd';
    writeFileSync(indexFile, JSON.stringify(index));
    await expect(openOciLayout(dir)).rejects.toBeInstanceOf(ImageFormatError);

    index.manifests[0].digest = `sha256:${'a'.repeat(64)}`;
    writeFileSync(indexFile, JSON.stringify(index));
    await expect(openOciLayout(dir)).rejects.toThrow(/missing/);

    writeFileSync(indexFile, good);
    const manifestFile = path.join(dir, 'blobs/sha256', JSON.parse(good).manifests[0].digest.slice(7));
    writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace('"schemaVersion":2', '"schemaVersion":2 '));
    await expect(openOciLayout(dir)).rejects.toThrow(/does not match its digest/);
    await expect(openOciLayout(at('no-such-dir'))).rejects.toBeInstanceOf(BadInputError);
  });
});

describe('openOciArchive', () => {
  it('reads a tar of an OCI layout in place', async () => {
    const file = tarDir(multi, at('multi-oci.tar'));
    expect(await archOf(await openOciArchive(file, parsePlatform('linux/arm64/v8')))).toBe('arm64');
    expect(await archOf(await openOciArchive(file, parsePlatform('linux/amd64')))).toBe('amd64');
  });
});
