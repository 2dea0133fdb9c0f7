import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { formatPurl } from '../../../domain/purl.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { dpkgCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

/** Rows of `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'`. */
const dpkgQuery = readFileSync(testdata('dpkg-query.debian-12.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => {
    const [name, version, arch, sourceName, sourceVersion] = line.split('\t');
    return { name, version, arch, sourceName, sourceVersion };
  });

async function debian12() {
  return runCataloger(dpkgCataloger, await memoryFileTreeFromDirectory(testdata('debian-12')));
}

describe('dpkgCataloger on a real Debian 12 status file', () => {
  it('reports exactly what dpkg-query reports: name, version, arch, source name and version', async () => {
    const { packages, warnings } = await debian12();
    expect(warnings).toEqual([]);
    const got = packages.map((p) => ({
      name: p.name,
      version: p.version,
      arch: p.arch,
      sourceName: p.source?.name,
      sourceVersion: p.source?.version,
    }));
    const byName = (a: { name?: string }, b: { name?: string }): number => (a.name ?? '').localeCompare(b.name ?? '');
    expect(got.sort(byName)).toEqual([...dpkgQuery].sort(byName));
  });

  it('writes deb purls with the distro qualifier and upstream when the source differs', async () => {
    const { packages } = await debian12();
    const purl = (name: string): string | undefined => packages.find((p) => p.name === name)?.purl;
    // Percent-encoding is formatPurl's business; the parts are what this cataloger decides.
    const deb = (name: string, version: string, upstream?: string): string =>
      formatPurl({ type: 'deb', namespace: 'debian', name, version, qualifiers: { arch: 'amd64', distro: 'debian-12', upstream } });
    expect(purl('base-files')).toBe(deb('base-files', '12.4+deb12u11'));
    expect(purl('libattr1')).toBe(deb('libattr1', '1:2.5.1-4', 'attr'));
    // Source: libselinux (3.4-1) while the binary is a binNMU, 3.4-1+b6.
    expect(purl('libselinux1')).toBe(deb('libselinux1', '3.4-1+b6', 'libselinux@3.4-1'));
    expect(packages.every((p) => p.distro === 'debian-12' && p.ecosystem === 'deb')).toBe(true);
  });

  it('takes licenses from DEP-5 copyright files only, and records the file as a location', async () => {
    const { packages } = await debian12();
    const pkg = (name: string) => packages.find((p) => p.name === name);
    expect(new Set(pkg('libattr1')?.licenses)).toEqual(new Set(['GPL-2+', 'LGPL-2+', 'GPL-2', 'LGPL-2.1']));
    expect(new Set(pkg('libssl3')?.licenses)).toEqual(new Set(['Apache-2.0', 'Artistic', 'GPL-1+', 'GPL-1']));
    expect(pkg('tzdata')?.licenses).toEqual(['public-domain']);
    expect(pkg('zlib1g')?.licenses).toEqual(['Zlib']);
    // libc6's copyright is free-form prose.
    expect(pkg('libc6')?.licenses).toEqual([]);
    expect(pkg('libattr1')?.locations.map((l) => l.path)).toEqual(['/var/lib/dpkg/status', '/usr/share/doc/libattr1/copyright']);
    expect(pkg('bash')?.locations.map((l) => l.path)).toEqual(['/var/lib/dpkg/status']);
    expect(pkg('bash')?.metadata).toMatchObject({ maintainer: 'Matthias Klose <doko@debian.org>', installedSizeKiB: expect.any(Number) });
  });

  it('records Depends and Pre-Depends among installed packages, through alternatives and Provides', async () => {
    const { packages, relationships } = await debian12();
    const nameOf = new Map(packages.map((p) => [p.key, p.name]));
    const targets = (name: string): string[] =>
      (relationships ?? [])
        .filter((r) => nameOf.get(r.from) === name)
        .map((r) => nameOf.get(r.to) ?? '?')
        .sort();
    // Values from dpkg-query.relations.debian-12.tsv.
    expect(targets('coreutils')).toEqual(['libacl1', 'libattr1', 'libc6', 'libgmp10', 'libselinux1']);
    // Pre-Depends: awk — a virtual package that mawk Provides.
    expect(targets('base-files')).toEqual(['mawk']);
    // debconf (>= 0.5) | debconf-2.0, debconf (>= 1.5.19) | cdebconf, libpam-modules
    expect(targets('libpam-runtime')).toEqual(['debconf', 'libpam-modules']);
    expect(targets('libgcc-s1')).toEqual(['gcc-12-base', 'libc6']);
    expect(relationships?.every((r) => r.type === 'depends-on')).toBe(true);
  });
});

const paragraph = (name: string, status: string | undefined, extra = ''): string =>
  `Package: ${name}\n${status === undefined ? '' : `Status: ${status}\n`}Version: 1.0-1\nArchitecture: amd64\n${extra}`;

