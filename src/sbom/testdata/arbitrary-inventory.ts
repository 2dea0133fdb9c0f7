/**
 * fast-check generator of inventories with hostile text everywhere a user's
 * image can put it: package names, versions, license strings (valid SPDX,
 * near-SPDX, free text), paths, labels. Shared by the writer tests and the
 * conformance test.
 */
import fc from 'fast-check';
import { ECOSYSTEMS } from '../../domain/ecosystem.js';
import type { Inventory } from '../../domain/inventory.js';
import type { Package } from '../../domain/package.js';
import { formatPurl, parsePurl } from '../../domain/purl.js';

const PURL_TYPE = {
  deb: 'deb', apk: 'apk', rpm: 'rpm', npm: 'npm', pypi: 'pypi', go: 'golang', maven: 'maven',
  gem: 'gem', cargo: 'cargo', composer: 'composer', nuget: 'nuget', binary: 'generic',
} as const;

const weird = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }),
  fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }),
  fc.constantFrom('a b', '"quoted"', "it's", 'back\\slash', 'tab\tnew\nline', '日本語', '🙂', '-', '.', '@scope/x', 'a:b/c?d#e'),
);

const license = fc.oneof(
  fc.constantFrom(
    'MIT', 'mit', 'Apache-2.0', 'GPL-2.0+', 'GPL-2.0-or-later WITH Classpath-exception-2.0', '(MIT OR Apache-2.0)',
    'MIT AND (BSD-2-Clause OR ISC)', 'LicenseRef-Custom', 'DocumentRef-x:LicenseRef-y', 'GPL-2+', 'BSD', 'public-domain',
    'MIT OR', '(MIT', 'MIT and Apache-2.0', 'NOASSERTION', 'NONE', 'SEE LICENSE IN LICENSE', 'Apache License, Version 2.0',
    'LicenseRef-has space', ' MIT ', '',
  ),
  weird,
);

const pkg = (index: number): fc.Arbitrary<Package> =>
  fc
    .record({
      ecosystem: fc.constantFrom(...ECOSYSTEMS),
      name: weird,
      version: fc.oneof(weird, fc.constant('')),
      licenses: fc.array(license, { maxLength: 4 }),
      paths: fc.array(weird, { maxLength: 3 }),
      arch: fc.option(weird, { nil: undefined }),
      source: fc.option(fc.record({ name: weird, version: fc.option(weird, { nil: undefined }) }), { nil: undefined }),
      id: weird,
      meta: fc.option(fc.dictionary(weird, fc.oneof(weird, fc.integer(), fc.boolean()), { maxKeys: 3 }), { nil: undefined }),
    })
    .map((r) => ({
      id: `${index}:${r.id}`,
      ecosystem: r.ecosystem,
      name: r.name,
      version: r.version,
      purl: purlOf(PURL_TYPE[r.ecosystem], r.name, r.version, r.arch),
      ...(r.arch !== undefined ? { arch: r.arch } : {}),
      ...(r.source !== undefined ? { source: r.source } : {}),
      licenses: r.licenses,
      locations: r.paths.map((path, n) => ({ path, layer: n % 2 === 0 ? `sha256:${'a'.repeat(64)}` : undefined })),
      foundBy: 'test/arbitrary',
      ...(r.meta !== undefined ? { metadata: r.meta } : {}),
    }));

// Types whose purl must have a namespace get one; a name packageurl-js refuses (catalogers
// could never emit such a purl) falls back to a fixed generic purl.
function purlOf(type: string, name: string, version: string, arch: string | undefined): string {
  const namespace = ['maven', 'golang', 'composer'].includes(type) ? 'ns' : undefined;
  try {
    const purl = formatPurl({ type, namespace, name, version: version || undefined, qualifiers: { arch } });
    parsePurl(purl);
    return purl;
  } catch {
    return 'pkg:generic/unnamed';
  }
}

export const arbitraryInventory: fc.Arbitrary<Inventory> = fc
  .record({
    count: fc.integer({ min: 0, max: 6 }),
    tag: fc.oneof(weird, fc.constantFrom('debian:12', 'ghcr.io/o/r:v1', 'localhost:5000/x/y:latest')),
    label: fc.tuple(weird, weird),
    withImage: fc.boolean(),
    distro: fc.option(fc.record({ id: weird, versionId: fc.option(weird, { nil: undefined }) }), { nil: undefined }),
  })
  .chain((r) =>
    fc.tuple(...Array.from({ length: r.count }, (_, n) => pkg(n))).map((packages): Inventory => ({
      schema: 'bulkhead.inventory/v1',
      id: 'sha256:0',
      target: { kind: r.withImage ? 'docker-archive' : 'dir', reference: r.tag },
      ...(r.withImage
        ? {
            image: {
              configDigest: `sha256:${'c'.repeat(64)}`,
              repoTags: [r.tag],
              repoDigests: [],
              os: 'linux',
              architecture: 'amd64',
              config: {
                user: r.label[1],
                env: [],
                entrypoint: [r.label[0]],
                exposedPorts: [],
                volumes: [],
                labels: { [r.label[0]]: r.label[1] },
              },
              history: [],
              layers: [{ index: 0, diffId: `sha256:${'a'.repeat(64)}`, createdBy: r.label[1] }],
            },
          }
        : {}),
      ...(r.distro ? { distro: { id: r.distro.id, versionId: r.distro.versionId, idLike: [], source: '/etc/os-release' } } : {}),
      packages,
      relationships: packages.slice(1).map((p, n) => ({ from: packages[n]?.id ?? '', to: p.id, type: 'depends-on' as const })),
      catalogers: [],
      warnings: [],
      createdAt: '2024-01-01T00:00:00.000Z',
      tool: { name: 'bulkhead', version: '0.1.0' },
    })),
  );
