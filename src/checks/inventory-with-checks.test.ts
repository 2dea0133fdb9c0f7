import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerArchive, makeTemp, sha256File, tarDir, writeTree } from '../image/testdata/make-archives.js';
import { inventoryWithChecks } from './inventory-with-checks.js';
import { runImageConfigChecks } from './image-config/run-image-config-checks.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());
const at = (name: string): string => path.join(temp.dir, name);

describe('inventoryWithChecks', () => {
  const token = 'glpat-' + 'Xk29vQp7LmZr4TbW1nYs';
  writeTree(at('l0'), { 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', 'srv/.git-credentials': `https://ci:${token}@gitlab.example.com\n` });
  writeTree(at('l1'), { 'srv/.wh..git-credentials': '' });
  const layers = [tarDir(at('l0'), at('l0.tar')), tarDir(at('l1'), at('l1.tar'))];
  const archive = dockerArchive(temp.dir, at('image.tar'), { layers, tags: ['example/app:1'], config: { config: { User: 'app' } } });

  it('returns the inventory, the secrets of a deleted file with its layer, and the tree', async () => {
    const result = await inventoryWithChecks(`docker-archive:${archive}`, { secrets: true });
    expect(result.inventory.image?.repoTags).toEqual(['example/app:1']);
    expect(result.findings.map((f) => [f.id, f.location?.path, f.location?.line, f.location?.layer]).sort()).toEqual([
      ['gitlab-pat', '/srv/.git-credentials', 1, sha256File(layers[0] as string)],
      ['url-password', '/srv/.git-credentials', 1, sha256File(layers[0] as string)],
    ]);
    expect(result.tree?.get('/srv/.git-credentials')).toBeUndefined();
    expect(JSON.stringify(result.inventory)).not.toContain('finding');
    const config = runImageConfigChecks({ image: result.inventory.image!, ...(result.tree ? { tree: result.tree } : {}) }, { 'image-user-not-root': {} });
    expect(config).toEqual([]);
  });

  it('finds nothing when secrets are not asked for', async () => {
    expect((await inventoryWithChecks(`docker-archive:${archive}`)).findings).toEqual([]);
  });
});
