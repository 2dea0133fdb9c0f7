import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BadInputError, BulkheadError, ImageFormatError } from '../../domain/errors.js';
import type { ImageSource, LayerBlob, ReadProgress } from '../image-source.js';
import { readImage } from '../read-image.js';
import { dockerArchive, makeTemp, ociLayout, tarDir, writeTree } from '../testdata/make-archives.js';
import { openDockerArchive } from './docker-archive.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());
const at = (name: string): string => path.join(temp.dir, name);

writeTree(at('l0'), {
  'etc/os-release': 'ID=debian\nVERSION_ID=12\n',
  'var/lib/dpkg/status': 'Package: base-files\n',
  'opt/app/old.txt': 'old',
  'tmp/gone.txt': 'gone',
});
writeTree(at('l1'), {
  'tmp/.wh.gone.txt': '',
  'opt/app/.wh..wh..opq': '',
  'opt/app/new.txt': 'new',
  'var/lib/dpkg/status': 'Package: base-files\n\nPackage: openssl\n',
});
const l0 = tarDir(at('l0'), at('l0.tar'));
const l1 = tarDir(at('l1'), at('l1.tar'));
const config = {
  config: { Env: ['PATH=/usr/bin'], Entrypoint: ['/app'], User: '1000', ExposedPorts: { '80/tcp': {} } },
  history: [
    { created_by: 'ADD rootfs /' },
    { created_by: 'CMD ["sh"]', empty_layer: true },
    { created_by: 'RUN apt-get install openssl' },
  ],
};
const selects = (p: string): boolean => p === '/etc/os-release' || p === '/var/lib/dpkg/status';

