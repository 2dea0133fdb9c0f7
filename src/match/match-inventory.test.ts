import { describe, expect, it } from 'vitest';
import type { Inventory } from '../domain/inventory.js';
import type { Package } from '../domain/package.js';
import { matchInventory } from './match-inventory.js';
import { memoryAdvisoryIndex } from './testing/memory-advisory-index.js';
import {
  ALPINE_OPENSSL_2019_1547,
  CCS_INJECTION,
  CLOUD_INIT_2020_8631,
  CONTAO,
  DACS_2021_29629,
  DOTNET_RUNTIME,
  GNUTLS_2023_5981,
  GO_STDLIB_2023_1840,
  GO_X_CRYPTO,
  HEARTBLEED_DSA,
  HEARTBLEED_KEV,
  HEARTBLEED_TRACKER,
  LODASH_GHSA,
  OPENSSL_2021_3450,
  PYYAML,
  ROCKY_BIND,
  SIZED_CHUNKS,
  SPRING_BOOT,
} from './testing/real-advisories.js';
import { testPackage } from './testing/test-package.js';

const index = memoryAdvisoryIndex(
  [
    HEARTBLEED_TRACKER,
    HEARTBLEED_DSA,
    CCS_INJECTION,
    OPENSSL_2021_3450,
    GNUTLS_2023_5981,
    CLOUD_INIT_2020_8631,
    DACS_2021_29629,
    ALPINE_OPENSSL_2019_1547,
    LODASH_GHSA,
    GO_STDLIB_2023_1840,
    GO_X_CRYPTO,
    SPRING_BOOT,
    DOTNET_RUNTIME,
    CONTAO,
    SIZED_CHUNKS,
    PYYAML,
    ROCKY_BIND,
  ],
  [HEARTBLEED_KEV],
);

function run(packages: Package[], extra: Partial<Inventory> = {}) {
  return matchInventory({ packages, relationships: [], ...extra }, index);
}

const wheezySsl = (version: string): Package =>
  testPackage({ ecosystem: 'deb', name: 'libssl1.0.0', version, source: { name: 'openssl', version }, distro: 'debian-7' });

