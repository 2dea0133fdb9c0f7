/**
 * OCI and Docker (v2 schema 2) manifest, index and manifest-list documents:
 * media types, zod schemas and a parser that tells which kind a document is.
 * Shared by the OCI layout, archive and registry sources.
 */
import { z } from 'zod';
import { BadInputError, ImageFormatError } from '../domain/errors.js';
import { isDigest } from './digest.js';
import type { Compression } from './image-source.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
export const CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);

/** Layer media type → how its bytes are compressed. */
const LAYER_COMPRESSION: Readonly<Record<string, Exclude<Compression, 'detect'>>> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.diff.tar.zstd': 'zstd',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
};

/** Compression of a layer by media type; undefined for media types that are not image layers. */
export function layerCompression(mediaType: string): Exclude<Compression, 'detect'> | undefined {
  return LAYER_COMPRESSION[mediaType];
}

const digest = z.string().max(200).refine(isDigest, { message: 'not a sha256/sha512 digest' });

export const platformSchema = z.looseObject({
  os: z.string().max(64),
  architecture: z.string().max(64),
  variant: z.string().max(64).optional(),
  'os.version': z.string().max(256).optional(),
});

export const descriptorSchema = z.looseObject({
  mediaType: z.string().max(256),
  digest,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
  urls: z.array(z.string()).optional(),
});

export const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().max(256).optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().max(256).optional(),
  manifests: z.array(descriptorSchema).max(100_000),
  annotations: z.record(z.string(), z.string()).optional(),
});

export type Descriptor = z.infer<typeof descriptorSchema>;
export type ImageManifest = z.infer<typeof manifestSchema>;
export type ImageIndex = z.infer<typeof indexSchema>;

export type ManifestDocument =
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest }
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex };

function parseJson(bytes: Buffer | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    throw new ImageFormatError(`${what} is not valid JSON`, { cause: error });
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Parses a manifest or index. The media type comes from the descriptor (or
 * HTTP Content-Type) when known, else from the document's own mediaType
 * field, else from its shape; schema version 1 and unknown types are refused.
 */
export function parseManifestDocument(bytes: Buffer | string, declaredMediaType?: string, what = 'manifest'): ManifestDocument {
  const json = parseJson(bytes, what);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ImageFormatError(`${what} is not a JSON object`);
  const record = json as Record<string, unknown>;
  if (record['schemaVersion'] === 1) throw new BadInputError(`${what} uses Docker image manifest schema 1, which is not supported`);
  const own = typeof record['mediaType'] === 'string' ? record['mediaType'] : undefined;
  let mediaType = declaredMediaType ?? own;
  if (mediaType === undefined) mediaType = Array.isArray(record['manifests']) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
  if (MANIFEST_MEDIA_TYPES.has(mediaType)) {
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) throw new ImageFormatError(`${what} is not a valid image manifest: ${describeIssues(parsed.error)}`);
    return { kind: 'manifest', mediaType, manifest: parsed.data };
  }
  if (INDEX_MEDIA_TYPES.has(mediaType)) {
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success) throw new ImageFormatError(`${what} is not a valid image index: ${describeIssues(parsed.error)}`);
    return { kind: 'index', mediaType, index: parsed.data };
  }
  throw new BadInputError(`${what} has unsupported media type ${JSON.stringify(mediaType.slice(0, 256))}`);
}

/** Parses an index document (an OCI layout's index.json has no descriptor to name its type). */
export function parseIndexDocument(bytes: Buffer | string, what = 'index'): ImageIndex {
  const parsed = indexSchema.safeParse(parseJson(bytes, what));
  if (!parsed.success) throw new ImageFormatError(`${what} is not a valid image index: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