describe('openDockerArchive (classic docker save)', () => {
  const archive = dockerArchive(temp.dir, at('image.tar'), { layers: [l0, l1], tags: ['example:1'], config });

  it('reads, verifies and squashes the image', async () => {
    const source = await openDockerArchive(archive);
    const { tree, metadata, warnings } = await readImage(source, { selects });
    expect(warnings).toEqual([]);
    expect((await tree.read('/var/lib/dpkg/status', 1000)).toString()).toContain('Package: openssl');
    expect(tree.get('/tmp/gone.txt')).toBeUndefined();
    expect(tree.get('/opt/app/old.txt')).toBeUndefined();
    expect(tree.get('/opt/app/new.txt')?.layer).toBe(metadata.layers[1]?.diffId);
    expect(tree.readable('/opt/app/new.txt')).toBe(false);
    expect(metadata.repoTags).toEqual(['example:1']);
    expect(metadata.config).toMatchObject({ user: '1000', env: ['PATH=/usr/bin'], entrypoint: ['/app'], exposedPorts: ['80/tcp'] });
    expect(metadata.layers.map((l) => l.createdBy)).toEqual(['ADD rootfs /', 'RUN apt-get install openssl']);
    expect(metadata.configDigest).toMatch(/^sha256:/);
  });

  it('reports progress over every delivered byte, reading one or two layers at a time', async () => {
    for (const concurrency of [1, 2]) {
      const events: ReadProgress[] = [];
      await readImage(await openDockerArchive(archive), { selects, onProgress: (p) => events.push(p), concurrency });
      const total = statSync(l0).size + statSync(l1).size;
      expect(events.at(-1)).toEqual({ layer: 2, layers: 2, bytes: total, totalBytes: total });
    }
  });

  it('matches layers to diff_ids when a stream delivers them out of order', async () => {
    const inner = await openDockerArchive(archive);
    const blobs: LayerBlob[] = [];
    for await (const blob of inner.layers()) blobs.push(blob);
    const shuffled: ImageSource = {
      kind: 'docker',
      reference: 'shuffled',
      async *layers() {
        for (const blob of [...blobs].reverse()) {
          const { index: _index, diffId: _diffId, ...rest } = blob;
          yield rest;
        }
      },
      metadata: () => inner.metadata(),
      close: async () => undefined,
    };
    const { tree } = await readImage(shuffled, { selects });
    expect((await tree.read('/var/lib/dpkg/status', 1000)).toString()).toContain('Package: openssl');
    expect(tree.get('/tmp/gone.txt')).toBeUndefined();
  });

  it('refuses a layer whose content does not match the config diff_ids', async () => {
    const tampered = dockerArchive(temp.dir, at('tampered.tar'), { layers: [l0, l1], config }, (layer) =>
      `sha256:${execFileSync('sha256sum', [layer === l1 ? l0 : layer], { encoding: 'utf8' }).split(' ')[0]}`,
    );
    await expect(readImage(await openDockerArchive(tampered), { selects })).rejects.toThrow(/layer 1.*diffId mismatch/);
  });

  it('asks which image to read in a multi-image archive', async () => {
    const stage = at('multi');
    execFileSync('mkdir', ['-p', stage]);
    execFileSync('tar', ['-xf', archive, '-C', stage]);
    const manifest = JSON.parse(readFileSync(path.join(stage, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify([manifest[0], { ...manifest[0], RepoTags: ['other:2'] }]));
    const multi = at('multi.tar');
    execFileSync('tar', ['-cf', multi, '-C', stage, '.']);
    await expect(openDockerArchive(multi)).rejects.toThrow(/holds 2 images.*other:2/);
    const chosen = await openDockerArchive(multi, { image: 'other:2' });
    expect((await chosen.metadata()).repoTags).toEqual(['other:2']);
    await expect(openDockerArchive(multi, { image: 'missing:1' })).rejects.toBeInstanceOf(BadInputError);
  });

  it('survives mutated archives: the image reads or a Bulkhead error explains why', async () => {
    const original = readFileSync(archive);
    const mutated = at('mutated.tar');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (mutations) => {
        const copy = Buffer.from(original);
        for (const [offset, value] of mutations) copy[offset] = value;
        writeFileSync(mutated, copy);
        try {
          await readImage(await openDockerArchive(mutated), { selects });
        } catch (error) {
          if (!(error instanceof BulkheadError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rejects files that are not docker archives with typed errors', async () => {
    await expect(openDockerArchive(l0)).rejects.toBeInstanceOf(BadInputError);
    const stage = at('nullman');
    writeTree(stage, { 'manifest.json': 'null' });
    await expect(openDockerArchive(tarDir(stage, at('null.tar')))).rejects.toBeInstanceOf(ImageFormatError);
  });
});

describe('openDockerArchive (Docker 25+ OCI layout in a tar)', () => {
  const layout = ociLayout(at('oci-save'), [{ layers: [l0, l1], config, ref: 'example:1' }]);
  const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const manifestDigest: string = index.manifests[0].digest;
  const manifest = JSON.parse(readFileSync(path.join(layout, 'blobs/sha256', manifestDigest.slice(7)), 'utf8'));
  const blobName = (d: string): string => `blobs/sha256/${d.slice(7)}`;

  it('reads the OCI blobs through manifest.json', async () => {
    writeFileSync(
      path.join(layout, 'manifest.json'),
      JSON.stringify([{ Config: blobName(manifest.config.digest), RepoTags: ['example:1'], Layers: manifest.layers.map((l: { digest: string }) => blobName(l.digest)) }]),
    );
    const file = tarDir(layout, at('oci-save.tar'));
    const { tree, metadata } = await readImage(await openDockerArchive(file), { selects });
    expect(metadata.repoTags).toEqual(['example:1']);
    expect(metadata.configDigest).toBe(manifest.config.digest);
    expect((await tree.read('/etc/os-release', 100)).toString()).toContain('VERSION_ID=12');
  });

  it('reads index.json when there is no manifest.json', async () => {
    execFileSync('rm', ['-f', path.join(layout, 'manifest.json')]);
    const file = tarDir(layout, at('oci-only.tar'));
    const { tree, metadata } = await readImage(await openDockerArchive(file), { selects });
    expect(metadata.manifestDigest).toBe(manifestDigest);
    expect(tree.get('/tmp/gone.txt')).toBeUndefined();
  });
});
