/**
 * Conformance of the image readers against go-containerregistry's own test
 * images (docker save tarballs, mutate fixtures with whiteouts and
 * overwritten files, OCI layouts with nested indexes and a Docker manifest
 * list). Expected file contents come from GNU tar reading the same
 * fixtures; expected tags and diff_ids from the fixtures' manifest.json and
 * configs. Fixtures that are invalid on purpose must raise BadInputError
 * subclasses — never crash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError } from '../../src/domain/errors.js';
import { openDockerArchive, openOciArchive, openOciLayout, readImage } from '../../src/image/index.js';
import type { ImageSource, ReadImageResult } from '../../src/image/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const gcr = path.resolve(repoRoot, '../shared/testdata/images/go-containerregistry');
const present = existsSync(gcr);
if (!present && process.env.CI === 'true') {
  throw new Error(`conformance data missing: ${gcr} (required when CI=true)`);
}
if (!present) console.warn(`skipping image conformance: ${gcr} not found`);

const tmp = mkdtempSync(path.join(tmpdir(), 'bulkhead-conf-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const all = (): boolean => true;
const read = async (source: Promise<ImageSource>): Promise<ReadImageResult> => readImage(await source, { selects: all });

/** A member of the outer archive, as GNU tar extracts it. */
const outer = (archive: string, member: string): Buffer => execFileSync('tar', ['-xOf', archive, member]);
/** A file inside one layer tar (gzip or plain) of a docker save archive, as GNU tar extracts it. */
const inLayer = (archive: string, layer: string, file: string): string =>
  execFileSync('sh', ['-c', 'tar -xOf "$1" "$2" | tar -xzOf - "$3" 2>/dev/null || tar -xOf "$1" "$2" | tar -xOf - "$3"', 'sh', archive, layer, file], { encoding: 'utf8' });
const manifestOf = (archive: string): Array<{ Config: string; RepoTags: string[]; Layers: string[] }> => JSON.parse(outer(archive, 'manifest.json').toString());
const configOf = (archive: string, i = 0): { rootfs: { diff_ids: string[] } } => JSON.parse(outer(archive, manifestOf(archive)[i]!.Config).toString());

