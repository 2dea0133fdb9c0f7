import { describe, expect, it } from 'vitest';
import { memoryFileTree } from './memory-file-tree.js';

describe('memoryFileTree', () => {
  const tree = memoryFileTree(
    {
      '/srv/app/node_modules/a/package.json': '{"name":"a"}',
      '/srv/app/node_modules/b': { type: 'symlink', linkTarget: '../packages/b' },
      '/srv/app/packages/b/package.json': '{"name":"b"}',
      '/escape': { type: 'symlink', linkTarget: '../../../srv/app/packages' },
      '/loop': { type: 'symlink', linkTarget: '/loop' },
      '/big': 'x'.repeat(100),
    },
  );

  it('resolves symlinks in parents and the last component, clamped to the root', async () => {
    expect(tree.resolve('/srv/app/node_modules/b/package.json')).toBe('/srv/app/packages/b/package.json');
    expect(tree.resolve('/escape/b')).toBe('/srv/app/packages/b');
    expect(tree.lstat('/srv/app/node_modules/b')?.type).toBe('symlink');
    expect(tree.get('/srv/app/node_modules/b')?.type).toBe('dir');
    expect(tree.resolve('/loop')).toBeUndefined();
    expect((await tree.read('/srv/app/node_modules/b/package.json', 100)).toString()).toBe('{"name":"b"}');
  });

  it('bounds reads and refuses what is not buffered', async () => {
    await expect(tree.read('/big', 10)).rejects.toThrow(/more than 10/);
    const partial = memoryFileTree({ '/a': 'x', '/b': 'y' }, { readable: (p) => p === '/a' });
    expect(partial.readable('/a')).toBe(true);
    expect(partial.readable('/b')).toBe(false);
    await expect(partial.read('/b', 10)).rejects.toThrow(/not readable/);
  });
});
