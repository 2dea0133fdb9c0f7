import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileType } from './file-tree.js';
import type { LayerRecord } from './layer-reader.js';
import { createSquashedTree } from './squash.js';
import type { TarEntry } from './tar/tar-reader.js';

type Spec = [path: string, type: FileType, extra?: string];

function layer(diffId: string, specs: Spec[], opts: { whiteouts?: string[]; opaque?: string[]; contents?: Record<string, string> } = {}): LayerRecord {
  const entries: TarEntry[] = specs.map(([path, type, extra]) => ({
    path,
    type,
    mode: type === 'dir' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    size: type === 'file' ? (opts.contents?.[path]?.length ?? 0) : 0,
    ...(extra !== undefined ? { linkTarget: extra } : {}),
    sparse: false,
    dataOffset: 0,
    dataSize: 0,
  }));
  const contents = new Map(Object.entries(opts.contents ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  return { diffId, entries, whiteouts: opts.whiteouts ?? [], opaqueDirs: opts.opaque ?? [], contents, compressedBytes: 0, uncompressedBytes: 0 };
}

const hops = { maxSymlinkHops: 40 };

describe('squash: layers, whiteouts and opaque directories', () => {
  it('lets later layers win and records the layer that last wrote each path', async () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/etc', 'dir'], ['/etc/os-release', 'file'], ['/etc/hosts', 'file']], { contents: { '/etc/os-release': 'old' } }));
    tree.apply(layer('L1', [['/etc/os-release', 'file']], { contents: { '/etc/os-release': 'new!' } }));
    expect((await tree.read('/etc/os-release', 100)).toString()).toBe('new!');
    expect(tree.get('/etc/os-release')).toMatchObject({ layer: 'L1', size: 4 });
    expect(tree.get('/etc/hosts')?.layer).toBe('L0');
  });

  it('removes whited-out files and directories with their children', () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/a', 'dir'], ['/a/b', 'dir'], ['/a/b/c', 'file'], ['/a/keep', 'file'], ['/x', 'file']]));
    tree.apply(layer('L1', [], { whiteouts: ['/a/b', '/x'] }));
    expect(tree.get('/a/b')).toBeUndefined();
    expect(tree.get('/a/b/c')).toBeUndefined();
    expect(tree.get('/x')).toBeUndefined();
    expect(tree.get('/a/keep')?.type).toBe('file');
  });

  it('hides lower children of an opaque directory but keeps what the same layer adds, whatever the marker order', () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/opt', 'dir'], ['/opt/old', 'file'], ['/opt/sub', 'dir'], ['/opt/sub/deep', 'file']]));
    tree.apply(layer('L1', [['/opt', 'dir'], ['/opt/new', 'file']], { opaque: ['/opt'] }));
    expect([...tree.entries()].map((e) => e.path).sort()).toEqual(['/opt', '/opt/new']);
  });

  it('replaces a directory by a file and a file by a directory', () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/d', 'dir'], ['/d/x', 'file'], ['/f', 'file']]));
    tree.apply(layer('L1', [['/d', 'file'], ['/f', 'dir'], ['/f/y', 'file']]));
    expect(tree.get('/d')?.type).toBe('file');
    expect(tree.get('/d/x')).toBeUndefined();
    expect(tree.get('/f/y')?.layer).toBe('L1');
  });

  it('gives hard links their target size and content', async () => {
    const tree = createSquashedTree(hops);
    const record = layer('L0', [['/bin/perl5', 'file'], ['/bin/perl', 'hardlink', '/bin/perl5']], { contents: { '/bin/perl5': 'perl' } });
    (record.contents as Map<string, Buffer>).set('/bin/perl', record.contents.get('/bin/perl5')!);
    tree.apply(record);
    expect(tree.get('/bin/perl')).toMatchObject({ type: 'hardlink', size: 4, linkTarget: '/bin/perl5' });
    expect((await tree.read('/bin/perl', 10)).toString()).toBe('perl');
  });

  it('turns a hard link to a symlink into the same symlink', () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/t', 'file'], ['/s', 'symlink', 't'], ['/h', 'hardlink', '/s'], ['/e', 'symlink', '']]));
    expect(tree.lstat('/h')).toMatchObject({ type: 'symlink', linkTarget: 't' });
    expect(tree.resolve('/h')).toBe('/t');
    expect(tree.get('/e')).toBeUndefined();
  });
});

describe('squash: listing entries', () => {
  it('lists only what the filter accepts, asking it with each path and type', () => {
    const tree = createSquashedTree(hops);
    tree.apply(layer('L0', [['/usr', 'dir'], ['/usr/a', 'file'], ['/usr/b', 'symlink', 'a'], ['/usr/c', 'file']]));
    const asked: string[] = [];
    const listed = [...tree.entries((path, type) => {
      asked.push(`${path} ${type}`);
      return type !== 'file' || path === '/usr/c';
    })];
    expect(asked.sort()).toEqual(['/usr dir', '/usr/a file', '/usr/b symlink', '/usr/c file']);
    expect(listed.map((e) => `${e.path} ${e.type}`).sort()).toEqual(['/usr dir', '/usr/b symlink', '/usr/c file']);
  });
});

