import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { binaryRuntimesCataloger } from './binary-runtimes-cataloger.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const tool = new Map(
  readFileSync(testdata('expected-tool-output.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as const),
);
const said = (prefix: string, re: RegExp): string => {
  const line = [...tool.entries()].find(([k]) => k.startsWith(prefix))?.[1] ?? '';
  return re.exec(line)?.[1] ?? `no match in ${line}`;
};

describe('binaryRuntimesCataloger on excerpts of real binaries', () => {
  it('finds each runtime with the version its own tool reports', async () => {
    const tree = await memoryFileTreeFromDirectory(testdata('rootfs'), '/');
    const out = await runCataloger(binaryRuntimesCataloger, tree);
    expect(out.warnings).toEqual([]);
    const found = Object.fromEntries(out.packages.map((p) => [p.locations[0]!.path, `${p.name}@${p.version}`]));
    expect(found).toEqual({
      '/usr/local/bin/node': `node@${said('node --version', /^v(\S+)$/)}`,
      '/usr/lib/x86_64-linux-gnu/libcrypto.so.3': `openssl@${said('openssl version', /^OpenSSL (\S+)/)}`,
      '/usr/bin/python3.11': `python@${said('/usr/bin/python3.11', /^Python (\S+)$/)}`,
      '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0': `python@${said('/usr/bin/python3.11', /^Python (\S+)$/)}`,
      '/bin/busybox': `busybox@${said('busybox', /^BusyBox v(\S+)/)}`,
      // The JDK 17 home has a release file, so its libjvm.so is not reported a second time.
      '/usr/lib/jvm/java-17-openjdk-amd64/release': `openjdk@${said('/usr/lib/jvm/java-17', /version "([^"]+)"/)}`,
      '/opt/java/openjdk/release': `openjdk@${said('/usr/lib/jvm/temurin-25', /version "([^"]+)"/)}`,
    });
    for (const p of out.packages) {
      expect(p.ecosystem).toBe('binary');
      expect(p.confidence).toBe('medium');
      expect(p.purl).toBe(`pkg:generic/${p.name}@${p.version}`);
    }
    const crypto = out.packages.find((p) => p.name === 'openssl');
    expect(crypto?.metadata).toMatchObject({ identifiedBy: 'version-string', evidence: expect.stringMatching(/^OpenSSL 3\.0\.\d+ \d+ \w+ \d{4}$/) });
    expect(out.packages.find((p) => p.locations[0]?.path === '/opt/java/openjdk/release')?.metadata).toMatchObject({ implementor: 'Eclipse Adoptium' });
  });

  it('finds the same runtimes in the few bytes reduce() keeps of each selected file', async () => {
    const whole = await memoryFileTreeFromDirectory(testdata('rootfs'), '/');
    const files: Record<string, Buffer> = {};
    for (const entry of whole.entries()) {
      if (entry.type !== 'file') continue;
      const content = await whole.read(entry.path, 1 << 30);
      files[entry.path] = binaryRuntimesCataloger.selects(entry.path) ? binaryRuntimesCataloger.reduce!(entry.path, content) : content;
      // Only the JDK release file (not a binary) is kept whole.
      if (binaryRuntimesCataloger.selects(entry.path) && !entry.path.endsWith('/release')) expect(files[entry.path]!.length, entry.path).toBeLessThanOrEqual(160);
    }
    const reduced = await runCataloger(binaryRuntimesCataloger, memoryFileTree(files));
    expect(reduced).toEqual(await runCataloger(binaryRuntimesCataloger, whole));
    // A JDK without a release file is still named from its reduced libjvm.so, and a file without a version string reduces to nothing.
    const libjvm = readFileSync(testdata('rootfs/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so'));
    const jre = await runCataloger(binaryRuntimesCataloger, memoryFileTree({ '/opt/jre/lib/server/libjvm.so': binaryRuntimesCataloger.reduce!('/opt/jre/lib/server/libjvm.so', libjvm) }));
    expect(jre.packages.map((p) => p.name)).toEqual(['openjdk']);
    expect(binaryRuntimesCataloger.reduce!('/usr/bin/python3.12', readFileSync(testdata('rootfs/usr/bin/python3.11')))).toHaveLength(0);
  });

  it('reads the JDK version from libjvm.so when there is no release file', async () => {
    const libjvm = readFileSync(testdata('rootfs/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so'));
    const out = await runCataloger(binaryRuntimesCataloger, memoryFileTree({ '/opt/jre/lib/server/libjvm.so': libjvm }));
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual([`openjdk@${said('/usr/lib/jvm/java-17', /version "([^"]+)"/)}`]);
    expect(out.packages[0]?.metadata?.runtimeVersion).toMatch(/^17\.0\.\d+\+\d+-Debian/);
  });

  it('reports nothing for files without a version string, and skips symlinks', async () => {
    const out = await runCataloger(
      binaryRuntimesCataloger,
      memoryFileTree({
        '/usr/lib/x86_64-linux-gnu/libssl.so.3': Buffer.from('\x7fELF...OPENSSL_3.0.0\0OPENSSL_sk_new\0'),
        '/usr/bin/python3.12': '#!/bin/sh\necho 3.12.1\n',
        '/usr/bin/node': { type: 'symlink', linkTarget: 'nodejs' },
        '/usr/bin/nodejs': 'node.js/vX',
      }),
    );
    expect(out).toMatchObject({ packages: [], warnings: [] });
  });

  it('does not mistake a python of another minor version', async () => {
    const py = readFileSync(testdata('rootfs/usr/bin/python3.11'));
    const out = await runCataloger(binaryRuntimesCataloger, memoryFileTree({ '/usr/bin/python3.12': py }));
    expect(out.packages).toEqual([]);
  });

  it('selects the documented paths only', () => {
    for (const p of ['/usr/local/bin/node', '/root/.nvm/versions/node/v18.19.0/bin/node', '/usr/local/bin/python3.12', '/usr/lib64/libcrypto.so.1.1', '/lib/libssl.so.1.0.0', '/bin/busybox', '/usr/lib/jvm/jdk-21/release', '/opt/java/openjdk/lib/server/libjvm.so']) {
      expect(binaryRuntimesCataloger.selects(p), p).toBe(true);
    }
    for (const p of ['/etc/os-release', '/usr/bin/python3', '/usr/share/doc/node', '/usr/bin/python3.11-config']) {
      expect(binaryRuntimesCataloger.selects(p), p).toBe(false);
    }
  });
});
