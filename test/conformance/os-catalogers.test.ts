/**
 * Conformance of the OS package catalogers (dpkg, apk, rpm) against real
 * upstream data in ../shared/testdata/package-dbs: anchore/syft's and
 * google/osv-scalibr's dpkg and apk fixtures with the packages their tests
 * expect, and rpm databases (go-rpmdb's SQLite and Berkeley DB, rpm's own
 * SQLite, syft's BDB) with `rpm -qa` listings made by rpm 4.18 itself.
 * Name, full version, architecture and source package are compared exactly
 * for every package listed. Deliberate differences are listed where they
 * are skipped, with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PackageDraft } from '../../src/catalog/cataloger.js';
import { apkCataloger } from '../../src/catalog/catalogers/os-apk/index.js';
import { dpkgCataloger } from '../../src/catalog/catalogers/os-dpkg/index.js';
import { parseCopyrightLicenses } from '../../src/catalog/catalogers/os-dpkg/parse-copyright-licenses.js';
import { rpmCataloger } from '../../src/catalog/catalogers/os-rpm/index.js';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../../src/catalog/catalogers/testing/memory-file-tree.js';
import { runCataloger } from '../../src/catalog/catalogers/testing/run-cataloger.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dbs = path.resolve(repoRoot, '../shared/testdata/package-dbs');
const present = existsSync(dbs);
if (!present && process.env.CI === 'true') throw new Error(`conformance data missing: ${dbs} (required when CI=true)`);
if (!present) console.warn(`skipping OS cataloger conformance: ${dbs} not found`);

/* eslint-disable @typescript-eslint/no-explicit-any -- upstream expectation files are loosely typed JSON */
const json = (rel: string): any => JSON.parse(readFileSync(path.join(dbs, rel), 'utf8'));
const file = (rel: string): Buffer => readFileSync(path.join(dbs, rel));
const byName = (packages: readonly PackageDraft[], name: string): PackageDraft => {
  const found = packages.filter((p) => p.name === name);
  expect(found, `exactly one package named ${name}`).toHaveLength(1);
  return found[0] as PackageDraft;
};
const osRelease = (text: string | undefined): Record<string, string> => (text ? { '/etc/os-release': text } : {});

/** Edges of a cataloger result as "from -> to" package names. */
function edges(result: { packages: readonly PackageDraft[]; relationships?: readonly { from: string; to: string }[] }): Set<string> {
  const nameOf = new Map(result.packages.map((p) => [p.key, p.name]));
  return new Set((result.relationships ?? []).map((r) => `${nameOf.get(r.from)} -> ${nameOf.get(r.to)}`));
}