describe('squash: symlinks stay inside the image', () => {
  const base = (): ReturnType<typeof createSquashedTree> => {
    const tree = createSquashedTree(hops);
    tree.apply(
      layer(
        'L0',
        [
          ['/usr', 'dir'],
          ['/usr/lib', 'dir'],
          ['/usr/lib/os-release', 'file'],
          ['/lib', 'symlink', 'usr/lib'],
          ['/etc', 'dir'],
          ['/etc/os-release', 'symlink', '../usr/lib/os-release'],
          ['/etc/abs', 'symlink', '/../../../usr/lib/os-release'],
          ['/etc/up', 'symlink', '../../../../etc'],
          ['/loop-a', 'symlink', 'loop-b'],
          ['/loop-b', 'symlink', '/loop-a'],
          ['/self', 'symlink', 'self/x'],
          ['/dangling', 'symlink', '/nowhere'],
        ],
        { contents: { '/usr/lib/os-release': 'ID=debian\n' } },
      ),
    );
    return tree;
  };

  it('follows relative and absolute links relative to the image root', async () => {
    const tree = base();
    expect(tree.resolve('/etc/os-release')).toBe('/usr/lib/os-release');
    expect(tree.resolve('/etc/abs')).toBe('/usr/lib/os-release');
    expect(tree.resolve('/etc/up/os-release')).toBe('/usr/lib/os-release');
    expect(tree.resolve('/lib/os-release')).toBe('/usr/lib/os-release');
    // '..' after a symlink climbs from the link's target, as the kernel does; above '/' it stays at '/'.
    expect(tree.resolve('/../../lib/..')).toBe('/usr');
    expect(tree.resolve('/../../lib/../lib/os-release')).toBe('/usr/lib/os-release');
    expect((await tree.read('/etc/os-release', 100)).toString()).toBe('ID=debian\n');
    expect(tree.lstat('/etc/os-release')).toMatchObject({ type: 'symlink', linkTarget: '../usr/lib/os-release' });
    expect(tree.get('/dangling')).toBeUndefined();
    expect(tree.lstat('/dangling')?.type).toBe('symlink');
  });

  it('ends symlink loops as not found, quickly', () => {
    const tree = base();
    const started = Date.now();
    expect(tree.get('/loop-a')).toBeUndefined();
    expect(tree.get('/self')).toBeUndefined();
    expect(tree.readable('/loop-b/x')).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('follows at most maxSymlinkHops links', () => {
    const chain: Spec[] = [['/end', 'file']];
    for (let i = 0; i < 41; i++) chain.push([`/l${i}`, 'symlink', i === 0 ? '/end' : `/l${i - 1}`]);
    const tree = createSquashedTree({ maxSymlinkHops: 40 });
    tree.apply(layer('L0', chain));
    expect(tree.resolve('/l39')).toBe('/end');
    expect(tree.resolve('/l40')).toBeUndefined();
  });

  it('places entries under a symlinked parent where the link points, as containerd does', () => {
    const tree = base();
    tree.apply(layer('L1', [['/lib/new.so', 'file']]));
    expect(tree.lstat('/lib')?.type).toBe('symlink');
    expect(tree.get('/usr/lib/new.so')?.layer).toBe('L1');
  });
});

describe('squash against a model (no symlinks)', () => {
  const names = ['/a', '/a/b', '/a/b/c', '/a/d', '/e', '/e/f'];
  const spec = fc.record({
    entries: fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom<FileType>('file', 'dir')), { maxLength: 6 }),
    whiteouts: fc.array(fc.constantFrom(...names), { maxLength: 2 }),
    opaque: fc.array(fc.constantFrom(...names), { maxLength: 1 }),
  });

  it('matches a direct implementation of the OCI layer rules', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 5 }), (layers) => {
        const model = new Map<string, { type: FileType; layer: string }>();
        const dropUnder = (p: string): void => {
          for (const key of [...model.keys()]) if (key.startsWith(p + '/')) model.delete(key);
        };
        const tree = createSquashedTree(hops);
        layers.forEach((l, i) => {
          const id = `L${i}`;
          for (const d of l.opaque) if (model.get(d)?.type === 'dir') dropUnder(d);
          for (const w of l.whiteouts) {
            const parent = w.slice(0, w.lastIndexOf('/'));
            if (parent === '' || model.get(parent)?.type === 'dir') {
              model.delete(w);
              dropUnder(w);
            }
          }
          for (const [p, type] of l.entries) {
            const parts = p.split('/').slice(1);
            let blocked = false;
            for (let k = 1; k < parts.length && !blocked; k++) {
              const ancestor = '/' + parts.slice(0, k).join('/');
              const node = model.get(ancestor);
              if (!node) model.set(ancestor, { type: 'dir', layer: id });
              else if (node.type !== 'dir') blocked = true;
            }
            if (blocked) continue;
            const existing = model.get(p);
            if (!(type === 'dir' && existing?.type === 'dir')) dropUnder(p);
            model.set(p, { type, layer: id });
          }
          tree.apply(layer(id, l.entries, { whiteouts: l.whiteouts, opaque: l.opaque }));
        });
        const actual = [...tree.entries()].map((e) => `${e.path} ${e.type} ${e.layer}`).sort();
        const expected = [...model].map(([p, v]) => `${p} ${v.type} ${v.layer}`).sort();
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
