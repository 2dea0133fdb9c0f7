/**
 * CycloneDX 1.6 JSON writer. The image is metadata.component, the distro an
 * operating-system component, every package a component whose bom-ref is
 * Package.id. Bulkhead facts without a CycloneDX field travel as `bulkhead:`
 * properties (see property-names.ts) so that readSbom can restore them.
 */
import { randomUUID } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Distro } from '../../domain/distro.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Inventory } from '../../domain/inventory.js';
import type { DependencyScope, Package } from '../../domain/package.js';
import { imageSubject } from '../image-subject.js';
import { parseSpdxExpression } from '../spdx-license-expression.js';
import { PROP } from './property-names.js';

export interface CycloneDxOptions {
  /** `urn:uuid:…`; random when absent. Fixed in golden tests. */
  readonly serialNumber?: string;
  /** metadata.timestamp; now when absent. */
  readonly timestamp?: Date;
}

export function toCycloneDx(inv: Inventory, options: CycloneDxOptions = {}): string {
  const subject = imageSubject(inv);
  const root = new Models.Component(
    subject.kind === 'container' ? Enums.ComponentType.Container : Enums.ComponentType.File,
    subject.name,
    { bomRef: `bulkhead:target:${subject.name}`, version: subject.version, purl: subject.purl },
  );
  if (inv.image !== undefined) addImageFacts(root, inv.image, subject.version);

  const tool = new Models.Component(Enums.ComponentType.Application, inv.tool.name, { version: inv.tool.version });
  const bom = new Models.Bom({
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    metadata: new Models.Metadata({
      timestamp: options.timestamp ?? new Date(),
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

/** Dev dependencies are CycloneDX's "excluded" (not part of the runtime); peers have no counterpart. */
const COMPONENT_SCOPE: Record<DependencyScope, Enums.ComponentScope | undefined> = {
  prod: Enums.ComponentScope.Required,
  optional: Enums.ComponentScope.Optional,
  dev: Enums.ComponentScope.Excluded,
  peer: undefined,
};

/**
 * CycloneDX allows either a list of id/name licenses or exactly one
 * expression. Several declared licenses that are all valid SPDX become one
 * conjunction (each declared license applies); when any is a free-form name,
 * the list form keeps every string, expressions included as names.
 */
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
  // Image environment variables are left out on purpose: they routinely hold secrets.
  for (const property of properties(props)) root.properties.add(property);
  const hex = /^sha256:([a-f0-9]{64})$/.exec(version ?? '')?.[1];
  if (hex !== undefined) root.hashes.set(Enums.HashAlgorithm['SHA-256'], hex);
}

function properties(pairs: readonly (readonly [string, string])[]): Models.PropertyRepository {
  return new Models.PropertyRepository(pairs.map(([name, value]) => new Models.Property(name, value)));
}
