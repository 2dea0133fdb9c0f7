/**
 * CycloneDX 1.4–1.6 JSON → packages, dependencies, image and distro.
 * Documents Bulkhead wrote carry `bulkhead:` properties that restore what
 * CycloneDX has no field for; other producers' documents give what their
 * fields and purls say.
 */
import { z } from 'zod';
import type { Distro } from '../../domain/distro.js';
import type { HealthCheck, ImageMetadata, LayerRef } from '../../domain/image.js';
import type { ScanWarning } from '../../domain/inventory.js';
import type { Package, PackageLocation, Relationship } from '../../domain/package.js';
import { parsePurl } from '../../domain/purl.js';
import type { SbomContent } from '../sbom-content.js';
import { packageOfSbomEntry } from '../sbom-package.js';
import { spdxConjuncts } from '../spdx-license-expression.js';
import type { CycloneDxComponent, CycloneDxDocument } from './cyclonedx-document.js';
import { PROP } from './property-names.js';

const READER = 'sbom/cyclonedx';

export function fromCycloneDx(doc: CycloneDxDocument): SbomContent {
  const warnings: ScanWarning[] = [];
  const warn = (message: string): void => void warnings.push({ message, source: READER });
  const ours = madeByBulkhead(doc);

  const packages: Package[] = [];
  const idOfRef = new Map<string, string>();
  const usedIds = new Set<string>();
  let distro: Distro | undefined;
  let n = 0;
  for (const component of flatten(doc.components ?? [])) {
    n++;
    if (component.type === 'operating-system' && !hasPurl(component)) {
      distro ??= distroOf(component);
      continue;
    }
    // Containers and files without a purl are structure, not packages: no warning.
    if ((component.type === 'container' || component.type === 'file') && !hasPurl(component)) continue;
    const props = propertyMap(component);
    const ref = component['bom-ref'];
    let id = ref !== undefined && ref !== '' && !usedIds.has(ref) ? ref : `cyclonedx-${n}`;
    while (usedIds.has(id)) id = `${id}-${n}`;
    const pkg = packageOfSbomEntry(
      {
        id,
        name: component.group && !ours ? `${component.group}/${component.name}` : component.name,
        version: component.version,
        purl: component.purl,
        licenses: licensesOf(component, ours),
        trustName: ours,
        foundBy: first(props, PROP.foundBy) ?? READER,
        arch: first(props, PROP.arch),
        distro: first(props, PROP.distro),
        source: sourceOf(props),
        scope: first(props, PROP.scope) ?? scopeOfComponent(component.scope),
        confidence: first(props, PROP.confidence),
        locations: locationsOf(props),
        metadata: prefixed(props, PROP.metadataPrefix),
      },
      warn,
    );
    if (pkg === undefined) continue;
    usedIds.add(id);
    if (ref !== undefined) idOfRef.set(ref, id);
    packages.push(pkg);
  }

  const relationships: Relationship[] = [];
  for (const dependency of doc.dependencies ?? []) {
    const from = idOfRef.get(dependency.ref);
    if (from === undefined) continue;
    for (const target of dependency.dependsOn ?? []) {
      const to = idOfRef.get(target);
      if (to !== undefined && to !== from) relationships.push({ from, to, type: 'depends-on' });
    }
  }

  const root = doc.metadata?.component;
  const image = root?.type === 'container' ? imageOf(root, warn) : undefined;
  return { reader: READER, packages, relationships, image, distro, warnings };
}

/** CycloneDX scope of a component from another tool: "excluded" marks non-runtime (dev/test) use. */
function scopeOfComponent(scope: string | undefined): string | undefined {
  switch (scope) {
    case 'required':
      return 'prod';
    case 'optional':
      return 'optional';
    case 'excluded':
      return 'dev';
    default:
      return undefined;
  }
}

function madeByBulkhead(doc: CycloneDxDocument): boolean {
  const tools = doc.metadata?.tools;
  const entries = Array.isArray(tools) ? tools : (tools?.components ?? []);
  return entries.some((tool) => tool.name === 'bulkhead');
}

/** Depth-first, the nesting already bounded by the caller's depth check. */
function* flatten(components: readonly CycloneDxComponent[]): Generator<CycloneDxComponent> {
  for (const component of components) {
    yield component;
    if (component.components) yield* flatten(component.components);
  }
}

function hasPurl(component: CycloneDxComponent): boolean {
  return component.purl !== undefined && component.purl !== '';
}

type Props = ReadonlyMap<string, readonly string[]>;

function propertyMap(component: CycloneDxComponent): Props {
  const map = new Map<string, string[]>();
  for (const { name, value } of component.properties ?? []) {
    if (value === undefined) continue;
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  }
  return map;
}

function first(props: Props, name: string): string | undefined {
  return props.get(name)?.[0];
}

function prefixed(props: Props, prefix: string): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [name, values] of props) {
    const key = name.slice(prefix.length);
    if (name.startsWith(prefix) && key !== '' && values[0] !== undefined) entries.push([key, values[0]]);
  }
  // fromEntries defines own properties, so a label named __proto__ stays a label.
  return Object.fromEntries(entries);
}

function licensesOf(component: CycloneDxComponent, ours: boolean): string[] {
  const out: string[] = [];
  for (const choice of component.licenses ?? []) {
    if (choice.expression !== undefined) {
      // Bulkhead joins several declared licenses with AND; split them back.
      out.push(...((ours ? spdxConjuncts(choice.expression) : undefined) ?? [choice.expression]));
    } else {
      const value = choice.license?.id ?? choice.license?.name;
      if (value !== undefined && value !== '') out.push(value);
    }
  }
  return out;
}