describe('dpkg matcher', () => {
  it('finds Heartbleed and CCS injection in wheezy openssl 1.0.1e-2+deb7u4 through the source package', () => {
    const { findings } = run([wheezySsl('1.0.1e-2+deb7u4')]);
    const byId = new Map(findings.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(['CVE-2014-0160', 'CVE-2014-0224']);
    const heartbleed = byId.get('CVE-2014-0160')!;
    expect(heartbleed.fixedVersions).toEqual(['1.0.1e-2+deb7u5']);
    expect(heartbleed.status).toBe('fixed');
    expect(heartbleed.severity).toBe('high');
    expect(heartbleed.kev).toEqual({ dateAdded: '2022-05-04', dueDate: '2022-05-25' });
    expect(heartbleed.evidence).toMatchObject({ matchedBy: 'source-package', lookupName: 'openssl', range: '>=0, <1.0.1e-2+deb7u5' });
    // The DSA and the tracker entry are one vulnerability: one finding, the DSA kept as an alias.
    expect(heartbleed.aliases).toContain('DSA-2896-1');
    expect(byId.get('CVE-2014-0224')!.fixedVersions).toEqual(['1.0.1e-2+deb7u10']);
  });

  it('reports nothing once the fixed version is installed (no backport false positive)', () => {
    expect(run([wheezySsl('1.0.1e-2+deb7u5')]).findings.map((f) => f.id)).toEqual(['CVE-2014-0224']);
    expect(run([wheezySsl('1.0.1e-2+deb7u10')]).findings).toEqual([]);
  });

  it('uses only the exact release: Debian 6 is not affected, and Debian 8 has no statement', () => {
    const squeeze = testPackage({ ecosystem: 'deb', name: 'openssl', version: '0.9.8o-4squeeze14', distro: 'debian-6' });
    const jessie = testPackage({ ecosystem: 'deb', name: 'openssl', version: '1.0.1e-2+deb7u4', distro: 'debian-8' });
    expect(run([squeeze, jessie]).findings).toEqual([]);
  });

  it('a not-affected statement for the release suppresses the CVE (buster, CVE-2021-3450)', () => {
    const buster = testPackage({ ecosystem: 'deb', name: 'openssl', version: '1.1.1d-0+deb10u5', distro: 'debian-10' });
    const bullseye = testPackage({ ecosystem: 'deb', name: 'openssl', version: '1.1.1j-1', distro: 'debian-11' });
    const { findings } = run([buster, bullseye]);
    expect(findings.map((f) => [f.package?.name, f.package?.version, f.id])).toEqual([['openssl', '1.1.1j-1', 'CVE-2021-3450']]);
  });

  it('keeps distro statuses: will-not-fix and unfixed carry no fixed version', () => {
    const cloud = testPackage({ ecosystem: 'deb', name: 'cloud-init', version: '20.4.1-2+deb11u1', distro: 'debian-11' });
    const dacs = testPackage({ ecosystem: 'deb', name: 'dacs', version: '1.4.46-1', distro: 'debian-12' });
    const { findings } = run([cloud, dacs]);
    expect(findings.map((f) => [f.id, f.status, f.fixedVersions.length, f.severity])).toEqual([
      ['CVE-2020-8631', 'will-not-fix', 0, 'unknown'],
      ['CVE-2021-29629', 'unfixed', 0, 'negligible'],
    ]);
  });

  it('compares the source version for a binNMU binary (bookworm gnutls28)', () => {
    const lib = testPackage({
      ecosystem: 'deb',
      name: 'libgnutls30',
      version: '3.7.9-2+deb12u1+b1',
      source: { name: 'gnutls28', version: '3.7.9-2+deb12u1' },
      distro: 'debian-12',
    });
    expect(run([lib]).findings).toEqual([]);
    const old = { ...lib, version: '3.7.9-2+b1', source: { name: 'gnutls28', version: '3.7.9-2' } };
    expect(run([old]).findings.map((f) => f.id)).toEqual(['CVE-2023-5981']);
  });

  it('an invalid installed version is reported unmatched, not a crash', () => {
    const bad = testPackage({ ecosystem: 'deb', name: 'openssl', version: 'not a version!', distro: 'debian-7' });
    const result = run([bad]);
    expect(result.findings).toEqual([]);
    expect(result.unmatched).toHaveLength(1);
    expect(result.unmatched[0]!.reason).toMatch(/not a valid deb version/);
  });

  it('without a distro release, OS packages are unmatched with a reason', () => {
    const result = run([testPackage({ ecosystem: 'deb', name: 'openssl', version: '1.0.1e-2+deb7u4' })]);
    expect(result.findings).toEqual([]);
    expect(result.unmatched[0]!.reason).toMatch(/distro release is unknown/);
  });

  it('names the layer and its Dockerfile instruction', () => {
    const layer = 'sha256:eb740011d890d586c67a37b168e4be162f1e979d7edc7f6298e38b38e873bd40';
    const pkg = { ...wheezySsl('1.0.1e-2+deb7u4'), locations: [{ path: '/var/lib/dpkg/status', layer }] };
    const image = { layers: [{ index: 1, diffId: layer, createdBy: 'COPY status /var/lib/dpkg/status' }] } as unknown as Inventory['image'];
    const finding = matchInventory({ packages: [pkg], relationships: [], image }, index).findings[0]!;
    expect(finding.package).toMatchObject({ path: '/var/lib/dpkg/status', layer, createdBy: 'COPY status /var/lib/dpkg/status' });
  });
});

describe('apk matcher', () => {
  it('secdb "fixed in 1.1.1d-r0" affects 1.1.1c-r0 on alpine-3.10 only', () => {
    const pkg = (version: string, distro: string) => testPackage({ ecosystem: 'apk', name: 'libcrypto1.1', version, source: { name: 'openssl' }, distro });
    expect(run([pkg('1.1.1c-r0', 'alpine-3.10')]).findings.map((f) => [f.id, f.fixedVersions[0], f.evidence.matchedBy])).toEqual([
      ['CVE-2019-1547', '1.1.1d-r0', 'source-package'],
    ]);
    expect(run([pkg('1.1.1d-r0', 'alpine-3.10')]).findings).toEqual([]);
    expect(run([pkg('1.1.1c-r0', 'alpine-3.11')]).findings).toEqual([]);
  });
});

describe('rpm matcher', () => {
  const bindLibs = (version: string, source: string) =>
    testPackage({ ecosystem: 'rpm', name: 'bind-libs', version, source: { name: 'bind', version: source }, distro: 'rocky-8.4' });

  it('matches the source RPM on the major release with epochs compared (RLSA-2021:1989)', () => {
    const [finding] = run([bindLibs('32:9.11.26-3.el8', '32:9.11.26-3.el8')]).findings;
    expect(finding).toMatchObject({ id: 'CVE-2021-25215', aliases: ['RLSA-2021:1989'], fixedVersions: ['32:9.11.26-4.el8_4'], severity: 'high' });
    expect(finding!.evidence).toMatchObject({ matchedBy: 'source-package', lookupName: 'bind' });
    expect(run([bindLibs('32:9.11.26-4.el8_4', '32:9.11.26-4.el8_4')]).findings).toEqual([]);
    // Without the epoch, 9.11.36 would sort above the fix; with epoch 0 it is below epoch 32.
    expect(run([bindLibs('9.11.36-3.el8', '9.11.36-3.el8')]).findings).toHaveLength(1);
  });
});

describe('language matcher', () => {
  it('npm lodash 4.17.15 is affected by CVE-2020-8203; 4.17.19 and 3.6.0 are not', () => {
    const lodash = (version: string) => testPackage({ ecosystem: 'npm', name: 'lodash', version });
    const [finding] = run([lodash('4.17.15')]).findings;
    expect(finding).toMatchObject({ id: 'GHSA-p6mc-m468-83gw', aliases: ['CVE-2020-8203'], severity: 'high', fixedVersions: ['4.17.19'], status: 'fixed' });
    expect(finding!.evidence).toMatchObject({ source: 'osv:npm', matchedBy: 'direct', range: '>=3.7.0, <4.17.19' });
    expect(run([lodash('4.17.19'), lodash('3.6.0')]).findings).toEqual([]);
  });

  it('Go stdlib versions carry a v; OSV ranges do not', () => {
    const stdlib = (version: string) => testPackage({ ecosystem: 'go', name: 'stdlib', version });
    expect(run([stdlib('v1.20.4')]).findings.map((f) => f.fixedVersions)).toEqual([['v1.20.5']]);
    expect(run([stdlib('v1.19.9')]).findings.map((f) => f.fixedVersions)).toEqual([['v1.19.10', 'v1.20.5']]);
    expect(run([stdlib('v1.20.5'), stdlib('v1.19.10'), stdlib('v1.21.0')]).findings).toEqual([]);
    // A 1.20 pre-release sits in the second interval (introduced 1.20.0-0).
    expect(run([stdlib('v1.20.0-rc.1')]).findings).toHaveLength(1);
  });

  it('Go modules by path, pseudo-versions included', () => {
    const crypto = (version: string) => testPackage({ ecosystem: 'go', name: 'golang.org/x/crypto', version });
    expect(run([crypto('v0.30.0'), crypto('v0.0.0-20220722155217-630584e8d5aa')]).findings).toHaveLength(2);
    expect(run([crypto('v0.31.0')]).findings).toEqual([]);
  });

  it('PyPI names are compared after PEP 503 normalization', () => {
    expect(run([testPackage({ ecosystem: 'pypi', name: 'PyYAML', version: '5.3.1' })]).findings.map((f) => f.id)).toEqual(['GHSA-8q59-q68h-6hv4']);
    expect(run([testPackage({ ecosystem: 'pypi', name: 'pyyaml', version: '5.4' })]).findings).toEqual([]);
  });

  it('Maven group:artifact, NuGet case-insensitively, Composer and crates.io', () => {
    const findings = run([
      testPackage({ ecosystem: 'maven', name: 'org.springframework.boot:spring-boot', version: '1.5.9.RELEASE' }),
      testPackage({ ecosystem: 'nuget', name: 'microsoft.netcore.app.runtime.linux-arm', version: '9.0.5' }),
      testPackage({ ecosystem: 'composer', name: 'contao/core-bundle', version: '4.8.5' }),
      testPackage({ ecosystem: 'cargo', name: 'sized-chunks', version: '0.6.2' }),
    ]).findings;
    expect(findings.map((f) => f.id)).toEqual(['GHSA-xx65-cc7g-9pfp', 'GHSA-266m-wp2v-x7mq', 'GHSA-wjx8-cgrm-hh8p', 'GHSA-mp6f-p9gp-vpj9']);
    const clean = run([
      testPackage({ ecosystem: 'maven', name: 'org.springframework.boot:spring-boot', version: '1.5.10.RELEASE' }),
      testPackage({ ecosystem: 'nuget', name: 'Microsoft.NetCore.App.Runtime.linux-arm', version: '9.0.6' }),
      testPackage({ ecosystem: 'composer', name: 'contao/core-bundle', version: '4.4.46' }),
      testPackage({ ecosystem: 'cargo', name: 'sized-chunks', version: '0.6.3' }),
    ]).findings;
    expect(clean).toEqual([]);
  });

  it('skips a language package that an OS package owns', () => {
    const lodash = testPackage({ ecosystem: 'npm', name: 'lodash', version: '4.17.15' });
    const owner = testPackage({ ecosystem: 'deb', name: 'node-lodash', version: '4.17.15+dfsg-1', distro: 'debian-11' });
    const result = matchInventory({ packages: [owner, lodash], relationships: [{ from: owner.id, to: lodash.id, type: 'owns' }] }, index);
    expect(result.findings).toEqual([]);
    expect(result.skippedOwned).toBe(1);
    const viaMetadata = { ...lodash, metadata: { ownedBy: owner.id } };
    expect(run([viaMetadata]).findings).toEqual([]);
  });

  it('an npm version that is not semver is unmatched with a reason', () => {
    const result = run([testPackage({ ecosystem: 'npm', name: 'lodash', version: 'github:lodash/lodash#master' })]);
    expect(result.findings).toEqual([]);
    expect(result.unmatched[0]).toMatchObject({ name: 'lodash', reason: expect.stringMatching(/not a valid semver version/) });
  });
});
