/**
 * cycloneDxPieces describes components with plain objects instead of the
 * CycloneDX library's models and writes them piece by piece. This checks the
 * joined pieces against an independent serializer: the same inventory
 * described with @cyclonedx/cyclonedx-library's Models and written by its
 * JsonSerializer (sortLists, two-space indent) must give the same bytes —
 * key order, list order, omitted fields, licenses and dependencies included.
 */
import { readFileSync } from 'node:fs';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Distro } from '../../domain/distro.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Inventory } from '../../domain/inventory.js';
import type { DependencyScope, Package, Relationship } from '../../domain/package.js';
import { imageSubject } from '../image-subject.js';
import { inventorySchema } from '../inventory-json/inventory-schema.js';
import { readSbom } from '../read-sbom.js';
import { parseSpdxExpression } from '../spdx-license-expression.js';
import { arbitraryInventory } from '../testdata/arbitrary-inventory.js';
import { PROP } from './property-names.js';
import { cycloneDxPieces } from './to-cyclonedx.js';

const fixed = { serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', timestamp: new Date('2024-03-02T10:00:00Z') };
const testdata = new URL('../testdata/', import.meta.url);

/** The streaming writer's document: every piece, in order. */
function toCycloneDx(inv: Inventory, options: Parameters<typeof cycloneDxPieces>[1]): string {
  return [...cycloneDxPieces(inv, options)].join('');
}

describe('cycloneDxPieces against the CycloneDX library serializer', () => {
  it('writes the same bytes for the fixture inventory', () => {
    const inv = inventorySchema.parse(JSON.parse(readFileSync(new URL('app-image.inventory.json', testdata), 'utf8')));
    expect(toCycloneDx(inv, fixed)).toBe(libraryCycloneDx(inv, fixed));
  });

  it.each(['foreign/alpine-cyclonedx-1.4.json', 'foreign/python-spdx-2.2.json', 'app-image.spdx.json'])(
    'writes the same bytes for the inventory read from %s',
    (name) => {
      const inv = readSbom(readFileSync(new URL(name, testdata), 'utf8'), name);
      expect(inv.packages.length).toBeGreaterThan(0);
      expect(toCycloneDx(inv, fixed)).toBe(libraryCycloneDx(inv, fixed));
    },
  );

  it('omits a serial number that is not a lower-case urn:uuid, as the library does', () => {
    const inv = inventorySchema.parse(JSON.parse(readFileSync(new URL('app-image.inventory.json', testdata), 'utf8')));
    const options = { serialNumber: 'urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79', timestamp: fixed.timestamp };
    const text = toCycloneDx(inv, options);
    expect(text).not.toContain('serialNumber');
    expect(text).toBe(libraryCycloneDx(inv, options));
  });

  it('writes the same bytes for duplicate ids, self-loops, cycles, dangling edges, scopes and ids that collate equal', () => {
    const base = (id: string, name: string, extra: Partial<Package> = {}): Package => ({
      id, ecosystem: 'npm', name, version: '1.0.0', purl: `pkg:npm/${encodeURIComponent(name)}@1.0.0`, licenses: [],
      locations: [], foundBy: 'test', ...extra,
    });
    const packages: Package[] = [
      base('b', 'beta', { scope: 'dev', licenses: ['MIT', 'BSD', 'Apache-2.0', 'GPL-2+', 'zlib'] }),
      base('a', 'alpha', { scope: 'peer', licenses: ['MIT OR Apache-2.0', 'ISC'] }),
      base('a', 'alpha-duplicate'),
      // ICU ignores U+0000 and U+200B: these ids collate equal to 'c', so the tie-breaks decide.
      base('c', 'gamma', { scope: 'prod', purl: '' }),
      base('c\u0000', 'gamma', { version: '' }),
      base('c\u200b', 'Gamma', { ecosystem: 'binary', purl: 'pkg:generic/gamma' }),
      base('d', 'delta', { scope: 'optional', confidence: 'low', metadata: { z: 1, a: true, m: 'x' } }),
    ];
    const rel = (from: string, to: string, type: Relationship['type'] = 'depends-on'): Relationship => ({ from, to, type });
    const inv: Inventory = {
      schema: 'bulkhead.inventory/v1',
      id: 'sha256:0',
      target: { kind: 'dir', reference: '/srv/app' },
      distro: { id: 'alpine', versionId: '3.20.0', prettyName: 'Alpine Linux v3.20', idLike: ['x', 'a'], source: '/etc/os-release' },
      packages,
      relationships: [
        rel('a', 'b'), rel('a', 'b'), rel('b', 'a'), rel('a', 'a'), rel('d', 'c\u200b'), rel('d', 'c'), rel('d', 'c\u0000'),
        rel('d', 'missing'), rel('missing', 'd'), rel('b', 'd', 'contains'), rel('b', 'd', 'owns'),
      ],
      catalogers: [],
      warnings: [],
      createdAt: '2024-01-01T00:00:00.000Z',
      tool: { name: 'bulkhead', version: '' },
    };
    expect(toCycloneDx(inv, fixed)).toBe(libraryCycloneDx(inv, fixed));
  });

  it('writes the same bytes for arbitrary inventories with extra edges and scopes', () => {
    const withEdges = arbitraryInventory.chain((inv) => {
      const ids = inv.packages.map((p) => p.id);
      const edge =
        ids.length === 0
          ? fc.constant(undefined)
          : fc.record({ from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), type: fc.constantFrom('depends-on' as const, 'contains' as const) });
      const scope = fc.option(fc.constantFrom<DependencyScope>('prod', 'dev', 'optional', 'peer'), { nil: undefined });
      return fc
        .record({ edges: fc.array(edge, { maxLength: 12 }), scopes: fc.array(scope, { minLength: ids.length, maxLength: ids.length }) })
        .map(({ edges, scopes }): Inventory => ({
          ...inv,
          packages: inv.packages.map((p, n) => (scopes[n] === undefined ? p : { ...p, scope: scopes[n] })),
          relationships: [...inv.relationships, ...edges.filter((e) => e !== undefined)],
        }));
    });
    fc.assert(
      fc.property(withEdges, (inv) => {
        expect(toCycloneDx(inv, fixed)).toBe(libraryCycloneDx(inv, fixed));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------
// Reference: the library-based writer toCycloneDx replaced, unchanged.

function libraryCycloneDx(inv: Inventory, options: { serialNumber: string; timestamp: Date }): string {
  const subject = imageSubject(inv);
  const root = new Models.Component(
    subject.kind === 'container' ? Enums.ComponentType.Container : Enums.ComponentType.File,
    subject.name,
    { bomRef: `bulkhead:target:${subject.name}`, version: subject.version, purl: subject.purl },
  );
  if (inv.image !== undefined) addImageFacts(root, inv.image, subject.version);

  const tool = new Models.Component(Enums.ComponentType.Application, inv.tool.name, { version: inv.tool.version });
  const bom = new Models.Bom({
    serialNumber: options.serialNumber,
    metadata: new Models.Metadata({
      timestamp: options.timestamp,
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      component: root,
    }),
  });

  if (inv.distro !== undefined) bom.components.add(distroComponent(inv.distro));

  const layers = new Map((inv.image?.layers ?? []).map((layer) => [layer.diffId, layer]));
  const byId = new Map<string, Models.Component>();
  for (const pkg of inv.packages) {
    if (byId.has(pkg.id)) continue;
    const component = packageComponent(pkg, layers);
    byId.set(pkg.id, component);
    bom.components.add(component);
  }
  for (const rel of inv.relationships) {
    if (rel.type !== 'depends-on') continue;
    const from = byId.get(rel.from);
    const to = byId.get(rel.to);
    if (from !== undefined && to !== undefined) from.dependencies.add(to.bomRef);
  }

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function packageComponent(pkg: Package, layers: ReadonlyMap<string, { readonly createdBy?: string }>): Models.Component {
  const props: [string, string][] = [[PROP.foundBy, pkg.foundBy]];
  if (pkg.arch) props.push([PROP.arch, pkg.arch]);
  if (pkg.scope) props.push([PROP.scope, pkg.scope]);
  if (pkg.confidence) props.push([PROP.confidence, pkg.confidence]);
  if (pkg.distro) props.push([PROP.distro, pkg.distro]);
  if (pkg.source) {
    props.push([PROP.sourceName, pkg.source.name]);
    if (pkg.source.version) props.push([PROP.sourceVersion, pkg.source.version]);
  }
  const introducing = pkg.locations.find((location) => location.layer !== undefined)?.layer;
  if (introducing !== undefined) {
    props.push([PROP.layer, introducing]);
    const createdBy = layers.get(introducing)?.createdBy;
    if (createdBy) props.push([PROP.layerCreatedBy, createdBy]);
  }
  pkg.locations.forEach((location, n) => {
    props.push([`${PROP.locationPrefix}${n}:path`, location.path]);
    if (location.layer !== undefined) props.push([`${PROP.locationPrefix}${n}:layer`, location.layer]);
  });
  for (const [key, value] of Object.entries(pkg.metadata ?? {})) props.push([`${PROP.metadataPrefix}${key}`, String(value)]);

  return new Models.Component(
    pkg.ecosystem === 'binary' ? Enums.ComponentType.Application : Enums.ComponentType.Library,
    pkg.name,
    {
      bomRef: pkg.id,
      version: pkg.version || undefined,
      scope: pkg.scope === undefined ? undefined : COMPONENT_SCOPE[pkg.scope],
      purl: pkg.purl || undefined,
      licenses: new Models.LicenseRepository(licenseChoice(pkg.licenses)),
      properties: properties(props),
    },
  );
}

const COMPONENT_SCOPE: Record<DependencyScope, Enums.ComponentScope | undefined> = {
  prod: Enums.ComponentScope.Required,
  optional: Enums.ComponentScope.Optional,
  dev: Enums.ComponentScope.Excluded,
  peer: undefined,
};

function licenseChoice(declared: readonly string[]): Models.License[] {
  const texts = [...new Set(declared.map((text) => text.trim()).filter((text) => text !== ''))];
  const parsed = texts.map((text) => ({ text, spdx: parseSpdxExpression(text) }));
  const hasExpression = parsed.some((entry) => entry.spdx?.kind === 'expression');
  if (hasExpression && parsed.every((entry) => entry.spdx !== undefined)) {
    const parts = parsed.map((entry) => (entry.spdx?.kind === 'id' ? entry.spdx.id : (entry.spdx?.expression ?? '')));
    const expression = parts.length === 1 ? (parts[0] ?? '') : parts.map((part) => (/\s/.test(part) ? `(${part})` : part)).join(' AND ');
    return [new Models.LicenseExpression(expression)];
  }
  return parsed.map((entry) =>
    entry.spdx?.kind === 'id' ? new Models.SpdxLicense(entry.spdx.id) : new Models.NamedLicense(entry.text),
  );
}

function distroComponent(distro: Distro): Models.Component {
  const props: [string, string][] = [[PROP.distroSource, distro.source]];
  if (distro.versionCodename) props.push([PROP.distroCodename, distro.versionCodename]);
  for (const like of distro.idLike) props.push([PROP.distroIdLike, like]);
  return new Models.Component(Enums.ComponentType.OperatingSystem, distro.id, {
    bomRef: `bulkhead:distro:${distro.id}${distro.versionId ? `@${distro.versionId}` : ''}`,
    version: distro.versionId,
    description: distro.prettyName,
    properties: properties(props),
  });
}

function addImageFacts(root: Models.Component, image: ImageMetadata, version: string | undefined): void {
  const props: [string, string][] = [
    [PROP.imageConfigDigest, image.configDigest],
    [PROP.imageOs, image.os],
    [PROP.imageArchitecture, image.architecture],
  ];
  const optional: [string, string | undefined][] = [
    [PROP.imageManifestDigest, image.manifestDigest],
    [PROP.imageMediaType, image.mediaType],
    [PROP.imageVariant, image.variant],
    [PROP.imageCreated, image.created],
    [PROP.imageAuthor, image.author],
    [PROP.imageUser, image.config.user],
    [PROP.imageWorkingDir, image.config.workingDir],
    [PROP.imageStopSignal, image.config.stopSignal],
    [PROP.imageEntrypoint, image.config.entrypoint && JSON.stringify(image.config.entrypoint)],
    [PROP.imageCmd, image.config.cmd && JSON.stringify(image.config.cmd)],
    [PROP.imageHealthcheck, image.config.healthcheck && JSON.stringify(image.config.healthcheck)],
  ];
  for (const [name, value] of optional) if (value !== undefined && value !== '') props.push([name, value]);
  for (const tag of image.repoTags) props.push([PROP.imageRepoTag, tag]);
  for (const digest of image.repoDigests) props.push([PROP.imageRepoDigest, digest]);
  for (const port of image.config.exposedPorts) props.push([PROP.imageExposedPort, port]);
  for (const volume of image.config.volumes) props.push([PROP.imageVolume, volume]);
  for (const [key, value] of Object.entries(image.config.labels)) props.push([`${PROP.imageLabelPrefix}${key}`, value]);
  for (const layer of image.layers) {
    const prefix = `${PROP.imageLayerPrefix}${layer.index}:`;
    props.push([`${prefix}diffId`, layer.diffId]);
    const facts: [string, string | number | undefined][] = [
      ['digest', layer.digest],
      ['mediaType', layer.mediaType],
      ['size', layer.size],
      ['createdBy', layer.createdBy],
      ['created', layer.created],
    ];
    for (const [key, value] of facts) if (value !== undefined && value !== '') props.push([`${prefix}${key}`, String(value)]);
  }
  for (const property of properties(props)) root.properties.add(property);
  const hex = /^sha256:([a-f0-9]{64})$/.exec(version ?? '')?.[1];
  if (hex !== undefined) root.hashes.set(Enums.HashAlgorithm['SHA-256'], hex);
}

function properties(pairs: readonly (readonly [string, string])[]): Models.PropertyRepository {
  return new Models.PropertyRepository(pairs.map(([name, value]) => new Models.Property(name, value)));
}
