/**
 * CycloneDX 1.6 JSON writer. The image is metadata.component, the distro an
 * operating-system component, every package a component whose bom-ref is
 * Package.id. Bulkhead facts without a CycloneDX field travel as `bulkhead:`
 * properties (see property-names.ts) so that readSbom can restore them.
 *
 * The document is described with plain objects in the key order, list order
 * and omission rules of @cyclonedx/cyclonedx-library's JSON normalizer with
 * `sortLists` (version 10): the library's models and normalizer cost several
 * times the CPU and heap on images with thousands of packages. It is written
 * piece by piece (json-pieces.ts), a few components at a time, so that neither
 * all components nor the whole text are ever held at once.
 * to-cyclonedx-reference.test.ts holds the library-based writer and checks
 * that both write the same bytes.
 */
import { randomUUID } from 'node:crypto';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import type { Distro } from '../../domain/distro.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Inventory } from '../../domain/inventory.js';
import type { DependencyScope, Package } from '../../domain/package.js';
import { imageSubject } from '../image-subject.js';
import { parseSpdxExpression, type SpdxLicenseExpression } from '../spdx-license-expression.js';
import { jsonArrayOf, jsonPieces } from '../json-pieces.js';
import { collate as compare, collationRanks } from './collation-ranks.js';
import { PROP } from './property-names.js';

export interface CycloneDxOptions {
  /** `urn:uuid:…`; random when absent. Fixed in golden tests. */
  readonly serialNumber?: string;
  /** metadata.timestamp; now when absent. */
  readonly timestamp?: Date;
}

interface Property {
  readonly name: string;
  readonly value: string;
}

type License = { readonly expression: string } | { readonly license: { readonly id?: string; readonly name?: string } };

/** One component in the library's key order; undefined fields are dropped by JSON.stringify. */
interface Component {
  readonly type: string;
  readonly name: string;
  readonly version: string | undefined;
  'bom-ref': string | undefined;
  readonly description: string | undefined;
  readonly scope: string | undefined;
  readonly hashes: readonly { readonly alg: string; readonly content: string }[] | undefined;
  readonly licenses: readonly License[] | undefined;
  readonly purl: string | undefined;
  readonly properties: Property[] | undefined;
}

/**
 * One component of the document before it is written: what ordering and
 * dependencies need, with the component itself built only when the writer
 * reaches it.
 */
interface Entry {
  /** Final bom-ref: a missing or repeated one is renamed before anything is written. */
  ref: string | undefined;
  /** What the library's Component.compare looks at besides the bom-ref. */
  readonly purl: string | undefined;
  readonly name: string;
  readonly version: string | undefined;
  /** Final bom-refs this component depends on, in insertion order. */
  readonly dependsOn: Set<string>;
  readonly build: (ref: string | undefined, compareProperties: PropertyOrder) => Component;
}

type PropertyOrder = (a: Property, b: Property) => number;

const SERIAL_NUMBER = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The document as one string: cycloneDxPieces joined. */
export function toCycloneDx(inv: Inventory, options: CycloneDxOptions = {}): string {
  return [...cycloneDxPieces(inv, options)].join('');
}

/**
 * The document piece by piece (a batch of components or dependencies each):
 * the ordering is decided on small entries first, then the components are
 * built, written and dropped a batch at a time, so the document never
 * exists whole.
 */
export function* cycloneDxPieces(inv: Inventory, options: CycloneDxOptions = {}): Generator<string, void, undefined> {
  yield* jsonPieces(cycloneDxDocument(inv, options));
  yield '\n';
}

/**
 * The document with its two long lists as jsonArrayOf over lazily built
 * elements. A plain function, not part of the generator: V8 cannot switch a
 * long-running loop inside a generator to optimized code (no on-stack
 * replacement there), which cost ~40 ms on 5,000 packages.
 */
