/**
 * The registry image source: resolves a reference against an OCI
 * Distribution (v2) registry — manifest or index (→ the wanted platform),
 * config blob verified against its digest — and streams the layer blobs on
 * demand. Layer digests and diffIds travel with each LayerBlob; the layer
 * reader verifies them while it reads.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BadInputError, ImageFormatError, LimitExceededError } from '../../domain/errors.js';
import type { ImageMetadata } from '../../domain/image.js';
import { parseDigest } from '../digest.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageSource, LayerBlob } from '../image-source.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { ReadLimits } from '../limits.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MEDIA_TYPES, layerCompression, parseManifestDocument } from '../manifest.js';
import type { Descriptor, ImageManifest } from '../manifest.js';
import { formatPlatform, hostPlatform, normalizePlatform } from '../platform.js';
import type { Platform } from '../platform.js';
import { readDockerCredentials } from './docker-config.js';
import type { RegistryCredentials } from './docker-config.js';
import {
  familiarName,
  familiarString,
  formatReference,
  manifestReference,
  parseImageReference,
  registryApiHost,
} from './image-reference.js';
import { createRegistryClient } from './registry-client.js';
import type { RegistryClient } from './registry-client.js';
import { selectPlatformManifest } from './registry-platform.js';

export interface RegistryImageOptions {
  /** Platform to pick from an index; default the host's. */
  readonly platform?: Platform;
  /** Allow plain HTTP when HTTPS fails (Docker's insecure-registries). */
  readonly insecure?: boolean;
  /** Explicit credentials; otherwise the Docker config's `auths` entry for the registry is used. */
  readonly username?: string;
  readonly password?: string;
  /** Docker config.json to read credentials from; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  readonly dockerConfigPath?: string;
  readonly limits?: ReadLimits;
  /** Longest wait for response headers and between two chunks of a body (ms); default 30 s. */
  readonly timeoutMs?: number;
  /** Non-fatal problems (unsupported credential helpers, …). */
  readonly warn?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Indexes may nest (an index pointing at an index); real images use one level, allow a little more. */
const MAX_INDEX_DEPTH = 3;

const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

