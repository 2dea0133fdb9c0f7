import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { gnuList, gzipFile, makeTemp, tarDir, writeTree } from '../testdata/make-archives.js';
import { indexTarFile } from './tar-index.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

describe('indexTarFile', () => {
  const tree = path.join(temp.dir, 'tree');
  writeTree(tree, {
    'a/layer.tar': 'A'.repeat(3000),
    'b/layer.tar': { symlink: '../a/layer.tar' },
    'manifest.json': '[]',
    'empty': '',
  });
  const file = tarDir(tree, path.join(temp.dir, 'archive.tar'), 'gnu');

  it('indexes every member GNU tar lists and opens byte ranges with the right content', async () => {
    const index = await indexTarFile(file, DEFAULT_LIMITS);
    const expected = gnuList(file).map((n) => '/' + n.replace(/^\.\/?/, '').replace(/\/$/, ''));
    expect([...index.paths()].sort()).toEqual(expected.sort());
    for (const name of ['a/layer.tar', 'manifest.json', 'empty']) {
      const entry = index.get('/' + name);
      expect(entry).toBeDefined();
      const viaTar = execFileSync('tar', ['-xOf', file, `./${name}`]);
      expect(await index.readSmall(entry!, 1 << 20)).toEqual(viaTar);
    }
    // docker save links a shared layer.tar from a second directory
    expect(index.resolve('/b/layer.tar')?.path).toBe('/a/layer.tar');
  });

  it('refuses compressed, truncated and missing archives with typed errors', async () => {
    await expect(indexTarFile(gzipFile(file), DEFAULT_LIMITS)).rejects.toBeInstanceOf(BadInputError);
    const cut = path.join(temp.dir, 'cut.tar');
    writeFileSync(cut, readFileSync(file).subarray(0, 1500));
    await expect(indexTarFile(cut, DEFAULT_LIMITS)).rejects.toBeInstanceOf(ImageFormatError);
    await expect(indexTarFile(path.join(temp.dir, 'nope.tar'), DEFAULT_LIMITS)).rejects.toBeInstanceOf(BadInputError);
  });
});
