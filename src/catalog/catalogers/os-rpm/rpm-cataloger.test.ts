import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PackageDraft } from '../../cataloger.js';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { formatPurl } from '../../../domain/purl.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { rpmCataloger } from './index.js';
import { readBdbRpmdb } from './read-bdb-rpmdb.js';
import { parseRpmHeader } from './rpm-header.js';
import { toRpmPackage } from './rpm-package.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

/** `rpm -qa --qf` output captured when the fixtures were made (testdata/README.md). */
const rpmQa = readFileSync(testdata('rpm-qa.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const none = (v: string | undefined): string | undefined => (v === '(none)' ? undefined : v);
    const [name, epoch, version, release, arch, sourceRpm, size, license, vendor, modularityLabel, evr] = line.split('\t');
    return {
      name,
      epoch: none(epoch),
      version,
      release,
      arch: none(arch),
      sourceRpm: none(sourceRpm),
      size: Number(size),
      license,
      vendor: none(vendor),
      modularityLabel: none(modularityLabel),
      evr,
    };
  })
  .filter((row) => row.name !== 'gpg-pubkey');

function expectMatchesRpmQa(packages: readonly PackageDraft[]): void {
  const got = packages
    .map((p) => ({
      name: p.name,
      epoch: p.metadata?.epoch?.toString(),
      version: p.version.replace(/^\d+:/, '').replace(/-[^-]*$/, ''),
      release: p.metadata?.release,
      arch: p.arch,
      sourceRpm: p.metadata?.sourceRpm,
      size: p.metadata?.size,
      license: p.licenses[0],
      vendor: p.metadata?.vendor,
      modularityLabel: p.metadata?.modularityLabel,
      evr: p.version,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  expect(got).toEqual([...rpmQa].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')));
}

describe('rpmCataloger', () => {
  it('reads an rpm-written SQLite database (WAL mode) exactly as rpm -qa lists it, without gpg-pubkey', async () => {
    const { packages, warnings } = await runCataloger(rpmCataloger, await memoryFileTreeFromDirectory(testdata('rhel-sqlite')));
    expect(warnings).toEqual([]);
    expectMatchesRpmQa(packages);
    const hello = packages.find((p) => p.name === 'hello-libs');
    expect(hello).toMatchObject({
      ecosystem: 'rpm',
      version: '1:2.12.1-3.el9',
      source: { name: 'hello', version: '1:2.12.1-3.el9' },
      distro: 'rhel-9.3',
      locations: [{ path: '/var/lib/rpm/rpmdb.sqlite' }],
      purl: 'pkg:rpm/redhat/hello-libs@2.12.1-3.el9?arch=x86_64&distro=rhel-9.3&epoch=1',
    });
    expect(packages.find((p) => p.name === 'perl-tool')?.purl).toBe(
      formatPurl({
        type: 'rpm',
        namespace: 'redhat',
        name: 'perl-tool',
        version: '0.5-1.module+el8.9.0+1234+abcdef12',
        qualifiers: { arch: 'noarch', distro: 'rhel-9.3', epoch: '0' },
      }),
    );
  });

  it('reads a Berkeley DB hash database with multi-page overflow chains (CentOS 7 release file)', async () => {
    const { packages, warnings } = await runCataloger(rpmCataloger, await memoryFileTreeFromDirectory(testdata('centos-bdb')));
    expect(warnings).toEqual([]);
    expectMatchesRpmQa(packages);
    expect(packages.find((p) => p.name === 'hello')?.purl).toBe('pkg:rpm/centos/hello@2.12.1-3.el9?arch=x86_64&distro=centos-7&epoch=1');
  });

  it('reads an NDB database under /usr/lib/sysimage/rpm', async () => {
    const { packages, warnings } = await runCataloger(rpmCataloger, await memoryFileTreeFromDirectory(testdata('suse-ndb')));
    expect(warnings).toEqual([]);
    expectMatchesRpmQa(packages);
    expect(packages[0]?.locations[0]?.path).toBe('/usr/lib/sysimage/rpm/Packages.db');
    expect(packages[0]?.purl).toMatch(/^pkg:rpm\/opensuse\/.*distro=opensuse-leap-15.5/);
  });

  it('reads a big-endian Berkeley DB database', () => {
    const { blobs, problems } = readBdbRpmdb(readFileSync(testdata('bdb-big-endian/Packages')));
    expect(problems).toEqual([]);
    const names = blobs.map((b) => toRpmPackage(parseRpmHeader(b)).name).sort();
    expect(names).toEqual(['gpg-pubkey', 'hello', 'hello-libs', 'perl-tool']);
  });

  it.each(['rhel-sqlite', 'centos-bdb', 'suse-ndb'])('%s: depends-on edges are what rpm -q --whatprovides resolves', async (dir) => {
    const result = await runCataloger(rpmCataloger, await memoryFileTreeFromDirectory(testdata(dir)));
    const nameOf = new Map(result.packages.map((p) => [p.key, p.name]));
    const got = (result.relationships ?? []).map((r) => `${nameOf.get(r.from)}\t${nameOf.get(r.to)}`).sort();
    // hello → hello-libs(x86-64) (a provide), perl-tool → /usr/bin/hello (a file) and hello-libs >= 1:2.
    expect(got).toEqual(readFileSync(testdata('rpm-requires.tsv'), 'utf8').trim().split('\n').sort());
  });

  it('catalogs one database per image, preferring SQLite over a stale Packages', async () => {
    const sqlite = readFileSync(testdata('rhel-sqlite/var/lib/rpm/rpmdb.sqlite'));
    const bdb = readFileSync(testdata('centos-bdb/var/lib/rpm/Packages'));
    const tree = memoryFileTree({ '/var/lib/rpm/Packages': bdb, '/var/lib/rpm/rpmdb.sqlite': sqlite });
    const { packages } = await runCataloger(rpmCataloger, tree);
    expect(packages).toHaveLength(3);
    expect(packages.every((p) => p.locations[0]?.path === '/var/lib/rpm/rpmdb.sqlite')).toBe(true);
  });

  it('warns about a corrupt database and falls back to the next one', async () => {
    const bdb = readFileSync(testdata('centos-bdb/var/lib/rpm/Packages'));
    const tree = memoryFileTree({ '/var/lib/rpm/rpmdb.sqlite': 'SQLite format 3\0 but not really', '/var/lib/rpm/Packages': bdb });
    const { packages, warnings } = await runCataloger(rpmCataloger, tree);
    expect(packages).toHaveLength(3);
    expect(warnings).toEqual([{ message: expect.stringContaining('not an SQLite database'), path: '/var/lib/rpm/rpmdb.sqlite' }]);
  });

  it('names the vendor from the header when the image has no os-release', async () => {
    const tree = memoryFileTree({ '/var/lib/rpm/Packages': readFileSync(testdata('centos-bdb/var/lib/rpm/Packages')) });
    const { packages } = await runCataloger(rpmCataloger, tree);
    // 'Bulkhead Test Vendor' is no known vendor: no namespace, no distro qualifier.
    expect(packages.find((p) => p.name === 'hello')?.purl).toBe('pkg:rpm/hello@2.12.1-3.el9?arch=x86_64&epoch=1');
  });

  it('selects the database files in the rpm directories only', () => {
    for (const path of ['/var/lib/rpm/rpmdb.sqlite', '/var/lib/rpm/Packages', '/usr/lib/sysimage/rpm/Packages.db', '/usr/share/rpm/Packages']) {
      expect(rpmCataloger.selects(path)).toBe(true);
    }
    for (const path of ['/var/lib/rpm/Name', '/var/lib/rpm/rpmdb.sqlite-wal', '/usr/share/rpm/Name', '/var/lib/rpm/x/Packages']) {
      expect(rpmCataloger.selects(path)).toBe(false);
    }
  });
});