function cycloneDxDocument(inv: Inventory, options: CycloneDxOptions): object {
  const subject = imageSubject(inv);
  const rootProps = inv.image === undefined ? [] : imageProperties(inv.image);
  const hex = inv.image === undefined ? undefined : /^sha256:([a-f0-9]{64})$/.exec(subject.version ?? '')?.[1];
  const root = component(subject.kind === 'container' ? 'container' : 'file', subject.name, {
    bomRef: `bulkhead:target:${subject.name}`,
    version: subject.version,
    purl: subject.purl,
    hashes: hex === undefined ? undefined : [{ alg: 'SHA-256', content: hex }],
    properties: rootProps,
  });

  const entries: Entry[] = [];
  if (inv.distro !== undefined) entries.push(distroEntry(inv.distro));
  const layers = new Map((inv.image?.layers ?? []).map((layer) => [layer.diffId, layer]));
  const byId = new Map<string, Entry>();
  // Images repeat a few license strings and property names across
  // thousands of packages: parse and build each once per document.
  const memo: Memo = { spdx: new Map(), locationPath: [], locationLayer: [], metadata: new Map() };
  for (const pkg of inv.packages) {
    if (byId.has(pkg.id)) continue;
    const entry = packageEntry(pkg, layers, memo);
    byId.set(pkg.id, entry);
    entries.push(entry);
  }

  // Properties are ordered by name first. Ranks over a superset of the names
  // order any two of them as ranks over exactly the written names would, so
  // every name the components can use is ranked before any is built.
  const nameRanks = collationRanks([
    ...Object.values(PROP),
    ...memo.locationPath,
    ...memo.locationLayer,
    ...memo.metadata.values(),
    ...rootProps.map((property) => property.name),
  ]);
  const compareProperties: PropertyOrder = (a, b) =>
    (nameRanks.get(a.name) ?? 0) - (nameRanks.get(b.name) ?? 0) || compare(a.value, b.value);
  root.properties?.sort(compareProperties);

  // The library's serializer renames a missing, empty or repeated bom-ref
  // (in document order) to a random one before it writes anything.
  const known = new Set(['']);
  const unique = (given: string | undefined): string => {
    const ref =
      given === undefined || known.has(given)
        ? `BomRef${Math.random().toString(32).substring(1)}${Math.random().toString(32).substring(1)}`
        : given;
    known.add(ref);
    return ref;
  };
  root['bom-ref'] = unique(root['bom-ref']);
  for (const entry of entries) entry.ref = unique(entry.ref);
  // Every list below is ordered by bom-ref first: collate each ref once.
  const refRanks = collationRanks(known);
  const refRank = (ref: string | undefined): number => refRanks.get(ref ?? '') ?? 0;
  const byRank = (a: string, b: string): number => refRank(a) - refRank(b);

  for (const rel of inv.relationships) {
    if (rel.type !== 'depends-on') continue;
    const from = byId.get(rel.from);
    const to = byId.get(rel.to);
    if (from !== undefined && to !== undefined && from !== to) from.dependsOn.add(to.ref ?? '');
  }

  // The library sorts dependencies by ref alone (a stable sort from document
  // order) but components with tie-breaks: two orders of the same entries.
  const rootRef = root['bom-ref'] ?? '';
  // null is the root (Array#sort would move an undefined to the end unseen).
  const dependents: (Entry | null)[] = [null, ...entries];
  dependents.sort((a, b) => byRank(a?.ref ?? rootRef, b?.ref ?? rootRef));
  entries.sort((a, b) => refRank(a.ref) - refRank(b.ref) || compareTies(a, b));

  const serialNumber = options.serialNumber ?? `urn:uuid:${randomUUID()}`;
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    serialNumber: SERIAL_NUMBER.test(serialNumber) ? serialNumber : undefined,
    metadata: {
      timestamp: (options.timestamp ?? new Date()).toISOString(),
      tools: { components: [{ type: 'application', name: inv.tool.name, version: inv.tool.version || undefined }] },
      component: root,
    },
    components: jsonArrayOf(entries, (entry) => entry.build(entry.ref, compareProperties)),
    dependencies: jsonArrayOf(dependents, (entry) => {
      if (entry === null) return { ref: rootRef, dependsOn: undefined };
      const dependsOn = [...entry.dependsOn].sort(byRank);
      return { ref: entry.ref ?? '', dependsOn: dependsOn.length > 0 ? dependsOn : undefined };
    }),
  };
}

/** Component.compare of the library after equal-collating bom-refs: purl when both have one, else group, name, version. */
function compareTies(a: Entry, b: Entry): number {
  if (a.purl !== undefined && b.purl !== undefined) return compare(a.purl, b.purl);
  return compare(a.name, b.name) || compare(a.version ?? '', b.version ?? '');
}

