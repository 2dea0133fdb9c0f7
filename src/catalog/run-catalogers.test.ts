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

  it('names the earliest layer holding an OS package\'s files and lets OS packages claim what they installed', async () => {
    const osCataloger: Cataloger = {
      name: 'test/os',
      version: 1,
      ecosystems: ['deb'],
      reads: ['/db'],
      selects: (p) => p === '/db',
      async catalog() {
        return {
          packages: [
            {
              ecosystem: 'deb' as const,
              name: 'python3-yaml',
              version: '6.0-3',
              purl: 'pkg:deb/debian/python3-yaml@6.0-3',
              licenses: [],
              locations: [{ path: '/db', layer: 'sha256:l3' }],
              files: ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', '/usr/lib/libyaml.so', '/usr/lib/python3'],
            },
          ],
        };
      },
    };
    const found = (ecosystem: 'pypi' | 'binary', name: string, path: string): Cataloger => ({
      name: `test/${name}`,
      version: 1,
      ecosystems: [ecosystem],
      reads: [path],
      selects: (p) => p === path,
      async catalog() {
        return { packages: [{ ecosystem, name, version: '6.0', purl: `pkg:generic/${name}@6.0`, licenses: [], locations: [{ path }] }] };
      },
    });
    const tree = memoryFileTree({
      '/db': { content: 'x', layer: 'sha256:l3' },
      '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA': { content: 'Name: PyYAML', layer: 'sha256:l2' },
      '/usr/lib/libyaml.so': { content: 'ELF', layer: 'sha256:l3' },
      '/usr/lib/python3': { type: 'dir', layer: 'sha256:l1' },
      '/opt/libyaml.so': { content: 'ELF', layer: 'sha256:l3' },
    });
    const outcome = await runCatalogers(
      tree,
      [osCataloger, found('pypi', 'PyYAML', '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA'), found('binary', 'libyaml', '/usr/lib/libyaml.so'), found('binary', 'libyaml-copy', '/opt/libyaml.so')],
      { maxFileBytes: 1024, layers: ['sha256:l1', 'sha256:l2', 'sha256:l3'] },
    );
    const os = outcome.packages.find((p) => p.name === 'python3-yaml');
    // Directories are shared between packages and say nothing about when one arrived.
    expect(os?.locations[0]).toEqual({ path: '/db', layer: 'sha256:l2' });
    expect(outcome.packages.map((p) => p.name).sort()).toEqual(['PyYAML', 'libyaml-copy', 'python3-yaml']);
    const pypi = outcome.packages.find((p) => p.name === 'PyYAML');
    expect(outcome.relationships).toEqual([{ from: os?.id, to: pypi?.id, type: 'owns' }]);
    expect(outcome.runs.find((r) => r.name === 'test/libyaml')?.packages).toBe(0);
    expect(outcome.runs.find((r) => r.name === 'test/libyaml-copy')?.packages).toBe(1);
  });

  it('does not read a lockfile an OS package installed (it describes the upstream build), but reads the project\'s own', async () => {
    const osCataloger: Cataloger = {
      name: 'test/os',
      version: 1,
      ecosystems: ['deb'],
      reads: ['/db'],
      selects: (p) => p === '/db',
      catalog: async () => ({
        packages: [{ ecosystem: 'deb', name: 'node-nanoid', version: '3.3.4', purl: 'pkg:deb/debian/node-nanoid@3.3.4', licenses: [], locations: [{ path: '/db' }], files: ['/usr/share/nodejs/nanoid/pnpm-lock.yaml'] }],
      }),
    };
    const lockCataloger: Cataloger = { ...lineCataloger, name: 'test/lock', declares: true, selects: (p) => p.endsWith('/pnpm-lock.yaml') };
    const tree = memoryFileTree({ '/db': 'x', '/usr/share/nodejs/nanoid/pnpm-lock.yaml': 'esbuild@0.14.0', '/app/pnpm-lock.yaml': 'express@4.18.2' });
    const outcome = await runCatalogers(tree, [osCataloger, lockCataloger], { maxFileBytes: 1024 });
    expect(outcome.packages.filter((p) => p.foundBy === 'test/lock').map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`)).toEqual(['express@4.18.2 /app/pnpm-lock.yaml']);
  });
});