describe.skipIf(!present)('dpkg: syft debian fixtures', () => {
  const cases: any[] = present ? json('syft/debian/expected/TestDpkgCataloger.json').cases : [];
  it.each(cases.map((c: any): [string, any] => [c.name, c]))('TestDpkgCataloger %s', async (name, c: any) => {
    const tree = await memoryFileTreeFromDirectory(path.join(dbs, 'syft/debian/testdata', name as string));
    const { packages, warnings } = await runCataloger(dpkgCataloger, tree);
    expect(warnings).toEqual([]);
    expect(packages).toHaveLength(c.expected.length);
    for (const want of c.expected) {
      const got = byName(packages, want.Name);
      expect(got.version).toBe(want.Version);
      expect(got.arch).toBe(want.Metadata.Architecture);
      expect(got.source).toEqual({ name: want.Metadata.Source || want.Name, version: want.Metadata.SourceVersion || want.Version });
      expect(new Set(got.licenses)).toEqual(new Set(want.Licenses.map((l: any) => l.license)));
      if (want.PURL) expect(got.purl).toBe(want.PURL);
      // syft also lists md5sums, conffiles and maintainer scripts as supporting evidence; we do not read them.
      const primaryOrCopyright = (p: string): boolean => !/\.(md5sums|conffiles|preinst)$/.test(p);
      expect(got.locations.map((l) => l.path)).toEqual(want.Locations.map((l: any) => l.location).filter(primaryOrCopyright));
    }
  });

  const statusCases: any[] = present ? json('syft/debian/expected/Test_parseDpkgStatus.json').cases : [];
  it.each(statusCases.map((c: any): [string, any] => [c.name, c]))('Test_parseDpkgStatus %s', async (name, c: any) => {
    if (c.fixturePath.includes('/opkg/')) return; // opkg (OpenWrt) is not a dpkg database: not cataloged here.
    const at = `/var/lib/dpkg/status.d/${path.basename(c.fixturePath)}`;
    const { packages, warnings } = await runCataloger(dpkgCataloger, memoryFileTree({ [at]: file(`syft/debian/${c.fixturePath}`) }));
    // syft keeps a paragraph without Version; a package without a version cannot be matched, so we warn and skip it.
    const wanted = c.expected.filter((p: any) => p.Version);
    for (const skipped of c.expected.filter((p: any) => !p.Version)) {
      expect(warnings.map((w) => w.message)).toContainEqual(expect.stringContaining(`${skipped.Package} has no Version`));
    }
    expect(packages.map((p) => p.name)).toEqual(wanted.map((p: any) => p.Package));
    for (const want of wanted) {
      const got = byName(packages, want.Package);
      expect(got.version).toBe(want.Version);
      expect(got.arch).toBe(want.Architecture);
      expect(got.source?.name).toBe(want.Source || want.Package);
      expect(got.metadata?.maintainer).toBe(want.Maintainer);
      // dpkg writes Installed-Size as KiB digits; syft also reads '4KB' as 4000, which we leave out.
      if (/^\d+$/.test(String(want.InstalledSize)) && !c.fixturePath.endsWith('4KB')) expect(got.metadata?.installedSizeKiB).toBe(want.InstalledSize);
    }
  });

  const relationshipCases: any[] = present ? json('syft/debian/expected/Test_CatalogerRelationships.json').cases : [];
  it.each(relationshipCases.map((c: any): [string, any] => [c.name, c]))('Test_CatalogerRelationships %s', async (_name, c: any) => {
    const at = `/var/lib/dpkg/status.d/${path.basename(c.fixture)}`;
    // These fixtures leave Version out of most paragraphs. Like osv-scalibr we skip
    // versionless entries, so each gets a placeholder version: what is compared is
    // how Depends, alternatives, arch lists and Provides resolve.
    const text = file(`syft/debian/${c.fixture}`)
      .toString('utf8')
      .split(/\n\s*\n/)
      .map((para) => (/^Version:/m.test(para) ? para : para.replace(/^(Package:.*)$/m, '$1\nVersion: 0')))
      .join('\n\n');
    const result = await runCataloger(dpkgCataloger, memoryFileTree({ [at]: text }));
    const want = new Set<string>();
    for (const [from, tos] of Object.entries(c.wantRelationships)) for (const to of tos as string[]) want.add(`${from} -> ${to}`);
    expect(edges(result)).toEqual(want);
  });

  const copyrightCases: any[] = present ? json('syft/debian/expected/TestParseLicensesFromCopyright.json').cases : [];
  it.each(copyrightCases.map((c: any): [string, any] => [c.fixture, c]))('TestParseLicensesFromCopyright %s', (fixture, c: any) => {
    const licenses = parseCopyrightLicenses(file(`syft/debian/${fixture as string}`).toString('utf8'));
    expect(new Set(licenses)).toEqual(new Set(c.expected ?? []));
  });
});

describe.skipIf(!present)('dpkg: osv-scalibr fixtures', () => {
  const cases: any[] = present ? json('osv-scalibr/os/dpkg/expected/dpkg.TestExtract.json').cases : [];
  // 'cfg' cases turn on scalibr's option to include non-installed packages; isOPKG cases are OpenWrt's opkg.
  const comparable = cases.filter((c: any) => !c.cfg && !c.isOPKG);
  it.each(comparable.map((c: any): [string, any] => [`${c.name} (${c.path})`, c]))('%s', async (_name, c: any) => {
    const at = c.path.includes('/status.d/') ? `/var/lib/dpkg/status.d/${path.basename(c.path)}` : '/var/lib/dpkg/status';
    const tree = memoryFileTree({ [at]: file(`osv-scalibr/os/dpkg/${c.path}`), ...osRelease(c.osrelease) });
    const { packages, warnings } = await runCataloger(dpkgCataloger, tree);
    if (c.wantErr) {
      expect(packages).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
      return;
    }
    const want = c.wantPackages ?? [];
    expect(packages.map((p) => [p.name, p.version])).toEqual(want.map((p: any) => [p.Name, p.Version]));
    for (const w of want) {
      const got = byName(packages, w.Name);
      expect(got.arch).toBe(w.Metadata.Architecture || undefined);
      expect(got.source).toEqual({ name: w.Metadata.SourceName || w.Name, version: w.Metadata.SourceVersion || w.Version });
    }
  });
});