function component(
  type: string,
  name: string,
  fields: {
    bomRef: string | undefined;
    version?: string | undefined;
    description?: string | undefined;
    scope?: string | undefined;
    hashes?: Component['hashes'];
    licenses?: readonly License[];
    purl?: string | undefined;
    properties: Property[];
  },
): Component {
  return {
    type,
    name,
    version: fields.version || undefined,
    'bom-ref': fields.bomRef,
    description: fields.description || undefined,
    scope: fields.scope,
    hashes: fields.hashes,
    licenses: fields.licenses === undefined || fields.licenses.length === 0 ? undefined : fields.licenses,
    purl: fields.purl,
    properties: fields.properties.length === 0 ? undefined : fields.properties,
  };
}

function packageEntry(
  pkg: Package,
  layers: ReadonlyMap<string, { readonly createdBy?: string }>,
  memo: Memo,
): Entry {
  // Every property name this package can use, for the ranks taken before any component is built.
  for (let n = memo.locationPath.length; n < pkg.locations.length; n++) nameLocation(memo, n);
  for (const key of Object.keys(pkg.metadata ?? {})) metadataName(memo, key);
  const purl = pkg.purl || undefined;
  const version = pkg.version || undefined;
  return {
    ref: pkg.id,
    purl,
    name: pkg.name,
    version,
    dependsOn: new Set(),
    build: (ref, compareProperties) =>
      component(pkg.ecosystem === 'binary' ? 'application' : 'library', pkg.name, {
        bomRef: ref,
        version,
        scope: pkg.scope === undefined ? undefined : COMPONENT_SCOPE[pkg.scope],
        licenses: licenseChoice(pkg.licenses, memo.spdx),
        purl,
        properties: packageProperties(pkg, layers, memo).sort(compareProperties),
      }),
  };
}

function packageProperties(pkg: Package, layers: ReadonlyMap<string, { readonly createdBy?: string }>, memo: Memo): Property[] {
  const props: Property[] = [{ name: PROP.foundBy, value: pkg.foundBy }];
  if (pkg.arch) props.push({ name: PROP.arch, value: pkg.arch });
  if (pkg.scope) props.push({ name: PROP.scope, value: pkg.scope });
  if (pkg.confidence) props.push({ name: PROP.confidence, value: pkg.confidence });
  if (pkg.distro) props.push({ name: PROP.distro, value: pkg.distro });
  if (pkg.source) {
    props.push({ name: PROP.sourceName, value: pkg.source.name });
    if (pkg.source.version) props.push({ name: PROP.sourceVersion, value: pkg.source.version });
  }
  const introducing = pkg.locations.find((location) => location.layer !== undefined)?.layer;
  if (introducing !== undefined) {
    props.push({ name: PROP.layer, value: introducing });
    const createdBy = layers.get(introducing)?.createdBy;
    if (createdBy) props.push({ name: PROP.layerCreatedBy, value: createdBy });
  }
  // packageEntry named every location index before the ranks were taken.
  pkg.locations.forEach((location, n) => {
    props.push({ name: memo.locationPath[n] ?? '', value: location.path });
    if (location.layer !== undefined) props.push({ name: memo.locationLayer[n] ?? '', value: location.layer });
  });
  for (const [key, value] of Object.entries(pkg.metadata ?? {})) props.push({ name: metadataName(memo, key), value: String(value) });
  return props;
}

// One string per distinct property name rather than one per property.
function nameLocation(memo: Memo, n: number): void {
  memo.locationPath[n] = `${PROP.locationPrefix}${n}:path`;
  memo.locationLayer[n] = `${PROP.locationPrefix}${n}:layer`;
}

function metadataName(memo: Memo, key: string): string {
  let name = memo.metadata.get(key);
  if (name === undefined) memo.metadata.set(key, (name = `${PROP.metadataPrefix}${key}`));
  return name;
}

interface Memo {
  readonly spdx: Map<string, SpdxLicenseExpression | undefined>;
  /** Location property names by index (nameLocation). */
  readonly locationPath: string[];
  readonly locationLayer: string[];
  /** Package.metadata key → property name. */
  readonly metadata: Map<string, string>;
}

/** Dev dependencies are CycloneDX's "excluded" (not part of the runtime); peers have no counterpart. */
const COMPONENT_SCOPE: Record<DependencyScope, string | undefined> = {
  prod: 'required',
  optional: 'optional',
  dev: 'excluded',
  peer: undefined,
};

type Choice = { kind: 'expression'; text: string } | { kind: 'name'; text: string } | { kind: 'id'; text: string };

