/**
 * Advisory records for tests, written by hand from real feed data (Debian
 * security tracker, DSAs, Alpine secdb, GHSA, the Go vulnerability database,
 * CISA KEV); the source of each fact is noted beside it.
 */
import type { Advisory, AffectedPackage, VulnerabilityEnrichment } from '../../domain/advisory.js';

function advisory(fields: Partial<Advisory> & Pick<Advisory, 'id' | 'source' | 'affected'>): Advisory {
  return { aliases: [], severity: [], cwes: [], references: [], ...fields };
}

function debian(name: string, distro: string, fixed: string | undefined, status: AffectedPackage['status'] = 'affected'): AffectedPackage {
  return {
    ecosystem: 'deb',
    distro,
    name,
    ranges: fixed === undefined ? [] : [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    versions: [],
    status,
  };
}

/** DSA-2896-1 / Debian tracker: Heartbleed fixed in wheezy's openssl 1.0.1e-2+deb7u5; squeeze's 0.9.8 not affected. */
export const HEARTBLEED_TRACKER = advisory({
  id: 'CVE-2014-0160',
  source: 'debian-tracker',
  published: '2014-04-07T22:55:03Z',
  summary: 'The TLS and DTLS implementations in OpenSSL 1.0.1 before 1.0.1g do not properly handle Heartbeat Extension packets',
  affected: [
    debian('openssl', 'debian-7', '1.0.1e-2+deb7u5'),
    debian('openssl', 'debian-6', undefined, 'not-affected'),
  ],
  references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2014-0160' }],
});

/** The same fix as OSV publishes the DSA (id DSA-2896-1, the CVE as an alias). */
export const HEARTBLEED_DSA = advisory({
  id: 'DSA-2896-1',
  aliases: ['CVE-2014-0160'],
  source: 'osv:Debian',
  summary: 'openssl - security update',
  affected: [debian('openssl', 'debian-7', '1.0.1e-2+deb7u5')],
  references: [{ type: 'ADVISORY', url: 'https://www.debian.org/security/2014/dsa-2896' }],
});

/** DSA-2950-1: CCS injection (CVE-2014-0224) fixed in wheezy's openssl 1.0.1e-2+deb7u10. */
export const CCS_INJECTION = advisory({
  id: 'CVE-2014-0224',
  source: 'debian-tracker',
  affected: [debian('openssl', 'debian-7', '1.0.1e-2+deb7u10')],
});

/** Tracker CVE-2021-3450: fixed in 1.1.1k-1; "[buster] - openssl <not-affected> (Vulnerable code introduced in 1.1.1h)". */
export const OPENSSL_2021_3450 = advisory({
  id: 'CVE-2021-3450',
  source: 'debian-tracker',
  affected: [debian('openssl', 'debian-11', '1.1.1k-1'), debian('openssl', 'debian-10', undefined, 'not-affected')],
});

/** Tracker CVE-2023-5981: "[bookworm] - gnutls28 3.7.9-2+deb12u1". */
export const GNUTLS_2023_5981 = advisory({
  id: 'CVE-2023-5981',
  aliases: ['DLA-3660-1'],
  source: 'debian-tracker',
  affected: [debian('gnutls28', 'debian-12', '3.7.9-2+deb12u1')],
});

/** Tracker CVE-2020-8631: "[bullseye] - cloud-init <no-dsa> (Minor issue)", read as will-not-fix. */
export const CLOUD_INIT_2020_8631 = advisory({
  id: 'CVE-2020-8631',
  source: 'debian-tracker',
  affected: [debian('cloud-init', 'debian-11', undefined, 'will-not-fix')],
});

/** Tracker CVE-2021-29629: "- dacs <unfixed> (bug #989288; unimportant)". */
export const DACS_2021_29629 = advisory({
  id: 'CVE-2021-29629',
  source: 'debian-tracker',
  affected: [{ ...debian('dacs', 'debian-12', undefined, 'unfixed'), severity: { source: 'debian', type: 'rating', level: 'negligible' } }],
});

/** Alpine secdb v3.10 main: openssl secfixes "1.1.1d-r0: CVE-2019-1547, CVE-2019-1549, CVE-2019-1563". */
export const ALPINE_OPENSSL_2019_1547 = advisory({
  id: 'CVE-2019-1547',
  source: 'alpine-secdb',
  affected: [
    { ecosystem: 'apk', distro: 'alpine-3.10', name: 'openssl', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1d-r0' }] }], versions: [], status: 'affected' },
  ],
});

/** GHSA-p6mc-m468-83gw: lodash prototype pollution (CVE-2020-8203), >= 3.7.0 < 4.17.19, CVSS 3.1 7.4. */
export const LODASH_GHSA = advisory({
  id: 'GHSA-p6mc-m468-83gw',
  aliases: ['CVE-2020-8203'],
  source: 'osv:npm',
  summary: 'Prototype Pollution in lodash',
  severity: [
    { source: 'ghsa', type: 'rating', level: 'high' },
    { source: 'ghsa', type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', score: 7.4, level: 'high' },
  ],
  affected: [{ ecosystem: 'npm', name: 'lodash', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.7.0' }, { fixed: '4.17.19' }] }], versions: [], status: 'affected' }],
  references: [{ type: 'ADVISORY', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' }],
});

/** GO-2023-1840 (CVE-2023-29403): stdlib runtime, SEMVER introduced 0 fixed 1.19.10, introduced 1.20.0-0 fixed 1.20.5. */
export const GO_STDLIB_2023_1840 = advisory({
  id: 'GO-2023-1840',
  aliases: ['CVE-2023-29403'],
  source: 'osv:Go',
  summary: 'Unsafe behavior in setuid/setgid binaries in runtime',
  affected: [
    {
      ecosystem: 'go',
      name: 'stdlib',
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.19.10' }, { introduced: '1.20.0-0' }, { fixed: '1.20.5' }] }],
      versions: [],
      status: 'affected',
    },
  ],
});

/** GHSA-v778-237x-gjrc (CVE-2024-45337): golang.org/x/crypto before 0.31.0. */
export const GO_X_CRYPTO = advisory({
  id: 'GHSA-v778-237x-gjrc',
  aliases: ['CVE-2024-45337'],
  source: 'osv:Go',
  severity: [{ source: 'ghsa', type: 'rating', level: 'high' }],
  affected: [{ ecosystem: 'go', name: 'golang.org/x/crypto', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.31.0' }] }], versions: [], status: 'affected' }],
});

/** GHSA-xx65-cc7g-9pfp (CVE-2018-1196): org.springframework.boot:spring-boot >= 1.5.0 < 1.5.10, MODERATE. */
export const SPRING_BOOT = advisory({
  id: 'GHSA-xx65-cc7g-9pfp',
  aliases: ['CVE-2018-1196'],
  source: 'osv:Maven',
  severity: [{ source: 'ghsa', type: 'rating', level: 'medium' }],
  affected: [
    { ecosystem: 'maven', name: 'org.springframework.boot:spring-boot', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.5.0' }, { fixed: '1.5.10' }] }], versions: [], status: 'affected' },
  ],
});

/** GHSA-266m-wp2v-x7mq (CVE-2025-30399): Microsoft.NetCore.App.Runtime.linux-arm >= 9.0.0 < 9.0.6. */
export const DOTNET_RUNTIME = advisory({
  id: 'GHSA-266m-wp2v-x7mq',
  aliases: ['CVE-2025-30399'],
  source: 'osv:NuGet',
  affected: [
    { ecosystem: 'nuget', name: 'Microsoft.NetCore.App.Runtime.linux-arm', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '9.0.0' }, { fixed: '9.0.6' }] }], versions: [], status: 'affected' },
  ],
});

/** GHSA-wjx8-cgrm-hh8p (CVE-2019-19745): contao/core-bundle 4.0.0–4.4.46 and 4.5.0–4.8.6. */
export const CONTAO = advisory({
  id: 'GHSA-wjx8-cgrm-hh8p',
  aliases: ['CVE-2019-19745'],
  source: 'osv:Packagist',
  affected: [
    { ecosystem: 'composer', name: 'contao/core-bundle', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.0.0' }, { fixed: '4.4.46' }] }], versions: [], status: 'affected' },
    { ecosystem: 'composer', name: 'contao/core-bundle', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.5.0' }, { fixed: '4.8.6' }] }], versions: [], status: 'affected' },
  ],
});

/** GHSA-mp6f-p9gp-vpj9 (CVE-2020-25792): sized-chunks before 0.6.3. */
export const SIZED_CHUNKS = advisory({
  id: 'GHSA-mp6f-p9gp-vpj9',
  aliases: ['CVE-2020-25792'],
  source: 'osv:crates.io',
  affected: [{ ecosystem: 'cargo', name: 'sized-chunks', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.6.3' }] }], versions: [], status: 'affected' }],
});

/** GHSA-8q59-q68h-6hv4 (CVE-2020-14343): PyYAML before 5.4 (PEP 503 name 'pyyaml'). */
export const PYYAML = advisory({
  id: 'GHSA-8q59-q68h-6hv4',
  aliases: ['CVE-2020-14343'],
  source: 'osv:PyPI',
  affected: [{ ecosystem: 'pypi', name: 'pyyaml', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '5.4' }] }], versions: [], status: 'affected' }],
});

/** CISA KEV catalogue 2025.08.25: CVE-2014-0160 added 2022-05-04, due 2022-05-25, CWE-125; NVD: CVSS 3.1 7.5. */
export const HEARTBLEED_KEV: VulnerabilityEnrichment = {
  cve: 'CVE-2014-0160',
  kev: { dateAdded: '2022-05-04', dueDate: '2022-05-25', name: 'OpenSSL Information Disclosure Vulnerability' },
  nvd: {
    severity: [{ source: 'nvd', type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', score: 7.5, level: 'high' }],
    cwes: ['CWE-125'],
  },
};

/** Rocky Linux RLSA-2021:1989 (bind, CVE-2021-25215, Important): fixed in 32:9.11.26-4.el8_4 (src bind-9.11.26-4.el8_4.src.rpm). */
export const ROCKY_BIND = advisory({
  id: 'RLSA-2021:1989',
  aliases: ['CVE-2021-25215'],
  source: 'osv:Rocky Linux',
  affected: [
    {
      ecosystem: 'rpm',
      distro: 'rocky-8',
      name: 'bind',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '32:9.11.26-4.el8_4' }] }],
      versions: [],
      status: 'affected',
      severity: { source: 'rocky', type: 'rating', level: 'high' },
    },
  ],
});
