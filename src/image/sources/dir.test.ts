import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { makeTemp, writeTree } from '../testdata/make-archives.js';
import { openDirectory } from './dir.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

describe('openDirectory', () => {
  const root = path.join(temp.dir, 'rootfs');
  writeTree(root, {
    'etc/os-release': 'ID=alpine\n',
    'usr/lib/os-release': 'ID=debian\n',
    'etc/passwd': 'root:x:0:0::/root:/bin/sh\n',
    'lib/apk/db/installed': 'P:musl\n',
    'big.bin': 'x'.repeat(2048),
  });
  // Links that would leave the root on the host must stay inside it.
  symlinkSync('/etc/passwd', path.join(root, 'abs-passwd'));
  symlinkSync('../../../../../../etc/passwd', path.join(root, 'rel-passwd'));
  symlinkSync('/', path.join(root, 'hostroot'));
  symlinkSync('loop2', path.join(root, 'loop1'));
  symlinkSync('loop1', path.join(root, 'loop2'));
  writeTree(path.join(temp.dir, 'outside'), { secret: 'host secret' });
  symlinkSync(path.join(temp.dir, 'outside'), path.join(root, 'escape'));

  it('resolves every path inside the root, like a chroot', async () => {
    const { tree } = await openDirectory(root);
    expect(tree.resolve('/abs-passwd')).toBe('/etc/passwd');
    expect(tree.resolve('/rel-passwd')).toBe('/etc/passwd');
    expect((await tree.read('/abs-passwd', 100)).toString()).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(tree.resolve('/hostroot/etc/os-release')).toBe('/etc/os-release');
    expect(tree.get('/escape/secret')).toBeUndefined();
    expect(tree.get('/loop1')).toBeUndefined();
    expect(tree.lstat('/abs-passwd')).toMatchObject({ type: 'symlink', linkTarget: '/etc/passwd' });
    await expect(tree.read('/escape/secret', 100)).rejects.toBeInstanceOf(BadInputError);
  });

  it('bounds reads and walks the tree for selected paths', async () => {
    const target = await openDirectory(root);
    await expect(target.tree.read('/big.bin', 100)).rejects.toBeInstanceOf(LimitExceededError);
    const { files } = await target.select((p) => p.endsWith('os-release') || p === '/lib/apk/db/installed');
    expect(files.map((f) => f.path).sort()).toEqual(['/etc/os-release', '/lib/apk/db/installed', '/usr/lib/os-release']);
    expect([...target.tree.entries()].some((e) => e.path === '/hostroot' && e.type === 'symlink')).toBe(true);
  });

  it('refuses a missing root', async () => {
    await expect(openDirectory(path.join(temp.dir, 'missing'))).rejects.toBeInstanceOf(BadInputError);
  });
});