describe.skipIf(!present)('apk: syft alpine fixtures', () => {
  it('TestApkDBCataloger (multiple-1): packages and dependency-of relationships', async () => {
    const expected = json('syft/alpine/expected/TestApkDBCataloger.json').cases;
    const result = await runCataloger(apkCataloger, await memoryFileTreeFromDirectory(path.join(dbs, 'syft/alpine/testdata/multiple-1')));
    expect(result.warnings).toEqual([]);
    expect(result.packages).toHaveLength(expected.expectedPackages.length);
    for (const want of expected.expectedPackages) {
      const got = byName(result.packages, want.Name);
      expect(got.version).toBe(want.Version);
      expect(got.arch).toBe(want.Metadata.Architecture);
      expect(got.source).toEqual({ name: want.Metadata.OriginPackage, version: want.Version });
      expect(got.licenses.join(' ')).toBe(want.Licenses.map((l: any) => l.license).join(' '));
      expect(got.metadata).toMatchObject({ maintainer: want.Metadata.Maintainer, size: want.Metadata.Size, installedSize: want.Metadata.InstalledSize });
    }
    // syft's DependencyOf points from the dependency to the dependent: the reverse of depends-on.
    const name = (ref: string): string => ref.slice(0, ref.lastIndexOf('@'));
    expect(edges(result)).toEqual(new Set(expected.expectedRelationships.map((r: any) => `${name(r.To)} -> ${name(r.From)}`)));
  });

  it('TestCatalogerDependencyTree (multiple-2)', async () => {
    const expected: Record<string, string[]> = json('syft/alpine/expected/TestCatalogerDependencyTree.json').cases;
    const result = await runCataloger(apkCataloger, await memoryFileTreeFromDirectory(path.join(dbs, 'syft/alpine/testdata/multiple-2')));
    const want = new Set(Object.entries(expected).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`)));
    expect(edges(result)).toEqual(want);
  });

  const singles: any[] = present ? json('syft/alpine/expected/TestSinglePackageDetails.json').cases : [];
  it.each(singles.map((c: any): [string, any] => [c.fixture, c]))('TestSinglePackageDetails %s', async (fixture, c: any) => {
    const tree = memoryFileTree({ '/lib/apk/db/installed': file(`syft/alpine/${fixture as string}`) });
    const { packages, warnings } = await runCataloger(apkCataloger, tree);
    expect(warnings).toEqual([]);
    const want = c.expected;
    const got = byName(packages, want.Name);
    expect(got.version).toBe(want.Version);
    expect(got.arch).toBe(want.Metadata.Architecture);
    expect(got.source?.name).toBe(want.Metadata.OriginPackage || want.Name);
    // apk's L: is one declaration; syft splits pre-SPDX lists on spaces.
    expect(got.licenses.join(' ')).toBe((want.Licenses ?? []).map((l: any) => l.license).join(' '));
  });
});

describe.skipIf(!present)('apk: osv-scalibr fixtures', () => {
  const cases: any[] = present ? json('osv-scalibr/os/apk/expected/apk.TestExtract.json').cases : [];
  it.each(cases.map((c: any): [string, any] => [`${c.name} (${c.path})`, c]))('%s', async (_name, c: any) => {
    const tree = memoryFileTree({ '/lib/apk/db/installed': file(`osv-scalibr/os/apk/${c.path}`), ...osRelease(c.osrelease) });
    const { packages, warnings } = await runCataloger(apkCataloger, tree);
    if (c.wantErr) {
      expect(packages).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
      return;
    }
    const want = c.wantPackages ?? [];
    expect(packages.map((p) => [p.name, p.version])).toEqual(want.map((p: any) => [p.Name, p.Version]));
    for (const w of want) {
      const got = byName(packages, w.Name);
      expect(got.arch).toBe(w.Metadata.Architecture || undefined);
      expect(got.source).toEqual({ name: w.Metadata.OriginName || w.Name, version: w.Version });
      expect(got.licenses).toEqual(w.Licenses ?? []);
    }
  });
});

interface RpmQaRow {
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string | null;
  sourceRpm: string | null;
  size: number;
  license: string | null;
  vendor: string | null;
  modularityLabel: string | null;
}

function expectRpmQa(packages: readonly PackageDraft[], rows: readonly RpmQaRow[]): void {
  const listed = rows.filter((r) => r.name !== 'gpg-pubkey');
  expect(packages).toHaveLength(listed.length);
  // Names repeat in real databases (multilib, kernels): compare as a multiset of full identities.
  const identity = (r: RpmQaRow): string =>
    JSON.stringify([r.name, r.epoch, r.version, r.release, r.arch, r.sourceRpm, r.size, r.license, r.vendor || null, r.modularityLabel || null]);
  const got = packages.map((p) => {
    const m = p.metadata ?? {};
    const version = p.version.replace(/^\d+:/, '');
    return JSON.stringify([
      p.name,
      m.epoch ?? null,
      version.slice(0, version.lastIndexOf('-')),
      m.release,
      p.arch ?? null,
      m.sourceRpm ?? null,
      m.size ?? 0,
      p.licenses[0] ?? null,
      m.vendor ?? null,
      m.modularityLabel ?? null,
    ]);
  });
  expect(got.sort()).toEqual(listed.map(identity).sort());
  for (const p of packages) {
    const epoch = p.metadata?.epoch;
    if (epoch === undefined) expect(p.version).not.toMatch(/^\d+:/);
    else expect(p.version.startsWith(`${epoch}:`)).toBe(true);
    // The source package, re-assembled, must give back rpm's SOURCERPM.
    if (p.metadata?.sourceRpm !== undefined) {
      expect(`${p.source?.name}-${p.source?.version?.replace(/^\d+:/, '')}.src.rpm`).toBe(p.metadata.sourceRpm);
    }
  }
}

describe.skipIf(!present)('rpm databases against rpm -qa', () => {
  it.each([
    ['go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite', '/var/lib/rpm/rpmdb.sqlite', 'go-rpmdb/cbl-mariner-2.0/rpm-qa.json'],
    ['go-rpmdb/libuuid/Packages', '/var/lib/rpm/Packages', 'go-rpmdb/libuuid/rpm-qa.json'],
    ['rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite', 'rpm/rpm-qa.json'],
    ['syft/redhat/testdata/Packages', '/var/lib/rpm/Packages', 'syft/redhat/expected/rpm-qa.Packages.json'],
  ])('%s', async (db, at, listing) => {
    const { packages, warnings } = await runCataloger(rpmCataloger, memoryFileTree({ [at]: file(db) }));
    expect(warnings).toEqual([]);
    expectRpmQa(packages, json(listing).packages);
  });

  it.each(['go-rpmdb/cbl-mariner-2.0', 'go-rpmdb/libuuid'])('%s: the package go-rpmdb asserts', async (dir) => {
    const want = json(`${dir}/expected.json`).package;
    const db = existsSync(path.join(dbs, dir, 'Packages')) ? ['Packages', '/var/lib/rpm/Packages'] : ['rpmdb.sqlite', '/var/lib/rpm/rpmdb.sqlite'];
    const { packages } = await runCataloger(rpmCataloger, memoryFileTree({ [db[1] as string]: file(`${dir}/${db[0]}`) }));
    const got = byName(packages, want.name);
    const evr = `${want.epoch === null ? '' : `${want.epoch}:`}${want.version}-${want.release}`;
    expect(got.version).toBe(evr);
    expect(got.arch).toBe(want.arch);
    expect(got.licenses).toEqual([want.license]);
    expect(got.metadata).toMatchObject({ sourceRpm: want.sourceRpm, size: want.size, vendor: want.vendor });
  });

  it('selects every rpm database path of syft\'s glob-paths fixture', async () => {
    const tree = await memoryFileTreeFromDirectory(path.join(dbs, 'syft/redhat/testdata/glob-paths'));
    const dbFiles = [...tree.entries()].filter((e) => e.type === 'file' && /\/rpm\/(Packages|Packages\.db|rpmdb\.sqlite)$/.test(e.path));
    expect(dbFiles).toHaveLength(9);
    for (const entry of dbFiles) expect(rpmCataloger.selects(entry.path), entry.path).toBe(true);
  });

  it('syft TestParseRpmDB: dive from a Berkeley DB Packages', async () => {
    const [want] = json('syft/redhat/expected/TestParseRpmDB.json').cases[0].expected;
    const { packages } = await runCataloger(rpmCataloger, memoryFileTree({ '/var/lib/rpm/Packages': file('syft/redhat/testdata/Packages') }));
    const got = byName(packages, want.Name);
    expect(got.version).toBe(want.Version);
    expect(got.arch).toBe(want.Metadata.Arch);
    expect(got.licenses).toEqual(want.Licenses.map((l: any) => l.license));
    expect(got.source).toEqual({ name: 'dive', version: '0.9.2-1' });
  });
});