function digestOf(bytes: Buffer, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Verifies bytes against a digest in the digest's own algorithm. */
function verifyDigest(bytes: Buffer, expected: string, what: string): void {
  const { algorithm } = parseDigest(expected);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) throw new ImageFormatError(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
}

function declaredMediaType(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim();
  return type && (MANIFEST_MEDIA_TYPES.has(type) || INDEX_MEDIA_TYPES.has(type)) ? type : undefined;
}

async function readBlob(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new LimitExceededError(`${what} is larger than the ${maxBytes}-byte limit (maxJsonBytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

interface ResolvedManifest {
  readonly manifest: ImageManifest;
  readonly mediaType: string;
  readonly manifestDigest: string;
  /** Digest the reference resolved to first (the index's when there is one): what `docker pull` records in RepoDigests. */
  readonly pulledDigest: string;
  /** Whether an index chose this manifest (its platform is then already the one asked for, or compatible). */
  readonly fromIndex: boolean;
}

async function resolveManifest(
  client: RegistryClient,
  what: string,
  first: string,
  platform: Platform,
  limits: ReadLimits,
): Promise<ResolvedManifest> {
  let reference = first;
  let expected: Descriptor | undefined;
  let pulledDigest: string | undefined;
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    if (expected && expected.size > limits.maxJsonBytes) {
      throw new LimitExceededError(`${what}: manifest ${expected.digest} is ${expected.size} bytes, over maxJsonBytes (${limits.maxJsonBytes})`);
    }
    const { body, response } = await client.getDocument(`manifests/${reference}`, ACCEPT, limits.maxJsonBytes, what);
    // Content addressing is the point of a digest: check it whenever the client asked for one.
    if (reference.includes(':')) verifyDigest(body, reference, `manifest of ${what}`);
    if (expected && body.length !== expected.size) {
      throw new ImageFormatError(`${what}: manifest ${expected.digest} is ${body.length} bytes, its descriptor says ${expected.size}`);
    }
    const digest = reference.includes(':') ? reference : digestOf(body);
    pulledDigest ??= digest;
    const doc = parseManifestDocument(body, expected?.mediaType ?? declaredMediaType(response.headers.get('content-type')), `manifest of ${what}`);
    if (doc.kind === 'manifest') {
      return { manifest: doc.manifest, mediaType: doc.mediaType, manifestDigest: digest, pulledDigest, fromIndex: depth > 0 };
    }
    expected = selectPlatformManifest(doc.index, platform, what);
    reference = expected.digest;
  }
  throw new ImageFormatError(`${what}: image indexes nested more than ${MAX_INDEX_DEPTH} deep`);
}

/**
 * Opens `ref` (e.g. `debian:12`, `localhost:5000/app@sha256:…`) in its
 * registry. Resolves manifest and config up front, so metadata() is complete
 * immediately; layers() fetches each blob only when it is opened.
 */
export async function openRegistryImage(ref: string, options: RegistryImageOptions = {}): Promise<ImageSource> {
  const reference = parseImageReference(ref);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const warn = options.warn ?? (() => undefined);
  const what = formatReference(reference);
  const platform = options.platform ?? hostPlatform();

  if (options.password !== undefined && !options.username) throw new BadInputError('a registry password was given without a username');
  const credentials: RegistryCredentials | undefined = options.username
    ? { username: options.username, password: options.password ?? '' }
    : await readDockerCredentials(reference.domain, {
        ...(options.dockerConfigPath !== undefined ? { configPath: options.dockerConfigPath } : {}),
        warn,
      });

  const client = createRegistryClient({
    registry: reference.domain,
    apiHost: registryApiHost(reference),
    repository: reference.path,
    insecure: options.insecure ?? false,
    ...(credentials ? { credentials } : {}),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });

  const resolved = await resolveManifest(client, what, manifestReference(reference), platform, limits);
  const { manifest } = resolved;

  const config = manifest.config;
  if (config.size > limits.maxJsonBytes) {
    throw new LimitExceededError(`${what}: config blob is ${config.size} bytes, over maxJsonBytes (${limits.maxJsonBytes})`);
  }
  const configWhat = `config blob ${config.digest} of ${what}`;
  const configBytes = await readBlob(await client.openBlob(config.digest, config.size, configWhat), limits.maxJsonBytes, configWhat);
  verifyDigest(configBytes, config.digest, configWhat);

  for (const [index, layer] of manifest.layers.entries()) {
    if (layerCompression(layer.mediaType) === undefined) {
      throw new BadInputError(`${what} is not a container image: layer ${index} has media type ${JSON.stringify(layer.mediaType.slice(0, 200))}`);
    }
  }

  const repoTags = reference.tag !== undefined && reference.digest === undefined ? [familiarString({ ...reference, digest: undefined })] : [];
  const repoDigests = [`${familiarName(reference)}@${resolved.pulledDigest}`];
  const metadata: ImageMetadata = parseImageConfig(configBytes, {
    configDigest: config.digest,
    manifestDigest: resolved.manifestDigest,
    mediaType: resolved.mediaType,
    repoTags,
    repoDigests,
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
  });

  if (metadata.layers.length !== manifest.layers.length) {
    throw new ImageFormatError(
      `${what}: the manifest lists ${manifest.layers.length} layers but the config has ${metadata.layers.length} diff_ids`,
    );
  }
  if (options.platform !== undefined && !resolved.fromIndex) {
    const got = normalizePlatform({ os: metadata.os, architecture: metadata.architecture, ...(metadata.variant ? { variant: metadata.variant } : {}) });
    const want = normalizePlatform(options.platform);
    if (got.os !== want.os || got.architecture !== want.architecture || (want.variant !== undefined && got.variant !== want.variant)) {
      throw new BadInputError(`${what} is a single-platform image for ${formatPlatform(got)}, not ${formatPlatform(want)}`);
    }
  }

  return {
    kind: 'registry',
    reference: what,
    // Each blob is its own HTTP request: the reader may fetch two at once.
    randomAccess: true,
    async *layers(): AsyncIterable<LayerBlob> {
      for (const [index, layer] of manifest.layers.entries()) {
        const diffId = metadata.layers[index]?.diffId;
        const layerWhat = `layer ${index} (${layer.digest}) of ${what}`;
        yield {
          index,
          digest: layer.digest,
          ...(diffId !== undefined ? { diffId } : {}),
          mediaType: layer.mediaType,
          compression: layerCompression(layer.mediaType) ?? 'detect',
          size: layer.size,
          open: () => client.openBlob(layer.digest, layer.size, layerWhat),
        };
      }
    },
    metadata: async () => metadata,
    async close() {
      // Nothing is held open between blobs: each blob stream releases its connection when consumed or destroyed.
    },
  };
}