function sourceOf(props: Props): { name: string; version?: string } | undefined {
  const name = first(props, PROP.sourceName);
  if (name === undefined) return undefined;
  const version = first(props, PROP.sourceVersion);
  return version === undefined ? { name } : { name, version };
}

const INDEXED = /^(\d{1,6}):(path|layer|layerID)$/;

/** Bulkhead's `bulkhead:location:<n>:path|layer`, and syft's `syft:location:<n>:path|layerID`. */
function locationsOf(props: Props): PackageLocation[] {
  const byIndex = new Map<number, { path?: string; layer?: string }>();
  for (const prefix of [PROP.locationPrefix, 'syft:location:']) {
    for (const [name, values] of props) {
      const match = name.startsWith(prefix) ? INDEXED.exec(name.slice(prefix.length)) : null;
      if (match === null || values[0] === undefined) continue;
      const index = Number(match[1]) + (prefix === PROP.locationPrefix ? 0 : 1_000_000);
      const entry = byIndex.get(index) ?? {};
      if (match[2] === 'path') entry.path = values[0];
      else entry.layer = values[0];
      byIndex.set(index, entry);
    }
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, entry]) =>
      entry.path === undefined ? [] : [entry.layer === undefined ? { path: entry.path } : { path: entry.path, layer: entry.layer }],
    );
}

function distroOf(component: CycloneDxComponent): Distro {
  const props = propertyMap(component);
  return {
    id: component.name,
    ...(component.version ? { versionId: component.version } : {}),
    ...(first(props, PROP.distroCodename) ? { versionCodename: first(props, PROP.distroCodename) } : {}),
    ...(component.description ? { prettyName: component.description } : {}),
    idLike: [...(props.get(PROP.distroIdLike) ?? [])],
    source: first(props, PROP.distroSource) ?? READER,
  };
}

const stringArray = z.array(z.string()).max(10_000);
const healthCheck = z.object({
  test: stringArray,
  interval: z.number().optional(),
  timeout: z.number().optional(),
  retries: z.number().optional(),
});
const DIGEST = /^sha(256|512):[a-f0-9]+$/;

function imageOf(root: CycloneDxComponent, warn: (message: string) => void): ImageMetadata {
  const props = propertyMap(root);
  const json = <T>(name: string, schema: z.ZodType<T>): T | undefined => {
    const raw = first(props, name);
    if (raw === undefined) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    warn(`image property ${name} is not valid; ignored`);
    return undefined;
  };
  let purlArch: string | undefined;
  try {
    purlArch = root.purl ? parsePurl(root.purl).qualifiers?.['arch'] : undefined;
  } catch {
    warn('image purl is invalid; ignored');
  }
  const version = root.version !== undefined && DIGEST.test(root.version) ? root.version : undefined;
  const manifestDigest = first(props, PROP.imageManifestDigest);
  const repoTags = props.get(PROP.imageRepoTag) ?? (/^[\w.\-/:]+:[\w][\w.-]*$/.test(root.name) ? [root.name] : []);
  const optional = {
    manifestDigest,
    mediaType: first(props, PROP.imageMediaType),
    variant: first(props, PROP.imageVariant),
    created: first(props, PROP.imageCreated),
    author: first(props, PROP.imageAuthor),
  };
  const config = {
    user: first(props, PROP.imageUser),
    workingDir: first(props, PROP.imageWorkingDir),
    stopSignal: first(props, PROP.imageStopSignal),
    entrypoint: json(PROP.imageEntrypoint, stringArray),
    cmd: json(PROP.imageCmd, stringArray),
    healthcheck: json<HealthCheck>(PROP.imageHealthcheck, healthCheck),
  };
  return {
    ...withoutUndefined(optional),
    configDigest: first(props, PROP.imageConfigDigest) ?? version ?? '',
    repoTags: [...repoTags],
    repoDigests: [...(props.get(PROP.imageRepoDigest) ?? [])],
    os: first(props, PROP.imageOs) ?? '',
    architecture: first(props, PROP.imageArchitecture) ?? purlArch ?? '',
    config: {
      ...withoutUndefined(config),
      // Never written (environment variables hold secrets), so never read.
      env: [],
      exposedPorts: [...(props.get(PROP.imageExposedPort) ?? [])],
      volumes: [...(props.get(PROP.imageVolume) ?? [])],
      labels: prefixed(props, PROP.imageLabelPrefix),
    },
    history: [],
    layers: layersOf(props),
  };
}

function layersOf(props: Props): LayerRef[] {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [name, values] of props) {
    const match = name.startsWith(PROP.imageLayerPrefix)
      ? /^(\d{1,6}):(diffId|digest|mediaType|size|createdBy|created)$/.exec(name.slice(PROP.imageLayerPrefix.length))
      : null;
    if (match === null || values[0] === undefined) continue;
    const index = Number(match[1]);
    const entry = byIndex.get(index) ?? {};
    entry[match[2] ?? ''] = values[0];
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([index, entry]) => {
      const { diffId, digest, mediaType, size, createdBy, created } = entry;
      if (diffId === undefined) return [];
      const bytes = size !== undefined && /^\d{1,15}$/.test(size) ? Number(size) : undefined;
      return [{ index, diffId, ...withoutUndefined({ digest, mediaType, size: bytes, createdBy, created }) }];
    });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
