/**
 * `docker-archive:PATH` — the output of `docker save`: the classic layout
 * (manifest.json + <id>/layer.tar) and Docker 25+'s OCI layout in a tar
 * (index.json + blobs/, with a manifest.json beside it). The tar is indexed
 * once and layers are read in place as byte ranges; nothing is extracted.
 */
import { z } from 'zod';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { isDigest, sha256Digest } from '../digest.js';
import { fileChunks } from '../file-chunks.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageSource, LayerBlob } from '../image-source.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { Platform } from '../platform.js';
import { indexTarFile } from '../tar/tar-index.js';
import type { TarFileIndex } from '../tar/tar-index.js';
import { normalizeArchivePath } from '../tar/tar-path.js';
import { openOciImage } from './oci-image.js';
import { tarBlobStore } from './tar-blob-store.js';

const manifestSchema = z
  .array(
    z.looseObject({
      Config: z.string().min(1).max(4096),
      RepoTags: z.array(z.string().max(4096)).nullish(),
      Layers: z.array(z.string().min(1).max(4096)).max(10_000),
    }),
  )
  .min(1);

export interface DockerArchiveOptions {
  /** Which image of a multi-image archive: a RepoTag ('app:1.0') or a 0-based position. */
  readonly image?: string | number;
  /** Only used for the OCI-only layout, when the archive has no manifest.json. */
  readonly platform?: Platform;
}

function member(index: TarFileIndex, name: string, what: string) {
  const where = normalizeArchivePath(name, DEFAULT_LIMITS);
  const entry = where.ok ? index.resolve(where.path) : undefined;
  if (!entry || entry.type !== 'file') throw new ImageFormatError(`${index.file}: ${what} ${JSON.stringify(name.slice(0, 256))} is missing from the archive`);
  return entry;
}

export async function openDockerArchive(file: string, options: DockerArchiveOptions = {}): Promise<ImageSource> {
  const index = await indexTarFile(file, DEFAULT_LIMITS);
  const maxJson = DEFAULT_LIMITS.maxJsonBytes;
  const manifestEntry = index.resolve('/manifest.json');

  if (!manifestEntry) {
    if (index.get('/index.json')) {
      return openOciImage(tarBlobStore(index), {
        kind: 'docker-archive',
        reference: file,
        ...(typeof options.image === 'string' ? { ref: options.image } : {}),
        ...(options.platform ? { platform: options.platform } : {}),
      });
    }
    if (index.get('/repositories')) {
      throw new BadInputError(`${file} uses the pre-Docker-1.10 save format (no manifest.json), which is not supported`);
    }
    throw new BadInputError(`${file} is not a docker-archive: it has no manifest.json`);
  }

  let json: unknown;
  try {
    json = JSON.parse((await index.readSmall(manifestEntry, maxJson)).toString('utf8'));
  } catch (error) {
    throw new ImageFormatError(`${file}: manifest.json is not valid JSON`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImageFormatError(`${file}: manifest.json is not a docker save manifest (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`);
  }
  const images = parsed.data;
  let chosen = images[0];
  if (options.image !== undefined) {
    const wanted = options.image;
    chosen = typeof wanted === 'number' ? images[wanted] : images.find((m) => (m.RepoTags ?? []).includes(wanted));
    if (!chosen) {
      const tags = images.flatMap((m, i) => (m.RepoTags?.length ? m.RepoTags : [`#${i}`])).join(', ');
      throw new BadInputError(`${file} has no image ${JSON.stringify(wanted)} (images: ${tags})`);
    }
  } else if (images.length > 1) {
    const tags = images.flatMap((m, i) => (m.RepoTags?.length ? m.RepoTags : [`#${i}`])).join(', ');
    throw new BadInputError(`${file} holds ${images.length} images; choose one (images: ${tags})`);
  }
  const image = chosen as (typeof images)[number];

  const configBytes = await index.readSmall(member(index, image.Config, 'config'), maxJson);
  const configDigest = sha256Digest(configBytes);
  // In the OCI-style save the config is a content-addressed blob: a mismatch means tampering. The classic
  // '<hex>.json' name is not checked, as `docker load` does not check it (go-containerregistry's fixtures rely on that).
  const named = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(image.Config)?.[1];
  if (named !== undefined && `sha256:${named}` !== configDigest) {
    throw new ImageFormatError(`${file}: config ${image.Config} does not match its digest (got ${configDigest})`);
  }
  const layerDigests = image.Layers.map((name) => {
    const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
    const digest = m ? `${m[1]}:${m[2]}` : undefined;
    return digest !== undefined && isDigest(digest) ? digest : undefined;
  });
  const metadata = parseImageConfig(configBytes, {
    configDigest,
    repoTags: image.RepoTags ?? [],
    layers: layerDigests.map((digest) => (digest ? { digest } : {})),
  });
  if (metadata.layers.length !== image.Layers.length) {
    throw new ImageFormatError(`${file}: manifest.json lists ${image.Layers.length} layers but the config has ${metadata.layers.length} diff_ids`);
  }
  const blobs: LayerBlob[] = image.Layers.map((name, i) => {
    const entry = member(index, name, `layer ${i}`);
    const digest = layerDigests[i];
    return {
      index: i,
      diffId: metadata.layers[i]?.diffId as string,
      ...(digest !== undefined ? { digest } : {}),
      compression: 'detect',
      size: entry.dataSize,
      open: async () => index.open(entry),
      // A sparse member's stored bytes are not the layer: only open() (which refuses it) is offered then.
      ...(entry.sparse ? {} : { openChunks: () => fileChunks(index.file, entry.dataOffset, entry.dataSize) }),
    };
  });

  return {
    kind: 'docker-archive',
    reference: file,
    randomAccess: true,
    async *layers() {
      yield* blobs;
    },
    metadata: async () => metadata,
    close: async () => undefined,
  };
}