describe('dpkgCataloger status handling', () => {
  it('keeps only packages whose state (third Status word) is installed', async () => {
    const status = [
      paragraph('installed', 'install ok installed'),
      paragraph('held', 'hold ok installed'),
      paragraph('marked-for-removal', 'deinstall ok installed'),
      paragraph('removed', 'deinstall ok config-files'),
      paragraph('half', 'install reinstreq half-installed'),
      paragraph('unpacked', 'install ok unpacked'),
      paragraph('no-status', undefined),
    ].join('\n');
    const { packages } = await runCataloger(dpkgCataloger, memoryFileTree({ '/var/lib/dpkg/status': status }));
    expect(packages.map((p) => p.name)).toEqual(['installed', 'held', 'marked-for-removal']);
  });

  it('reads distroless status.d entries, one per file, ignoring md5sums and maintainer scripts', async () => {
    const tree = memoryFileTree({
      '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
      '/var/lib/dpkg/status.d/libssl3': paragraph('libssl3', undefined, 'Source: openssl\n'),
      '/var/lib/dpkg/status.d/libssl3.md5sums': 'd41d8cd98f00b204e9800998ecf8427e  usr/lib/x.so\n',
      '/var/lib/dpkg/status.d/tzdata': paragraph('tzdata', 'install ok installed'),
      '/var/lib/dpkg/status.d/tzdata.preinst': '#!/bin/sh\n',
    });
    const { packages, warnings } = await runCataloger(dpkgCataloger, tree);
    expect(warnings).toEqual([]);
    expect(packages.map((p) => [p.name, p.locations[0]?.path, p.source?.name])).toEqual([
      ['libssl3', '/var/lib/dpkg/status.d/libssl3', 'openssl'],
      ['tzdata', '/var/lib/dpkg/status.d/tzdata', 'tzdata'],
    ]);
    expect(packages[0]?.purl).toBe('pkg:deb/debian/libssl3@1.0-1?arch=amd64&distro=debian-12&upstream=openssl');
  });

  it('warns about a malformed paragraph and still reports the others', async () => {
    const status = `${paragraph('good', 'install ok installed')}\nthis is not a field\nPackage: broken\n\n${paragraph('also-good', 'install ok installed')}\nStatus: install ok installed\nVersion: 2\n`;
    const { packages, warnings } = await runCataloger(dpkgCataloger, memoryFileTree({ '/var/lib/dpkg/status': status }));
    expect(packages.map((p) => p.name)).toEqual(['good', 'also-good']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.path).toBe('/var/lib/dpkg/status');
  });

  it('records the layer that wrote the status file', async () => {
    const tree = memoryFileTree({ '/var/lib/dpkg/status': paragraph('x', 'install ok installed') }, { layer: 'sha256:feed' });
    const { packages } = await runCataloger(dpkgCataloger, tree);
    expect(packages[0]?.locations).toEqual([{ path: '/var/lib/dpkg/status', layer: 'sha256:feed' }]);
  });

  it('falls back to the debian namespace without a distro qualifier when no release file exists', async () => {
    const { packages } = await runCataloger(dpkgCataloger, memoryFileTree({ '/var/lib/dpkg/status': paragraph('x', 'install ok installed') }));
    expect(packages[0]?.purl).toBe('pkg:deb/debian/x@1.0-1?arch=amd64');
    expect(packages[0]?.distro).toBeUndefined();
  });

  it('uses the os-release id as namespace (ubuntu) and follows a symlinked doc directory', async () => {
    const tree = memoryFileTree({
      '/etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\n',
      '/var/lib/dpkg/status': paragraph('libfoo-dev', 'install ok installed'),
      '/usr/share/doc/libfoo-dev': { type: 'symlink', linkTarget: 'libfoo1' },
      '/usr/share/doc/libfoo1/copyright': 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: MIT or Apache-2.0\n',
    });
    const { packages } = await runCataloger(dpkgCataloger, tree);
    expect(packages[0]?.purl).toBe('pkg:deb/ubuntu/libfoo-dev@1.0-1?arch=amd64&distro=ubuntu-22.04');
    expect(packages[0]?.licenses).toEqual(['MIT', 'Apache-2.0']);
  });

  it('selects the status file, status.d entries and copyright files only', () => {
    expect(dpkgCataloger.selects('/var/lib/dpkg/status')).toBe(true);
    expect(dpkgCataloger.selects('/var/lib/dpkg/status.d/base-files')).toBe(true);
    expect(dpkgCataloger.selects('/var/lib/dpkg/status.d/base-files.md5sums')).toBe(false);
    expect(dpkgCataloger.selects('/var/lib/dpkg/status-old')).toBe(false);
    expect(dpkgCataloger.selects('/usr/share/doc/bash/copyright')).toBe(true);
    expect(dpkgCataloger.selects('/usr/share/doc/bash/README')).toBe(false);
  });
});

describe('dpkgCataloger on damaged status files', () => {
  const original = readFileSync(testdata('debian-12/var/lib/dpkg/status'));
  it('never throws on a randomly edited or truncated real status file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }),
        fc.nat(original.length),
        async (edits, cut) => {
          const damaged = Buffer.from(original);
          for (const [at, value] of edits) damaged[at] = value;
          const { packages } = await runCataloger(dpkgCataloger, memoryFileTree({ '/var/lib/dpkg/status': damaged.subarray(0, cut) }));
          for (const p of packages) expect(p.name.length > 0 && p.version.length > 0).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
