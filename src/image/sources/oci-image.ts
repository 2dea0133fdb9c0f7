/**
 * Picks one image out of an OCI layout (wherever its files live) and serves
 * it as an ImageSource: index.json → (nested indexes, Docker manifest lists)
 * → manifest → config + layers. Selection is by the ref.name annotation and
 * by platform, defaulting to the host's.
 */
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { TargetKind } from '../../domain/inventory.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageSource, LayerBlob } from '../image-source.js';
import { DEFAULT_LIMITS } from '../limits.js';
import {
  CONFIG_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  layerCompression,
  parseIndexDocument,
  parseManifestDocument,
} from '../manifest.js';
import type { Descriptor, ImageManifest } from '../manifest.js';
import { formatPlatform, hostPlatform, platformMatches } from '../platform.js';
import type { Platform } from '../platform.js';
import type { BlobStore } from './blob-store.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';
const MAX_INDEX_DEPTH = 4;

export interface OciImageOptions {
  readonly kind: TargetKind;
  readonly reference: string;
  readonly ref?: string;
  /** Explicit platform; when absent the host's platform picks among multi-platform entries. */
  readonly platform?: Platform;
  readonly repoTags?: readonly string[];
  readonly maxJsonBytes?: number;
  close?(): Promise<void>;
}

interface Chosen {
  readonly descriptor: Descriptor;
  readonly manifest: ImageManifest;
  readonly mediaType: string;
}

function refNames(descriptors: readonly Descriptor[]): string {
  const names = descriptors.map((d) => d.annotations?.[REF_NAME]).filter((n): n is string => n !== undefined);
  return names.length > 0 ? names.join(', ') : 'none';
}

function isAttestation(d: Descriptor): boolean {
  return d.platform?.os === 'unknown' || d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

function pickByPlatform(descriptors: readonly Descriptor[], wanted: Platform, where: string): Descriptor {
  const images = descriptors.filter((d) => !isAttestation(d));
  const withPlatform = images.filter((d) => d.platform);
  if (withPlatform.length === 0) {
    if (images.length === 1) return images[0] as Descriptor;
    throw new BadInputError(`${where} lists ${images.length} images without platforms; choose one by reference (refs: ${refNames(images)})`);
  }
  const matching = withPlatform.filter((d) => platformMatches(d.platform as Platform, wanted));
  const exact = matching.find((d) => (d.platform?.variant ?? undefined) === wanted.variant);
  const found = exact ?? matching[0];
  if (!found) {
    const offered = withPlatform.map((d) => formatPlatform(d.platform as Platform)).join(', ');
    throw new BadInputError(`${where} has no image for platform ${formatPlatform(wanted)} (available: ${offered})`);
  }
  return found;
}

export async function openOciImage(store: BlobStore, options: OciImageOptions): Promise<ImageSource> {
  const maxJson = options.maxJsonBytes ?? DEFAULT_LIMITS.maxJsonBytes;
  const wanted = options.platform ?? hostPlatform();
  const where = store.location;

  const indexBytes = await store.readFile('index.json', maxJson);
  if (!indexBytes) throw new BadInputError(`${where} is not an OCI layout: index.json is missing`);
  const top = parseIndexDocument(indexBytes, `${where}/index.json`);

  let candidates = top.manifests;
  if (options.ref !== undefined) {
    const ref = options.ref;
    candidates = candidates.filter((d) => {
      const name = d.annotations?.[REF_NAME];
      const full = d.annotations?.[CONTAINERD_NAME];
      return name === ref || full === ref || (full !== undefined && full.endsWith(`/${ref}`));
    });
    if (candidates.length === 0) throw new BadInputError(`${where} has no image named ${JSON.stringify(ref)} (refs: ${refNames(top.manifests)})`);
  }
  if (candidates.length === 0) throw new BadInputError(`${where} holds no images (index.json is empty)`);

  async function resolve(descriptor: Descriptor, depth: number): Promise<Chosen> {
    if (depth > MAX_INDEX_DEPTH) throw new ImageFormatError(`${where}: indexes nested deeper than ${MAX_INDEX_DEPTH} levels`);
    const known = MANIFEST_MEDIA_TYPES.has(descriptor.mediaType) || INDEX_MEDIA_TYPES.has(descriptor.mediaType);
    if (!known) {
      throw new BadInputError(`${where}: entry ${descriptor.digest} has unsupported media type ${JSON.stringify(descriptor.mediaType)} (not an image manifest or index)`);
    }
    const bytes = await store.readBlob(descriptor.digest, maxJson);
    const doc = parseManifestDocument(bytes, descriptor.mediaType, `manifest ${descriptor.digest}`);
    if (doc.kind === 'manifest') return { descriptor, manifest: doc.manifest, mediaType: doc.mediaType };
    return resolve(pickByPlatform(doc.index.manifests, wanted, `index ${descriptor.digest}`), depth + 1);
  }

  const first = candidates.length === 1 ? (candidates[0] as Descriptor) : pickByPlatform(candidates, wanted, `${where}/index.json`);
  const chosen = await resolve(first, 1);
  const { manifest } = chosen;
  if (!CONFIG_MEDIA_TYPES.has(manifest.config.mediaType)) {
    throw new BadInputError(`${where}: ${chosen.descriptor.digest} is not a container image (config media type ${JSON.stringify(manifest.config.mediaType)})`);
  }
  const configBytes = await store.readBlob(manifest.config.digest, maxJson);
  const metadata: ImageMetadata = parseImageConfig(configBytes, {
    configDigest: manifest.config.digest,
    manifestDigest: chosen.descriptor.digest,
    mediaType: chosen.mediaType,
    repoTags: options.repoTags ?? [],
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
  });
  if (metadata.layers.length !== manifest.layers.length) {
    throw new ImageFormatError(`${where}: manifest lists ${manifest.layers.length} layers but the config has ${metadata.layers.length} diff_ids`);
  }
  if (options.platform && !platformMatches({ os: metadata.os, architecture: metadata.architecture, ...(metadata.variant ? { variant: metadata.variant } : {}) }, options.platform)) {
    throw new BadInputError(`${where}: the image is ${metadata.os}/${metadata.architecture}, not ${formatPlatform(options.platform)}`);
  }
  const blobs: LayerBlob[] = manifest.layers.map((layer, index) => {
    const compression = layerCompression(layer.mediaType);
    if (compression === undefined) throw new BadInputError(`${where}: layer ${layer.digest} has unsupported media type ${JSON.stringify(layer.mediaType)}`);
    return {
      index,
      digest: layer.digest,
      diffId: metadata.layers[index]?.diffId as string,
      mediaType: layer.mediaType,
      compression,
      size: layer.size,
      open: () => store.openBlob(layer.digest),
      ...(store.blobChunks ? { openChunks: () => (store.blobChunks as NonNullable<typeof store.blobChunks>)(layer.digest) } : {}),
    };
  });

  return {
    kind: options.kind,
    reference: options.reference,
    randomAccess: true,
    async *layers() {
      yield* blobs;
    },
    metadata: async () => metadata,
    close: async () => {
      await options.close?.();
    },
  };
}
