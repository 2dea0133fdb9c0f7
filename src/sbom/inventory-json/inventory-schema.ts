/**
 * zod schema of Bulkhead's own inventory document (`--format json`,
 * docs/inventory-format.md). It mirrors src/domain/inventory.ts; the
 * `satisfies` check below fails to compile when the two drift apart.
 */
import { z } from 'zod';
import { ECOSYSTEMS } from '../../domain/ecosystem.js';
import type { Inventory } from '../../domain/inventory.js';

const text = z.string().max(65_536);
const shortText = z.string().max(4096);
const strings = z.array(text).max(100_000);

/**
 * A flat record whose keys may be anything an image can declare, including
 * '__proto__': z.record would copy entries onto a plain object and lose
 * that one, so the parsed object (own properties from JSON.parse) is checked
 * and rebuilt with fromEntries instead.
 */
function flatRecord<V extends string | number | boolean>(isValue: (value: unknown) => value is V) {
  return z
    .custom<Record<string, V>>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= 100_000 &&
        Object.entries(value).every(([key, entry]) => key.length <= 4096 && isValue(entry)),
      { message: 'expected an object of short keys and plain values' },
    )
    .transform((value) => Object.fromEntries(Object.entries(value)) as Record<string, V>);
}
const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= 65_536;
const isScalar = (value: unknown): value is string | number | boolean =>
  isText(value) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

const layerRef = z.object({
  index: z.number().int().nonnegative(),
  diffId: shortText,
  digest: shortText.optional(),
  mediaType: shortText.optional(),
  size: z.number().nonnegative().optional(),
  createdBy: text.optional(),
  created: shortText.optional(),
});

const imageMetadata = z.object({
  manifestDigest: shortText.optional(),
  configDigest: shortText,
  mediaType: shortText.optional(),
  repoTags: z.array(shortText).max(10_000),
  repoDigests: z.array(shortText).max(10_000),
  os: shortText,
  architecture: shortText,
  variant: shortText.optional(),
  created: shortText.optional(),
  author: text.optional(),
  config: z.object({
    user: shortText.optional(),
    env: strings,
    entrypoint: strings.optional(),
    cmd: strings.optional(),
    workingDir: text.optional(),
    exposedPorts: strings,
    volumes: strings,
    labels: flatRecord(isText),
    healthcheck: z
      .object({
        test: strings,
        interval: z.number().optional(),
        timeout: z.number().optional(),
        retries: z.number().optional(),
      })
      .optional(),
    stopSignal: shortText.optional(),
  }),
  history: z
    .array(
      z.object({
        created: shortText.optional(),
        createdBy: text.optional(),
        comment: text.optional(),
        emptyLayer: z.boolean(),
      }),
    )
    .max(100_000),
  layers: z.array(layerRef).max(100_000),
});

const distro = z.object({
  id: shortText,
  versionId: shortText.optional(),
  versionCodename: shortText.optional(),
  prettyName: shortText.optional(),
  idLike: z.array(shortText).max(100),
  source: shortText,
});

const packageSchema = z.object({
  id: shortText,
  ecosystem: z.enum(ECOSYSTEMS),
  name: text,
  version: text,
  purl: text,
  arch: shortText.optional(),
  source: z.object({ name: text, version: text.optional() }).optional(),
  distro: shortText.optional(),
  licenses: strings,
  locations: z.array(z.object({ path: text, layer: shortText.optional() })).max(100_000),
  foundBy: shortText,
  scope: z.enum(['prod', 'dev', 'optional', 'peer']).optional(),
  confidence: z.enum(['high', 'medium', 'low']).optional(),
  metadata: flatRecord(isScalar).optional(),
});

export const inventorySchema = z.object({
  schema: z.literal('bulkhead.inventory/v1'),
  id: shortText,
  target: z.object({
    kind: z.enum(['docker-archive', 'oci-archive', 'oci', 'docker', 'registry', 'dir', 'sbom']),
    reference: text,
  }),
  image: imageMetadata.optional(),
  distro: distro.optional(),
  packages: z.array(packageSchema).max(1_000_000),
  relationships: z
    .array(z.object({ from: shortText, to: shortText, type: z.enum(['depends-on', 'contains', 'owns']) }))
    .max(10_000_000),
  catalogers: z
    .array(
      z.object({
        name: shortText,
        version: z.number().int(),
        packages: z.number().int().nonnegative(),
        files: z.number().int().nonnegative(),
      }),
    )
    .max(1000),
  warnings: z
    .array(
      z.object({ message: text, path: text.optional(), layer: shortText.optional(), source: shortText.optional() }),
    )
    .max(1_000_000),
  createdAt: shortText,
  tool: z.object({ name: z.literal('bulkhead'), version: shortText }),
});

// Compile-time guard: a parsed document is an Inventory, and an Inventory is a valid document.
type Parsed = z.infer<typeof inventorySchema>;
const _parsedIsInventory = (value: Parsed): Inventory => value;
const _inventoryIsParsed = (value: Inventory): DeepReadonly<z.input<typeof inventorySchema>> => value;

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