describe.skipIf(!present)('go-containerregistry tarball/', () => {
  const tarball = (name: string): string => path.join(gcr, 'tarball', name);

  for (const name of ['test_image_1.tar', 'test_image_2.tar', 'test_load_manifest.tar']) {
    it(`${name}: one layer, files as GNU tar reads them`, async () => {
      const file = tarball(name);
      const [entry] = manifestOf(file);
      const { tree, metadata, warnings } = await read(openDockerArchive(file));
      expect(warnings).toEqual([]);
      expect(metadata.repoTags).toEqual(entry!.RepoTags);
      expect(metadata.layers.map((l) => l.diffId)).toEqual(configOf(file).rootfs.diff_ids);
      const listed = execFileSync('sh', ['-c', 'tar -xOf "$1" "$2" | tar -tf -', 'sh', file, entry!.Layers[0]!], { encoding: 'utf8' })
        .split('\n')
        .filter((n) => n && n !== './')
        .map((n) => '/' + n.replace(/^\.\//, ''));
      expect([...tree.entries()].map((e) => e.path).sort()).toEqual(listed.sort());
      for (const p of listed) {
        expect((await tree.read(p, 100)).toString()).toBe(inLayer(file, entry!.Layers[0]!, `.${p}`));
        expect(tree.get(p)?.layer).toBe(metadata.layers[0]?.diffId);
      }
    });
  }

  it('test_bundle.tar: two images, chosen by tag', async () => {
    const file = tarball('test_bundle.tar');
    await expect(openDockerArchive(file)).rejects.toBeInstanceOf(BadInputError);
    for (const [i, entry] of manifestOf(file).entries()) {
      const { tree, metadata } = await read(openDockerArchive(file, { image: entry.RepoTags[0]! }));
      expect(metadata.layers.map((l) => l.diffId)).toEqual(configOf(file, i).rootfs.diff_ids);
      const names = [...tree.entries()].map((e) => e.path).sort();
      expect(names).toEqual(i === 0 ? ['/bat', '/baz'] : ['/bar', '/foo']);
    }
  });

  it('test_link.tar: a layer.tar that is a symlink to another image\'s layer', async () => {
    const file = tarball('test_link.tar');
    const manifest = manifestOf(file);
    const { tree, metadata } = await read(openDockerArchive(file, { image: 1 }));
    expect(metadata.repoTags).toEqual(manifest[1]!.RepoTags);
    expect(metadata.layers.map((l) => l.diffId)).toEqual(configOf(file, 1).rootfs.diff_ids);
    expect((await tree.read('/test', 100)).toString()).toBe(inLayer(file, manifest[1]!.Layers[1]!, 'test'));
    expect((await tree.read('/foo', 100)).toString()).toBe(inLayer(file, manifest[0]!.Layers[0]!, './foo'));
    expect(tree.get('/test')?.layer).toBe(metadata.layers[1]?.diffId);
    expect(tree.get('/foo')?.layer).toBe(metadata.layers[0]?.diffId);
  });

  it('null_manifest.tar, no_manifest.tar and content.tar are refused with BadInputError subclasses', async () => {
    await expect(openDockerArchive(tarball('null_manifest.tar'))).rejects.toBeInstanceOf(ImageFormatError);
    await expect(openDockerArchive(tarball('no_manifest.tar'))).rejects.toThrow(/pre-Docker-1.10/);
    await expect(openDockerArchive(tarball('content.tar'))).rejects.toBeInstanceOf(BadInputError);
  });
});

describe.skipIf(!present)('go-containerregistry mutate/', () => {
  const mutate = (name: string): string => path.join(gcr, 'mutate', name);

  it('overwritten_file.tar: the last layer that wrote foo.txt wins', async () => {
    const file = mutate('overwritten_file.tar');
    const layers = manifestOf(file)[0]!.Layers;
    const { tree, metadata } = await read(openDockerArchive(file));
    expect(metadata.layers.map((l) => l.diffId)).toEqual(configOf(file).rootfs.diff_ids);
    // Layer 2 turns foo.txt into a symlink to bar.txt; layer 3 is an empty tar (GNU tar lists nothing in it).
    expect(execFileSync('sh', ['-c', 'tar -xOf "$1" "$2" | tar -tf -', 'sh', file, layers[2]!], { encoding: 'utf8' })).toBe('');
    const link = execFileSync('sh', ['-c', 'tar -xOf "$1" "$2" | tar -tvf - ./foo.txt', 'sh', file, layers[1]!], { encoding: 'utf8' });
    expect(link).toMatch(/foo\.txt -> bar\.txt/);
    expect(tree.lstat('/foo.txt')).toMatchObject({ type: 'symlink', linkTarget: 'bar.txt', layer: metadata.layers[1]?.diffId });
    expect((await tree.read('/foo.txt', 100)).toString()).toBe(inLayer(file, layers[1]!, './bar.txt'));
    expect(tree.resolve('/foo.txt')).toBe('/bar.txt');
  });

  it('whiteout_image.tar: .wh.foo.txt deletes foo.txt', async () => {
    const file = mutate('whiteout_image.tar');
    const layers = manifestOf(file)[0]!.Layers;
    const { tree } = await read(openDockerArchive(file));
    expect(inLayer(file, layers[0]!, './foo.txt').length).toBeGreaterThan(0);
    expect(tree.get('/foo.txt')).toBeUndefined();
    expect((await tree.read('/bar.txt', 100)).toString()).toBe(inLayer(file, layers[0]!, './bar.txt'));
    expect([...tree.entries()].map((e) => e.path)).toEqual(['/bar.txt']);
  });

  it('whiteout_dir.tar: gzip layers; .wh.a removes a/, then a/baz is added back', async () => {
    const file = mutate('whiteout_dir.tar');
    const { tree, metadata } = await read(openDockerArchive(file));
    expect(metadata.repoTags).toEqual(manifestOf(file)[0]!.RepoTags);
    expect([...tree.entries()].map((e) => e.path).sort()).toEqual(['/a', '/a/baz', '/b', '/b/bar']);
    expect(tree.get('/a/foo')).toBeUndefined();
    expect(tree.get('/a/baz')?.layer).toBe(metadata.layers[3]?.diffId);
  });

  it('source_image_with_empty_layer_history.tar: empty_layer history entries do not shift layer attribution', async () => {
    const { metadata } = await read(openDockerArchive(mutate('source_image_with_empty_layer_history.tar')));
    expect(metadata.history.map((h) => h.emptyLayer)).toEqual([true, false]);
    expect(metadata.layers).toHaveLength(1);
    expect(metadata.layers[0]?.createdBy).toBe('bazel build ...');
    const plain = await read(openDockerArchive(mutate('source_image.tar')));
    expect([...plain.tree.entries()].map((e) => e.path).sort()).toEqual(['/bar', '/foo']);
  });
});

describe.skipIf(!present)('go-containerregistry layout/', () => {
  const layout = (name: string): string => path.join(gcr, 'layout', name);
  const gzBlobFile = (dir: string, digest: string, file: string): string =>
    execFileSync('tar', ['-xzOf', path.join(dir, 'blobs/sha256', digest.slice(7)), file], { encoding: 'utf8' });

  for (const ref of ['1', '3', '4']) {
    it(`test_index ref ${ref}: manifest, nested OCI index or Docker manifest list`, async () => {
      const dir = layout('test_index');
      const { tree, metadata } = await read(openOciLayout(dir, ref));
      expect(metadata.manifestDigest).toBe('sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650');
      const layer = metadata.layers[0]!;
      expect((await tree.read('/foo', 100)).toString()).toBe(gzBlobFile(dir, layer.digest!, './foo'));
      expect((await tree.read('/bar', 100)).toString()).toBe(gzBlobFile(dir, layer.digest!, './bar'));
    });
  }

  it('test_index ref 2 (descriptor media type) and an unnamed choice are refused', async () => {
    await expect(openOciLayout(layout('test_index'), '2')).rejects.toBeInstanceOf(BadInputError);
    await expect(openOciLayout(layout('test_index'))).rejects.toThrow(/refs: 1, 2, 3, 4/);
  });

  it('test_gc_index: refs 1, 3 and 4 still resolve', async () => {
    for (const ref of ['1', '3', '4']) {
      const { metadata } = await read(openOciLayout(layout('test_gc_index'), ref));
      expect(metadata.configDigest).toBe('sha256:6e0b05049ed9c17d02e1a55e80d6599dbfcce7f4f4b022e3c673e685789c470e');
    }
  });

  it('test_index_one_image: the smallest layout, also as an oci-archive', async () => {
    const dir = layout('test_index_one_image');
    const { tree, metadata } = await read(openOciLayout(dir));
    const digest = metadata.layers[0]!.digest!;
    const names = execFileSync('tar', ['-tzf', path.join(dir, 'blobs/sha256', digest.slice(7))], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((n) => '/' + n.replace(/^\.\//, '').replace(/\/$/, ''))
      .filter((n) => n !== '/');
    expect([...tree.entries()].map((e) => e.path).sort()).toEqual(names.sort());
    expect(metadata.config.env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    const archive = path.join(tmp, 'one.tar');
    execFileSync('tar', ['-cf', archive, '-C', dir, '.']);
    const fromArchive = await read(openOciArchive(archive));
    expect([...fromArchive.tree.entries()].map((e) => e.path).sort()).toEqual(names.sort());
  });

  it('test_index_media_type (a Helm artifact) and test_gc_image_unknown_mediatype are refused', async () => {
    await expect(openOciLayout(layout('test_index_media_type'))).rejects.toThrow(/not a container image/);
    await expect(openOciLayout(layout('test_gc_image_unknown_mediatype'))).rejects.toBeInstanceOf(BadInputError);
  });
});