/**
 * CycloneDX allows either a list of id/name licenses or exactly one
 * expression. Several declared licenses that are all valid SPDX become one
 * conjunction (each declared license applies); when any is a free-form name,
 * the list form keeps every string, expressions included as names.
 */
function licenseChoice(declared: readonly string[], cache: Map<string, SpdxLicenseExpression | undefined>): License[] {
  if (declared.length === 0) return [];
  const texts = [...new Set(declared.map((text) => text.trim()).filter((text) => text !== ''))];
  const parsed = texts.map((text) => {
    if (!cache.has(text)) cache.set(text, parseSpdxExpression(text));
    return { text, spdx: cache.get(text) };
  });
  const hasExpression = parsed.some((entry) => entry.spdx?.kind === 'expression');
  if (hasExpression && parsed.every((entry) => entry.spdx !== undefined)) {
    const parts = parsed.map((entry) => (entry.spdx?.kind === 'id' ? entry.spdx.id : (entry.spdx?.expression ?? '')));
    const expression = parts.length === 1 ? (parts[0] ?? '') : parts.map((part) => (/\s/.test(part) ? `(${part})` : part)).join(' AND ');
    return [{ expression }];
  }
  const choices: Choice[] = parsed.map((entry) =>
    entry.spdx?.kind === 'id' ? { kind: 'id', text: entry.spdx.id } : { kind: 'name', text: entry.text },
  );
  // The library orders licenses by model class name (LicenseExpression <
  // NamedLicense < SpdxLicense), then by text; an id missing from its SPDX
  // list sorts as an id but is written as a name.
  choices.sort((a, b) => (a.kind === b.kind ? compare(a.text, b.text) : KIND_ORDER[a.kind] - KIND_ORDER[b.kind]));
  return choices.map((choice) =>
    choice.kind === 'id' && SPDX.isSupportedSpdxId(choice.text) ? { license: { id: choice.text } } : { license: { name: choice.text } },
  );
}

const KIND_ORDER: Record<Choice['kind'], number> = { expression: 0, name: 1, id: 2 };

function distroEntry(distro: Distro): Entry {
  return {
    ref: `bulkhead:distro:${distro.id}${distro.versionId ? `@${distro.versionId}` : ''}`,
    purl: undefined,
    name: distro.id,
    version: distro.versionId,
    dependsOn: new Set(),
    build: (ref, compareProperties) => {
      const props: Property[] = [{ name: PROP.distroSource, value: distro.source }];
      if (distro.versionCodename) props.push({ name: PROP.distroCodename, value: distro.versionCodename });
      for (const like of distro.idLike) props.push({ name: PROP.distroIdLike, value: like });
      return component('operating-system', distro.id, {
        bomRef: ref,
        version: distro.versionId,
        description: distro.prettyName,
        properties: props.sort(compareProperties),
      });
    },
  };
}

function imageProperties(image: ImageMetadata): Property[] {
  const props: Property[] = [
    { name: PROP.imageConfigDigest, value: image.configDigest },
    { name: PROP.imageOs, value: image.os },
    { name: PROP.imageArchitecture, value: image.architecture },
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
  for (const [name, value] of optional) if (value !== undefined && value !== '') props.push({ name, value });
  for (const tag of image.repoTags) props.push({ name: PROP.imageRepoTag, value: tag });
  for (const digest of image.repoDigests) props.push({ name: PROP.imageRepoDigest, value: digest });
  for (const port of image.config.exposedPorts) props.push({ name: PROP.imageExposedPort, value: port });
  for (const volume of image.config.volumes) props.push({ name: PROP.imageVolume, value: volume });
  for (const [key, value] of Object.entries(image.config.labels)) props.push({ name: `${PROP.imageLabelPrefix}${key}`, value });
  for (const layer of image.layers) {
    const prefix = `${PROP.imageLayerPrefix}${layer.index}:`;
    props.push({ name: `${prefix}diffId`, value: layer.diffId });
    const facts: [string, string | number | undefined][] = [
      ['digest', layer.digest],
      ['mediaType', layer.mediaType],
      ['size', layer.size],
      ['createdBy', layer.createdBy],
      ['created', layer.created],
    ];
    for (const [key, value] of facts) if (value !== undefined && value !== '') props.push({ name: `${prefix}${key}`, value: String(value) });
  }
  // Image environment variables are left out on purpose: they routinely hold secrets.
  return props;
}
