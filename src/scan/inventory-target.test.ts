import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileTree } from '../image/file-tree.js';
import { dockerArchive, makeTemp, tarDir } from '../image/testdata/make-archives.js';
import { inventory } from './inventory-target.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

const runtimes = fileURLToPath(new URL('../catalog/catalogers/binary-runtimes/testdata/rootfs', import.meta.url));
const goHello = fileURLToPath(new URL('../catalog/catalogers/lang-go-binary/testdata/hello-amd64.gz', import.meta.url));

describe('inventory() of an image', () => {
  it('keeps only the version-string window of runtime binaries, also where the Go cataloger sniffs, and finds what a directory scan finds', async () => {
    const root = path.join(temp.dir, 'rootfs');
    cpSync(runtimes, root, { recursive: true });
    // A Go program in a directory the Go and Rust catalogers sniff: it must stay whole.
    mkdirSync(path.join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(path.join(root, 'usr/local/bin/hello'), gunzipSync(readFileSync(goHello)));
    const archive = dockerArchive(temp.dir, path.join(temp.dir, 'image.tar'), { layers: [tarDir(root, path.join(temp.dir, 'layer.tar'))] });

    let tree: FileTree | undefined;
    const fromImage = await inventory(`docker-archive:${archive}`, { onTree: (t) => (tree = t) });
    const fromDir = await inventory(`dir:${root}`);
    const ids = (inv: typeof fromImage) => inv.packages.map((p) => `${p.purl} ${p.locations[0]?.path}`).sort();
    expect(ids(fromImage)).toEqual(ids(fromDir));
    expect(ids(fromImage).some((id) => id.startsWith('pkg:generic/python@3.11.') && id.endsWith(' /usr/bin/python3.11'))).toBe(true);
    expect(ids(fromImage).some((id) => id.startsWith('pkg:golang/'))).toBe(true);

    const size = async (p: string) => (await tree!.read(p, 1 << 30)).length;
    expect(await size('/usr/bin/python3.11')).toBeLessThanOrEqual(160);
    expect(await size('/usr/lib/x86_64-linux-gnu/libcrypto.so.3')).toBeLessThanOrEqual(160);
    expect(await size('/usr/local/bin/hello')).toBe(tree!.get('/usr/local/bin/hello')!.size);
  });
});
