import { describe, expect, it } from 'vitest';
import type { Cataloger } from './cataloger.js';
import { runCatalogers } from './run-catalogers.js';
import { memoryFileTree } from './catalogers/testing/memory-file-tree.js';

const lineCataloger: Cataloger = {
  name: 'test/lines',
  version: 1,
  ecosystems: ['npm'],
  reads: ['/pkgs/*.txt'],
  selects: (p) => p.startsWith('/pkgs/') && p.endsWith('.txt'),
  async catalog(ctx) {
    const packages = [];
    for (const file of ctx.files) {
      const text = (await ctx.tree.read(file.path, ctx.maxFileBytes)).toString('utf8');
      if (text.startsWith('!')) {
        ctx.warn('malformed', file.path);
        continue;
      }
      const [name = '', version = ''] = text.trim().split('@');
      packages.push({
        key: name,
        ecosystem: 'npm' as const,
        name,
        version,
        purl: `pkg:npm/${name}@${version}`,
        licenses: [],
        locations: [{ path: file.path, layer: file.layer }],
      });
    }
    return { packages, relationships: [{ from: 'a', to: 'b', type: 'depends-on' as const }, { from: 'a', to: 'missing', type: 'depends-on' as const }] };
  },
};

const failingCataloger: Cataloger = {
  ...lineCataloger,
  name: 'test/failing',
  async catalog() {
    throw new Error('boom');
  },
};

describe('runCatalogers', () => {
  it('assigns stable unique ids, resolves relationships by key and records warnings with the layer', async () => {
    const tree = memoryFileTree(
      {
        '/pkgs/a.txt': 'a@1.0.0',
        '/pkgs/b.txt': 'b@2.0.0',
        '/pkgs/bad.txt': { content: '!oops', layer: 'sha256:l2' },
        '/pkgs/link.txt': { type: 'symlink', linkTarget: 'a.txt' },
        '/pkgs/ext.txt': { type: 'symlink', linkTarget: '/other/c.txt' },
        '/other/c.txt': 'c@1.0.0',
      },
      { layer: 'sha256:l1' },
    );
    const first = await runCatalogers(tree, [lineCataloger], { maxFileBytes: 1024 });
    const again = await runCatalogers(tree, [lineCataloger], { maxFileBytes: 1024 });
    expect(first.packages.map((p) => p.id)).toEqual(again.packages.map((p) => p.id));
    // A link to a selected file is not read twice; a link to a file outside the selection is read through the link.
    expect(first.packages.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`).sort()).toEqual([
      'a@1.0.0 /pkgs/a.txt',
      'b@2.0.0 /pkgs/b.txt',
      'c@1.0.0 /pkgs/ext.txt',
    ]);
    expect(new Set(first.packages.map((p) => p.id)).size).toBe(3);
    expect(first.packages.every((p) => p.foundBy === 'test/lines')).toBe(true);
    expect(first.relationships).toHaveLength(1);
    expect(first.warnings).toEqual([{ message: 'malformed', source: 'test/lines', path: '/pkgs/bad.txt', layer: 'sha256:l2' }]);
    expect(first.runs).toEqual([{ name: 'test/lines', version: 1, packages: 3, files: 4 }]);
  });

  it('turns a cataloger that throws into a warning and keeps the others', async () => {
    const tree = memoryFileTree({ '/pkgs/a.txt': 'a@1.0.0' });
    const outcome = await runCatalogers(tree, [failingCataloger, lineCataloger], { maxFileBytes: 1024 });
    expect(outcome.packages.map((p) => p.name)).toEqual(['a']);
    expect(outcome.warnings[0]?.message).toBe('cataloger failed: boom');
    expect(outcome.warnings[0]?.source).toBe('test/failing');
  });
});
