import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { apkCataloger } from './index.js';
import { parseApkInstalled } from './parse-apk-installed.js';

const root = fileURLToPath(new URL('./testdata/alpine-3.19', import.meta.url));

describe('apkCataloger on an Alpine 3.19 database', () => {
  it('reads every field of an entry', async () => {
    const { packages, warnings } = await runCataloger(apkCataloger, await memoryFileTreeFromDirectory(root));
    expect(warnings).toEqual([]);
    expect(packages.map((p) => p.name)).toEqual([
      'musl',
      'busybox',
      'busybox-binsh',
      'alpine-baselayout-data',
      'alpine-baselayout',
      'zlib',
      'libcrypto3',
      'libssl3',
      'apk-tools',
    ]);
    const binsh = packages.find((p) => p.name === 'busybox-binsh');
    expect(binsh).toMatchObject({
      ecosystem: 'apk',
      version: '1.36.1-r15',
      arch: 'x86_64',
      source: { name: 'busybox', version: '1.36.1-r15' },
      distro: 'alpine-3.19',
      licenses: ['GPL-2.0-only'],
      locations: [{ path: '/lib/apk/db/installed' }],
      purl: 'pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19',
      metadata: {
        origin: 'busybox',
        maintainer: 'Sören Tempel <soeren+alpine@soeren-tempel.net>',
        buildTime: 1699383189,
        url: 'https://busybox.net/',
        size: 1543,
        installedSize: 8192,
      },
    });
    expect(packages.find((p) => p.name === 'libssl3')?.source).toEqual({ name: 'openssl', version: '3.1.4-r5' });
  });

  it('resolves D: through names, so: and path provides, ignoring conflicts and missing packages', async () => {
    const { packages, relationships } = await runCataloger(apkCataloger, await memoryFileTreeFromDirectory(root));
    const nameOf = new Map(packages.map((p) => [p.key, p.name]));
    const targets = (name: string): string[] =>
      (relationships ?? []).filter((r) => nameOf.get(r.from) === name).map((r) => nameOf.get(r.to) ?? '?');
    expect(targets('busybox-binsh')).toEqual(['busybox']);
    // /bin/sh is provided by both busybox and busybox-binsh.
    expect(targets('alpine-baselayout')).toEqual(['alpine-baselayout-data', 'busybox', 'busybox-binsh']);
    expect(targets('libssl3')).toEqual(['musl', 'libcrypto3']);
    // ca-certificates-bundle is not installed; !apk-tools-static is a conflict.
    expect(targets('apk-tools')).toEqual(['musl', 'libcrypto3', 'libssl3', 'zlib']);
    expect(targets('musl')).toEqual([]);
  });

  it('uses the distro id as namespace for Wolfi, with its full VERSION_ID', async () => {
    const tree = memoryFileTree({
      '/etc/os-release': 'ID=wolfi\nNAME="Wolfi"\nVERSION_ID=20230201\n',
      '/usr/lib/apk/db/installed': 'P:glibc\nV:2.39-r5\nA:aarch64\nL:LGPL-2.1-or-later\no:glibc\n',
    });
    const { packages } = await runCataloger(apkCataloger, tree);
    expect(packages[0]?.purl).toBe('pkg:apk/wolfi/glibc@2.39-r5?arch=aarch64&distro=wolfi-20230201');
  });

  it('reads a /lib → /usr/lib symlinked database once', async () => {
    const tree = memoryFileTree({
      '/lib': { type: 'symlink', linkTarget: 'usr/lib' },
      '/usr/lib/apk/db/installed': 'P:musl\nV:1.2.5-r0\nA:x86_64\n',
    });
    const { packages } = await runCataloger(apkCataloger, tree);
    expect(packages).toHaveLength(1);
  });

  it('records the layer that wrote the database', async () => {
    const tree = memoryFileTree({ '/lib/apk/db/installed': 'P:musl\nV:1.2.5-r0\n' }, { layer: 'sha256:feed' });
    const { packages } = await runCataloger(apkCataloger, tree);
    expect(packages[0]?.locations).toEqual([{ path: '/lib/apk/db/installed', layer: 'sha256:feed' }]);
  });

  it('warns about a corrupt block and keeps the rest', async () => {
    const tree = memoryFileTree({
      '/lib/apk/db/installed': 'this is a corrupt db\n\nP:musl\nV:1.2.5-r0\n\nP:no-version\nA:x86_64\n',
    });
    const { packages, warnings } = await runCataloger(apkCataloger, tree);
    expect(packages.map((p) => p.name)).toEqual(['musl']);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('line 1'),
      expect.stringContaining('no-version has no V:'),
    ]);
  });
});

describe('parseApkInstalled', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (text) => {
        const db = parseApkInstalled(text);
        for (const entry of db.entries) expect(entry.name.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
